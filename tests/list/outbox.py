"""Read the outbox the way a recipient would read the mail."""

from __future__ import annotations

import re
from email import message_from_bytes, policy
from email.message import EmailMessage

from sqlalchemy import select

from corrbot.model import Member, Message, OutboxEntry, PendingConfirmation
from corrbot.runtime import Runtime

REQUEST = "cg-request@lists.example.org"
OWNER = "cg-owner@lists.example.org"
BOUNCES = "cg-bounces@lists.example.org"


def rows(runtime: Runtime, *, kind: str | None = None, to: str | None = None) -> list[OutboxEntry]:
    with runtime.sessions() as session:
        query = select(OutboxEntry).order_by(OutboxEntry.id)
        if kind:
            query = query.where(OutboxEntry.kind == kind)
        if to:
            query = query.where(OutboxEntry.recipient == to)
        return list(session.scalars(query))


def mail(row: OutboxEntry) -> EmailMessage:
    parsed = message_from_bytes(row.raw, policy=policy.default)
    assert isinstance(parsed, EmailMessage)
    return parsed


def text(row: OutboxEntry) -> str:
    body = mail(row).get_body(preferencelist=("plain",))
    assert isinstance(body, EmailMessage)
    return str(body.get_content()).replace("\r\n", "\n")


def last_to(runtime: Runtime, to: str, kind: str | None = None) -> OutboxEntry:
    found = rows(runtime, kind=kind, to=to)
    assert found, f"nothing queued to {to}"
    return found[-1]


def confirm_address(row: OutboxEntry) -> str:
    found = re.search(r"cg-confirm\+[0-9a-z]+@lists\.example\.org", str(mail(row)["Reply-To"]))
    assert found, "no confirmation address in Reply-To"
    return found.group(0)


def message(runtime: Runtime, row_id: int) -> Message:
    with runtime.sessions() as session:
        found = session.get(Message, row_id)
        assert found is not None
        return found


def member(runtime: Runtime, email: str) -> Member | None:
    with runtime.sessions() as session:
        return session.scalar(select(Member).where(Member.email == email))


def pending(runtime: Runtime, action: str) -> list[PendingConfirmation]:
    with runtime.sessions() as session:
        return list(
            session.scalars(
                select(PendingConfirmation)
                .where(PendingConfirmation.action == action)
                .order_by(PendingConfirmation.id)
            )
        )
