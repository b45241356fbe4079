"""docs/operators.md's Postfix recipe, run for real: Postfix in front, corrbot behind on LMTP.

A real Postfix on loopback ports is configured with the recipe's lines (transport
map to corrbot's LMTP listener, `recipient_delimiter = +`, the regexp table of the
list's addresses). Mail for the list goes through it to corrbot; corrbot's copies
(delivery mode "smtp") go back through it to a sink standing in for the Internet;
and a copy the sink refuses comes back to corrbot as a bounce at its VERP address.
"""

from __future__ import annotations

import smtplib
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select

from corrbot.config import load_settings
from corrbot.db import transaction
from corrbot.demo.listener import running_listener
from corrbot.groups import sync_group
from corrbot.members import add_member
from corrbot.migrate import upgrade
from corrbot.model import Message
from corrbot.runtime import Runtime
from corrbot.tick import run_tick
from tests.demo.postfix_relay import PostfixRelay, free_port
from tests.mail import make_mail

DOMAIN = "lists.example.org"

CONFIG = """
[group]
name = "Relay Test Group"
list_address = "cg@lists.example.org"
chair = "chair@example.org"
coordinators = ["coordinator@example.org"]

[database]
url = "{db_url}"

[listener]
protocol = "lmtp"
host = "127.0.0.1"
port = {lmtp_port}

[delivery]
mode = "smtp"
host = "127.0.0.1"
port = {postfix_port}
starttls = false

[[tasks]]
key = "a"
title = "Review the identified international public policy issues"
"""


class Sink:
    """The Internet beyond Postfix: accepts every recipient but `gone@`, which is 550."""

    def __init__(self) -> None:
        self.received: list[tuple[str, list[str], bytes]] = []

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, options: Any
    ) -> str:
        if address.lower().startswith("gone@"):
            return "550 5.1.1 No such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.received.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.content))
        return "250 OK"


def wait_for(what: str, check: Callable[[], bool], timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.fixture
def sink() -> Any:
    handler = Sink()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield handler, controller.port
    controller.stop()


def stored_to(runtime: Runtime, recipient: str) -> list[Message]:
    with runtime.sessions() as session:
        rows = session.scalars(select(Message).where(Message.placeholder.is_(False))).all()
        return [m for m in rows if recipient in (m.envelope_to or [])]


def test_postfix_relays_to_corrbot_and_carries_its_mail(
    tmp_path: Path, sqlite_url: str, sink: tuple[Sink, int]
) -> None:
    handler, sink_port = sink
    lmtp_port = free_port()
    relay = PostfixRelay(domain=DOMAIN, list_local="cg", lmtp_port=lmtp_port, relay_port=sink_port)
    config = tmp_path / "corrbot.toml"
    config.write_text(
        CONFIG.format(db_url=sqlite_url, lmtp_port=lmtp_port, postfix_port=relay.port)
    )
    runtime = Runtime.build(load_settings(config))
    upgrade(runtime.engine)
    with transaction(runtime.sessions) as session:
        sync_group(session, runtime.settings, runtime.clock)
    with transaction(runtime.sessions) as session:
        for email, name in [
            ("alice@members.example", "Alice Mwangi"),
            ("bob@members.example", "Bob Lindqvist"),
            ("gone@members.example", "Gone Away"),
        ]:
            add_member(
                session,
                runtime.group_id,
                runtime.clock,
                email=email,
                name=name,
                stakeholder="civil-society",
            )
    try:
        with running_listener(runtime), relay:
            post = make_mail(
                "Alice Mwangi <alice@members.example>",
                "[a] Through the front door",
                "Posted through Postfix.\n",
                message_id="front-door@members.example",
            )
            with smtplib.SMTP("127.0.0.1", relay.port, timeout=30) as smtp:
                smtp.sendmail("alice@members.example", ["cg@lists.example.org"], post)
                # The recipe's regexp table refuses what is not the list's at the door.
                with pytest.raises(smtplib.SMTPRecipientsRefused) as refused:
                    smtp.sendmail("alice@members.example", ["nobody@lists.example.org"], post)
            assert refused.value.recipients["nobody@lists.example.org"][0] == 550

            # Postfix hands the post to corrbot over LMTP (transport map).
            wait_for("the post to reach corrbot", lambda: bool(stored_to(runtime, f"cg@{DOMAIN}")))
            relay.wait_for_log(f"relay=127.0.0.1[127.0.0.1]:{lmtp_port}")

            # corrbot distributes through Postfix (delivery mode smtp), which relays out.
            run_tick(runtime)
            wait_for(
                "bob's copy at the sink",
                lambda: any("bob@members.example" in rcpts for _, rcpts, _ in handler.received),
            )
            envelope_from, _, content = next(
                r for r in handler.received if "bob@members.example" in r[1]
            )
            assert envelope_from.startswith("cg-bounces+") and envelope_from.endswith(f"@{DOMAIN}")
            assert b"Posted through Postfix." in content

            # The copy to gone@ is refused; Postfix's bounce goes to the VERP address,
            # which the recipe's `+` delimiter and transport bring back to corrbot.
            verp = f"cg-bounces+gone=members.example@{DOMAIN}"
            wait_for("the bounce to reach corrbot", lambda: bool(stored_to(runtime, verp)))
            run_tick(runtime)
            (bounce,) = stored_to(runtime, verp)
            assert bounce.status == "bounce"
    finally:
        runtime.close()
