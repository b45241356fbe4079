"""A realistic correspondence group for report tests, written by us in the register of
the WGEC correspondence group (shared/seeds): its people, its issue list, and a way to
put posts, tags, mapping entries and items straight into the store.

Report-focused tests insert rows directly so they do not depend on how tags, mapping
entries and items are derived from mail; tests/reports/test_pipeline_calendar.py feeds
real mail through the whole pipeline instead.
"""

from __future__ import annotations

import email
import itertools
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.policy import default

from sqlalchemy import select

from corrbot.db import transaction
from corrbot.issue_list import IssueRow, import_issues
from corrbot.members import add_member
from corrbot.model import (
    Item,
    MappingEntry,
    Member,
    Message,
    Option,
    OutboxEntry,
    Position,
    Referral,
    Tag,
)
from corrbot.runtime import Runtime

CALENDAR = """
[[deadlines]]
key = "update-2"
kind = "update-report"
due = 2014-01-03T17:00:00

[[deadlines]]
key = "initial-output"
kind = "initial-output"
due = 2014-01-07T17:00:00

[[deadlines]]
key = "update-3"
kind = "update-report"
due = 2014-01-31T17:00:00

[[deadlines]]
key = "final-document"
kind = "final-document"
due = 2014-02-12T17:00:00
"""

PEOPLE = [
    (
        "jimson.olufemi@commtech.gov.ng",
        "Jimson Olufemi",
        "government",
        "Federal Ministry of Communication Technology, Nigeria",
    ),
    (
        "r.mehta@deity.gov.in",
        "Rajiv Mehta",
        "government",
        "Department of Electronics and IT, India",
    ),
    ("marilia@nupef.org.br", "Marília Santos", "civil-society", "Nupef Institute"),
    ("k.weber@telco.example.de", "Karl Weber", "private-sector", "Telco Europe"),
    ("ines.duarte@ulisboa.example.pt", "Inês Duarte", "academic-technical", "University of Lisbon"),
    (
        "anriette@apc.example.org",
        "Anne Rietveld",
        "civil-society",
        "Association for Progressive Communications",
    ),
]

ISSUES = [
    IssueRow(1, "Multilingualism and local content", "development", ("IDN",)),
    IssueRow(2, "Cybersecurity and cybercrime", "security", ()),
    IssueRow(3, "Spam", "security", ("unsolicited email",)),
    IssueRow(4, "Capacity building for Internet governance", "development", ()),
    IssueRow(5, "Privacy and data protection", "human rights", ()),
    IssueRow(6, "Child online protection", "human rights", ()),
    IssueRow(7, "Management of domain names and IP addresses", "infrastructure", ()),
    IssueRow(8, "Affordable access and international connectivity costs", "development", ()),
]

_ids = itertools.count(1)


@dataclass
class Group:
    runtime: Runtime
    members: dict[str, int]  # email -> member id
    issues: dict[int, int]  # number -> issue id
    played: set[str] = field(default_factory=set)  # calendar phases already in the store


def setup_group(runtime: Runtime) -> Group:
    with transaction(runtime.sessions) as session:
        gid = runtime.group_id
        members = {
            email: add_member(
                session, gid, runtime.clock, email=email, name=name, stakeholder=sh, org=org
            ).id
            for email, name, sh, org in PEOPLE
        }
        import_issues(session, gid, ISSUES)
        session.flush()
        from corrbot.model import Issue

        issues = {
            i.number: i.id for i in session.scalars(select(Issue).where(Issue.group_id == gid))
        }
    return Group(runtime, members, issues)


def post(
    g: Group,
    sender: str,
    subject: str,
    at: datetime,
    *,
    tasks: tuple[str, ...] = (),
    issues: tuple[int, ...] = (),
    on_behalf_of: str | None = None,
    status: str = "accepted",
    purpose: str = "post",
    text: str = "",
    thread_id: int | None = None,
) -> int:
    """One processed message as the pipeline would leave it; returns its row id."""
    with transaction(g.runtime.sessions) as session:
        member_id = g.members.get(sender)
        name = next((p[1] for p in PEOPLE if p[0] == sender), "")
        msg = Message(
            group_id=g.runtime.group_id,
            message_id=f"{next(_ids)}.{at:%Y%m%d%H%M}@mail.example",
            received_at=at,
            date=at,
            via="smtp",
            purpose=purpose,
            stage="processed",
            status=status,
            subject=subject,
            from_addr=sender,
            from_name=name,
            member_id=member_id,
            on_behalf_of=on_behalf_of,
            text_body=text,
            new_text=text,
            thread_id=thread_id,
        )
        session.add(msg)
        session.flush()
        for key in tasks:
            session.add(Tag(message_id=msg.id, kind="task", key=key, source="explicit"))
        for number in issues:
            session.add(Tag(message_id=msg.id, kind="issue", key=str(number), source="explicit"))
        return msg.id


def mapping_entry(
    g: Group,
    message: int,
    issue: int,
    mechanism: str,
    status: str,
    at: datetime,
    *,
    body: str | None = None,
    gap: str | None = None,
    state: str = "open",
    closes_at: datetime | None = None,
) -> int:
    """A mapping entry and its item (closing 14 days after `at` unless told); its id."""
    closes_at = closes_at or at + timedelta(days=14)
    with transaction(g.runtime.sessions) as session:
        row = session.get(Message, message)
        assert row is not None
        item = Item(
            group_id=g.runtime.group_id,
            kind="mapping",
            title=f"#{issue}: {mechanism}",
            message_id=message,
            author_id=row.member_id,
            issue_id=g.issues[issue],
            opened_at=at,
            closes_at=closes_at,
            state=state,
            closed_at=closes_at if state != "open" else None,
        )
        session.add(item)
        session.flush()
        session.add(
            Option(
                item_id=item.id, letter="A", text=mechanism, author_id=row.member_id, created_at=at
            )
        )
        session.add(
            MappingEntry(
                group_id=g.runtime.group_id,
                issue_id=g.issues[issue],
                message_id=message,
                item_id=item.id,
                mechanism=mechanism,
                body=body,
                status=status,
                gap=gap,
                created_at=at,
            )
        )
        return item.id


def referral(
    g: Group,
    item_id: int,
    at: datetime,
    alternatives: dict[str, str],
    positions: list[tuple[str, str, str | None]],
) -> int:
    """Refer an item with its alternatives and positions (email, stance, option)."""
    with transaction(g.runtime.sessions) as session:
        item = session.get(Item, item_id)
        assert item is not None
        item.state = "referred"
        item.closed_at = at
        for letter, text in alternatives.items():
            session.add(Option(item_id=item_id, letter=letter, text=text, created_at=at))
        for i, (who, stance, option) in enumerate(positions):
            session.add(
                Position(
                    item_id=item_id,
                    member_id=g.members[who],
                    stance=stance,
                    option=option,
                    stated_at=at - timedelta(days=1, minutes=i),
                )
            )
        ref = Referral(item_id=item_id, token=f"tok{item_id}", created_at=at)
        session.add(ref)
        session.flush()
        return ref.id


def decide(g: Group, referral_id: int, decision: str, at: datetime, note: str = "") -> None:
    with transaction(g.runtime.sessions) as session:
        ref = session.get(Referral, referral_id)
        assert ref is not None
        ref.state, ref.decision, ref.decided_at, ref.note = "decided", decision, at, note
        item = session.get(Item, ref.item_id)
        assert item is not None
        item.state = "decided"


def report_mail(runtime: Runtime, key: str) -> list[OutboxEntry]:
    with runtime.sessions() as session:
        return list(
            session.scalars(
                select(OutboxEntry)
                .where(OutboxEntry.dedupe_key.like(f"report:{key}|%"))
                .order_by(OutboxEntry.recipient)
            )
        )


def parsed(entry: OutboxEntry) -> EmailMessage:
    msg = email.message_from_bytes(entry.raw, policy=default)
    assert isinstance(msg, EmailMessage)
    return msg


def text_of(entry: OutboxEntry, subtype: str = "plain") -> str:
    part = parsed(entry).get_body((subtype,))
    assert part is not None
    return str(part.get_content())


def member_ids(runtime: Runtime) -> list[int]:
    with runtime.sessions() as session:
        return list(session.scalars(select(Member.id)))
