"""The mapping as it stands: every issue in order, its entries and each entry's state.

Shared by the mapping documents (initial output, final document), the update
report's progress section and `corrbot export mapping`. One query for the entries,
one for the issues, one for option authors: the cost does not grow with the number
of messages in the archive.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from corrbot.model import Issue, Item, MappingEntry, Member, Message, Option

STATUSES = ("addressing", "partially", "not-addressing", "unknown")
# What an entry's item state means to a reader of the mapping.
STATE_WORDS = {
    "open": "open",
    "consensus": "agreed",
    "referred": "referred to the WG",
    "decided": "decided by the WG",
}


@dataclass(slots=True)
class EntryView:
    issue_number: int
    mechanism: str
    body: str
    status: str
    gap: str
    state: str  # open, consensus, referred, decided (the item's state)
    contributors: list[str]
    message_id: str
    created_at: datetime
    # The option the WG chose, where it named no Mechanism/Status/Gap: the entry as
    # agreed. Option A's status and gap were not agreed, so they are not shown.
    agreed: str = ""

    @property
    def state_words(self) -> str:
        return STATE_WORDS.get(self.state, self.state)


@dataclass(slots=True)
class IssueMapping:
    number: int
    title: str
    category: str
    entries: list[EntryView] = field(default_factory=list)

    @property
    def gaps(self) -> list[str]:
        return [e.gap for e in self.entries if e.gap]

    @property
    def mechanisms(self) -> list[str]:
        return list(dict.fromkeys(e.mechanism for e in self.entries))

    @property
    def status_known(self) -> int:
        return len({e.mechanism for e in self.entries if e.status != "unknown"})


def person(name: str | None, email: str | None, org: str | None) -> str:
    who = (name or "").strip() or (email or "unknown sender")
    return f"{who} ({org})" if org else who


def load_mapping(
    session: Session, group_id: int, until: datetime | None = None
) -> list[IssueMapping]:
    """Every issue in number order, with its entries (made by `until`) oldest first."""
    issues = {
        i.id: IssueMapping(i.number, i.title, i.category or "")
        for i in session.scalars(
            select(Issue).where(Issue.group_id == group_id).order_by(Issue.number)
        )
    }
    author = aliased(Member)
    until_clause = [MappingEntry.created_at <= until] if until is not None else []
    rows = session.execute(
        select(
            MappingEntry.issue_id,
            MappingEntry.mechanism,
            MappingEntry.body,
            MappingEntry.status,
            MappingEntry.gap,
            MappingEntry.agreed_text,
            MappingEntry.created_at,
            MappingEntry.item_id,
            Item.state,
            Message.message_id,
            Message.from_name,
            Message.from_addr,
            Message.on_behalf_of,
            author.name,
            author.org,
        )
        .join(Message, Message.id == MappingEntry.message_id)
        .outerjoin(Item, Item.id == MappingEntry.item_id)
        .outerjoin(author, author.id == Message.member_id)
        .where(MappingEntry.group_id == group_id, *until_clause)
        .order_by(MappingEntry.created_at, MappingEntry.id)
    ).all()
    alternatives = _option_authors(session, [r.item_id for r in rows if r.item_id])
    for r in rows:
        target = issues.get(r.issue_id)
        if target is None:
            continue
        contributors = [person(r.name or r.from_name, r.from_addr, r.org)]
        if r.on_behalf_of:
            contributors.append(f"on behalf of {r.on_behalf_of}")
        for extra in alternatives.get(r.item_id, []):
            if extra not in contributors:
                contributors.append(extra)
        target.entries.append(
            EntryView(
                issue_number=target.number,
                mechanism=r.mechanism,
                body=r.body or "",
                status="unknown" if r.agreed_text else r.status,
                gap="" if r.agreed_text else (r.gap or ""),
                state=r.state or "open",
                contributors=contributors,
                message_id=r.message_id,
                created_at=r.created_at,
                agreed=r.agreed_text or "",
            )
        )
    return list(issues.values())


def _option_authors(session: Session, item_ids: list[int]) -> dict[int, list[str]]:
    """Who offered alternatives (options B, C…) on each item: they contributed too."""
    found: dict[int, list[str]] = defaultdict(list)
    if not item_ids:
        return found
    rows = session.execute(
        select(Option.item_id, Member.name, Member.email, Member.org)
        .join(Member, Member.id == Option.author_id)
        .where(Option.item_id.in_(set(item_ids)), Option.letter != "A")
        .order_by(Option.item_id, Option.letter)
    ).all()
    for r in rows:
        found[r.item_id].append(person(r.name, r.email, r.org))
    return found
