"""A whole conversation over real sockets: corrbot's SMTP listener in, an SMTP sink out.

Join, confirm by replying, post, receive the redistributed copy with the list's
headers, leave; and a forged From: cannot take any of those steps for someone else.
"""

from __future__ import annotations

import re
import smtplib
from collections.abc import Callable, Iterator
from email import message_from_bytes, policy
from email.message import EmailMessage

import pytest

from corrbot.ingress.smtp import ListenerHandle, start_listener
from corrbot.runtime import Runtime
from corrbot.tick import run_tick
from tests.list.outbox import REQUEST, member
from tests.mail import LIST, make_mail
from tests.outbound.helpers import use_relay
from tests.servers.ports import free_port
from tests.servers.smtp_sink import Received, SmtpSink

NIA = "nia@newcomer.example"


@pytest.fixture
def world(make_group: Callable[..., Runtime]) -> Iterator[tuple[Runtime, ListenerHandle, SmtpSink]]:
    runtime = make_group(
        f'[listener]\nprotocol = "smtp"\nhost = "127.0.0.1"\nport = {free_port()}\n'
    )
    with SmtpSink() as sink:
        use_relay(runtime, sink)
        handle = start_listener(runtime)
        try:
            yield runtime, handle, sink
        finally:
            handle.stop()


def send(handle: ListenerHandle, sender: str, to: str, raw: bytes) -> None:
    with smtplib.SMTP(handle.host, handle.port, timeout=30) as client:
        assert client.sendmail(sender, [to], raw.replace(b"\n", b"\r\n")) == {}


def inbox(sink: SmtpSink, who: str) -> list[EmailMessage]:
    found = []
    for received in sink.messages:
        if who in received.rcpt_tos:
            parsed = message_from_bytes(received.data, policy=policy.default)
            assert isinstance(parsed, EmailMessage)
            found.append(parsed)
    return found


def envelope_of(sink: SmtpSink, who: str) -> list[Received]:
    return [r for r in sink.messages if who in r.rcpt_tos]


def confirm_in(mail: EmailMessage) -> str:
    found = re.search(r"cg-confirm\+[0-9a-z]+@lists\.example\.org", str(mail["Reply-To"]))
    assert found
    return found.group(0)


def test_join_confirm_post_receive_leave(world: tuple[Runtime, ListenerHandle, SmtpSink]) -> None:
    runtime, handle, sink = world
    send(
        handle,
        NIA,
        REQUEST,
        make_mail(f"Nia Newcomer <{NIA}>", "join civil-society", "", to=REQUEST),
    )
    run_tick(runtime)
    (request,) = inbox(sink, NIA)
    assert request["Auto-Submitted"] == "auto-replied"
    address = confirm_in(request)

    # a forger who saw nothing cannot confirm for Nia, even naming her as sender
    send(
        handle,
        "mallory@evil.example",
        address,
        make_mail("Mallory <mallory@evil.example>", "Re: confirm", "yes", to=address),
    )
    run_tick(runtime)
    assert member(runtime, NIA) is None

    send(
        handle,
        NIA,
        address,
        make_mail(
            NIA,
            f"Re: {request['Subject']}",
            "Yes.",
            to=address,
            in_reply_to=str(request["Message-ID"]).strip("<>"),
        ),
    )
    run_tick(runtime)
    joined = member(runtime, NIA)
    assert joined is not None and joined.status == "active" and joined.name == "Nia Newcomer"

    send(
        handle,
        NIA,
        LIST,
        make_mail(
            f"Nia Newcomer <{NIA}>",
            "Gaps for issue 4",
            "My first post.\n",
            message_id="nia-1@newcomer.example",
        ),
    )
    run_tick(runtime)
    (copy,) = [
        m for m in inbox(sink, "ana@example.org") if m["Message-ID"] == "<nia-1@newcomer.example>"
    ]
    assert copy["List-Id"] == '"Test Correspondence Group" <cg.lists.example.org>'
    assert copy["Subject"] == "[Test Correspondence Group] Gaps for issue 4"
    assert copy["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    body = copy.get_body(preferencelist=("plain",))
    assert body is not None and body.get_content().strip() == "My first post."
    (envelope,) = [r for r in envelope_of(sink, "ana@example.org") if b"nia-1@" in r.data]
    assert envelope.mail_from == "cg-bounces+ana=example.org@lists.example.org"
    assert any(m["Message-ID"] == "<nia-1@newcomer.example>" for m in inbox(sink, NIA))
    assert not any(
        m["Message-ID"] == "<nia-1@newcomer.example>" for m in inbox(sink, "dig@example.org")
    )

    send(handle, NIA, REQUEST, make_mail(NIA, "leave", "", to=REQUEST))
    run_tick(runtime)
    leave_request = inbox(sink, NIA)[-1]
    send(
        handle,
        NIA,
        confirm_in(leave_request),
        make_mail(NIA, "Re: confirm", "", to=confirm_in(leave_request)),
    )
    run_tick(runtime)
    left = member(runtime, NIA)
    assert left is not None and left.status == "left"

    # after leaving, her posts (or anyone's forged in her name) are held, not distributed
    before = len(sink.messages)
    send(
        handle,
        NIA,
        LIST,
        make_mail(NIA, "Still here?", "text", message_id="nia-2@newcomer.example"),
    )
    run_tick(runtime)
    new = sink.messages[before:]
    assert {r.rcpt_tos[0] for r in new} == {"coordinator@example.org", NIA}  # moderation + notice
