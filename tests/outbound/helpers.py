"""Helpers for delivery tests: queue a message, read the outbox, switch to the relay."""

from __future__ import annotations

import dataclasses
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from sqlalchemy import select

from corrbot.clock import FixedClock
from corrbot.db import transaction
from corrbot.model import OutboxEntry
from corrbot.outbound.queue import enqueue
from corrbot.runtime import Runtime
from tests.servers.smtp_sink import SmtpSink

BOUNCES = "cg-bounces@lists.example.org"


def maildir_of(runtime: Runtime) -> Path:
    return runtime.settings.path(runtime.settings.delivery.maildir)


def use_relay(runtime: Runtime, sink: SmtpSink | None = None, **delivery: Any) -> None:
    """Switch the runtime to delivery mode "smtp" towards `sink` (or the given host/port)."""
    fields: dict[str, Any] = {"mode": "smtp"}
    if sink is not None:
        fields.update(host=sink.host, port=sink.port)
    fields.update(delivery)
    runtime.settings.delivery = dataclasses.replace(runtime.settings.delivery, **fields)


def queue_mail(
    runtime: Runtime,
    recipients: list[str],
    subject: str = "Hello",
    body: str = "A line.\n.A line starting with a dot.\n",
    key: str = "test-1",
    kind: str = "reply",
) -> str:
    """Queue one message for `recipients`; returns its Message-ID (without brackets)."""
    msg = EmailMessage()
    msg["From"] = "Test Group <cg@lists.example.org>"
    msg["To"] = ", ".join(recipients)
    msg["Subject"] = subject
    msg["Message-ID"] = f"<{key}@lists.example.org>"
    msg.set_content(body)
    with transaction(runtime.sessions) as session:
        enqueue(
            session,
            runtime.group_id,
            runtime.clock,
            message=msg,
            recipients=recipients,
            kind=kind,
            dedupe_key=key,
            envelope_from=BOUNCES,
        )
    return f"{key}@lists.example.org"


def rows(runtime: Runtime) -> dict[str, OutboxEntry]:
    """The outbox rows by recipient."""
    with runtime.sessions() as session:
        return {e.recipient: e for e in session.scalars(select(OutboxEntry))}


def advance(runtime: Runtime, **delta: float) -> None:
    """Move the test runtime's FixedClock forward."""
    clock = runtime.clock
    assert isinstance(clock, FixedClock)
    clock.advance(**delta)
