"""A small group on both backends, and helpers to talk to it by email and read what it sent."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from email import message_from_bytes, policy
from email.message import EmailMessage

import pytest
from sqlalchemy import select

from corrbot.db import transaction
from corrbot.members import add_member
from corrbot.model import Issue, OutboxEntry
from corrbot.runtime import Runtime
from tests.mail import LIST, feed, make_mail

# (key, email, name, stakeholder, org, role)
PEOPLE = (
    ("ana", "ana@gov.example", "Ana Carvalho", "government", "Brazil", "member"),
    ("raj", "raj@gov.example", "Raj Menon", "government", "India", "member"),
    ("sam", "sam@biz.example", "Sam Whitfield", "private-sector", "Telco plc", "member"),
    ("lea", "lea@civil.example", "Léa Dubois", "civil-society", "Ligue", "member"),
    ("ken", "ken@uni.example", "Ken Sato", "academic-technical", "APNIC", "member"),
    ("ola", "ola@io.example", "Ola Moreau", "intergovernmental", "UNODC", "member"),
    ("coord", "coordinator@example.org", "Coral Coordinator", "private-sector", "", "coordinator"),
    ("chair", "chair@example.org", "Chris Chair", "government", "WGEC", "chair"),
)
EMAIL = {key: email for key, email, *_ in PEOPLE}


@dataclass
class Group:
    runtime: Runtime
    counter: int = 0

    def send(
        self,
        who: str,
        subject: str,
        body: str,
        *,
        reply_to: str | None = None,
        to: str = LIST,
        envelope_to: Sequence[str] | None = None,
        sender: str | None = None,
    ) -> str:
        """Mail from a member (or any `sender`), through the real pipeline; its Message-ID."""
        self.counter += 1
        mid = f"m{self.counter}.{who}@test.example"
        raw = make_mail(
            sender or f"{who.title()} <{EMAIL[who]}>",
            subject,
            body,
            to=to,
            message_id=mid,
            in_reply_to=reply_to,
            date=self.runtime.clock.now(),
        )
        feed(self.runtime, [raw], envelope_to=envelope_to or (to,))
        return mid

    def outbox(self, kind: str | None = None) -> list[OutboxEntry]:
        with self.runtime.sessions() as session:
            query = select(OutboxEntry).order_by(OutboxEntry.id)
            if kind:
                query = query.where(OutboxEntry.kind == kind)
            return list(session.scalars(query))


def parsed(entry: OutboxEntry) -> EmailMessage:
    msg = message_from_bytes(entry.raw, policy=policy.default)
    assert isinstance(msg, EmailMessage)
    return msg


def text(entry: OutboxEntry) -> str:
    body = parsed(entry).get_body(preferencelist=("plain",))
    assert isinstance(body, EmailMessage)
    return str(body.get_content())


def html(entry: OutboxEntry) -> str:
    body = parsed(entry).get_body(preferencelist=("html",))
    assert isinstance(body, EmailMessage)
    return str(body.get_content())


def build_group(runtime: Runtime) -> Group:
    with transaction(runtime.sessions) as session:
        for _key, email, name, stakeholder, org, role in PEOPLE:
            add_member(
                session,
                runtime.group_id,
                runtime.clock,
                email=email,
                name=name,
                stakeholder=stakeholder,
                role=role,
                org=org or None,
            )
        for number, title, aliases in (
            (1, "Internationalised domain names", "IDN"),
            (2, "Cybersecurity and cybercrime", "cybercrime"),
            (3, "Spam", ""),
        ):
            session.add(
                Issue(group_id=runtime.group_id, number=number, title=title, aliases=aliases)
            )
    return Group(runtime)


@pytest.fixture
def group(db_url: str, make_runtime: Callable[..., Runtime]) -> Group:
    """The group above on SQLite and on PostgreSQL."""
    return build_group(make_runtime(db_url))


@pytest.fixture
def lite_group(sqlite_url: str, make_runtime: Callable[..., Runtime]) -> Group:
    """The same group on SQLite only (for checks that do not depend on the backend)."""
    return build_group(make_runtime(sqlite_url))
