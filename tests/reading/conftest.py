"""Fixtures for reading posts through the pipeline: a group with issues and members,
on both databases, and helpers that look at what was stored and what was queued."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from email import message_from_bytes
from email.message import Message as EmailMessage
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from corrbot.addresses import Purpose
from corrbot.db import transaction
from corrbot.issue_list import IssueRow, import_issues
from corrbot.members import add_member
from corrbot.model import Group, Message, OutboxEntry, PendingConfirmation, Tag
from corrbot.pipeline import parse, thread
from corrbot.pipeline.context import MessageContext
from corrbot.pipeline.understand import understand
from corrbot.runtime import Runtime
from tests.mail import feed

ISSUES = [
    IssueRow(1, "Spam", "Security", ("unsolicited bulk email",)),
    IssueRow(3, "Cross-border data flows", "Economy", ("transborder data flows",)),
    IssueRow(12, "Internationalized domain names", "Infrastructure", ("IDN", "IDNs")),
]
# Rows tied to the session that read them; tests look at rows through the store.
_ROWS = ("member", "parent")
ANA = "Ana Duarte <ana@gov.example.br>"
KOFI = "Kofi Mensah <kofi@ngo.example.org>"
COORD = "Coordinator <coordinator@example.org>"


def body_of(mail: EmailMessage) -> str:
    """The text of a mail corrbot wrote (single text/plain part)."""
    payload = mail.get_payload(decode=True)
    assert isinstance(payload, bytes)
    return payload.decode()


@dataclass
class Group_:
    runtime: Runtime

    def tags(self, row_id: int) -> dict[tuple[str, str], tuple[str, float, bool]]:
        with self.runtime.sessions() as session:
            rows = session.scalars(select(Tag).where(Tag.message_id == row_id))
            return {(r.kind, r.key): (r.source, r.confidence, r.active) for r in rows}

    def active(self, row_id: int) -> dict[tuple[str, str], str]:
        return {key: source for key, (source, _, on) in self.tags(row_id).items() if on}

    def message(self, row_id: int) -> Message:
        with self.runtime.sessions() as session:
            row = session.get(Message, row_id)
            assert row is not None
            session.expunge(row)
            return row

    def replies(self, reason: str) -> list[tuple[str, EmailMessage]]:
        """(recipient, parsed mail) of every queued understand reply for ``reason``."""
        with self.runtime.sessions() as session:
            rows = session.scalars(
                select(OutboxEntry)
                .where(OutboxEntry.dedupe_key.like(f"understand-{reason}:%"))
                .order_by(OutboxEntry.id)
            )
            return [(r.recipient, message_from_bytes(r.raw)) for r in rows]

    def pending(self) -> list[PendingConfirmation]:
        with self.runtime.sessions() as session:
            rows = list(
                session.scalars(
                    select(PendingConfirmation).where(PendingConfirmation.action == "retag")
                )
            )
            session.expunge_all()
            return rows

    def read(self, raw: bytes) -> dict[str, Any]:
        """Store a post and run parse, thread and understand on it; return ctx.reading.

        For what the understand step hands to later handlers, which only they
        would otherwise see (the full route is exercised through ``feed``).
        """
        [row_id] = feed(self.runtime, [raw], process=False)
        with transaction(self.runtime.sessions) as session:
            ctx = self._context(session, row_id, "post", None)
            assert parse.parse(ctx)
            thread.thread(ctx)
            ctx.message.status = "accepted"
            understand(ctx)
            return {key: value for key, value in ctx.reading.items() if key not in _ROWS}

    def _context(
        self, session: Session, row_id: int, purpose: Purpose, detail: str | None
    ) -> MessageContext:
        message = session.get(Message, row_id)
        group = session.get(Group, self.runtime.group_id)
        assert message is not None and group is not None
        message.stage = "processed"
        return MessageContext(
            runtime=self.runtime,
            session=session,
            group=group,
            message=message,
            purpose=purpose,
            detail=detail,
        )

    def confirm_by_mail(self, raw: bytes, token: str) -> None:
        """Deliver a reply to cg-confirm+TOKEN@ through the whole pipeline."""
        feed(self.runtime, [raw], envelope_to=[self.runtime.addresses.confirm(token)])


@pytest.fixture
def group(db_url: str, make_runtime: Callable[..., Runtime]) -> Group_:
    """The test group (tasks a-d) with three issues and two members, on each backend."""
    runtime = make_runtime(db_url)
    with transaction(runtime.sessions) as session:
        import_issues(session, runtime.group_id, ISSUES)
        add_member(
            session,
            runtime.group_id,
            runtime.clock,
            email="ana@gov.example.br",
            name="Ana Duarte",
            stakeholder="government",
            org="Ministry of Communications",
            country="br",
        )
        add_member(
            session,
            runtime.group_id,
            runtime.clock,
            email="kofi@ngo.example.org",
            name="Kofi Mensah",
            stakeholder="civil-society",
            org="Open Net Africa",
        )
    return Group_(runtime)
