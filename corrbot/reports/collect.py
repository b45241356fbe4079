"""What an update report says, as plain data read from the store.

A contribution is a message that reached the list address (purpose "post") and was
accepted, posted within the period (`Message.posted_at`: when it arrived, or for an
imported archive when it was sent; start exclusive, end inclusive: periods of
successive reports chain, so each post is reported once). It is grouped by task,
then by issue, through its active tags; one with neither is listed as untagged,
so the count always equals the number of accepted posts in the period.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from corrbot.config import STAKEHOLDER_GROUPS
from corrbot.model import Item, Member, Message, Referral, Tag, Task
from corrbot.reports.items import ItemView, load_items
from corrbot.reports.mapping import IssueMapping, load_mapping


@dataclass(slots=True)
class Contribution:
    message_id: str
    subject: str
    sender_name: str
    sender_email: str
    org: str
    on_behalf_of: str
    stakeholder: str
    date: datetime


@dataclass(slots=True)
class IssueGroup:
    number: int | None  # None: the posts under a task that name no issue
    title: str
    contributions: list[Contribution] = field(default_factory=list)


@dataclass(slots=True)
class TaskGroup:
    key: str | None  # None: posts that name an issue but no task
    title: str
    issues: list[IssueGroup] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len({c.message_id for g in self.issues for c in g.contributions})


@dataclass(slots=True)
class Participation:
    stakeholder: str
    members: int
    contributions: int
    contributors: int


@dataclass(slots=True)
class UpdateData:
    period_start: datetime
    period_end: datetime
    count: int
    tasks: list[TaskGroup]
    untagged: list[Contribution]
    mapping: list[IssueMapping]
    new_entries: int
    consensus: list[ItemView]
    open_items: list[ItemView]
    referred: list[ItemView]
    decided: list[ItemView]
    participation: list[Participation]

    @property
    def silent_groups(self) -> list[str]:
        return [p.stakeholder for p in self.participation if p.contributions == 0]

    @property
    def unmapped(self) -> list[IssueMapping]:
        return [i for i in self.mapping if not i.entries]


def contributions(
    session: Session, group_id: int, start: datetime, end: datetime
) -> list[Contribution]:
    """Accepted posts received in (start, end], oldest first, with their senders."""
    # Plain rows, not ORM objects: a big group has thousands of members.
    members = {
        r.id: r
        for r in session.execute(
            select(Member.id, Member.email, Member.name, Member.org, Member.stakeholder).where(
                Member.group_id == group_id
            )
        )
    }
    by_email = {m.email: m for m in members.values()}
    rows = session.execute(
        select(
            Message.message_id,
            Message.subject,
            Message.from_name,
            Message.from_addr,
            Message.on_behalf_of,
            Message.member_id,
            Message.date,
            Message.posted_at,
        )
        .where(*_in_period(group_id, start, end))
        .order_by(Message.posted_at, Message.id)
    ).all()
    found = []
    for r in rows:
        member = members.get(r.member_id) if r.member_id else by_email.get(r.from_addr or "")
        found.append(
            Contribution(
                message_id=r.message_id,
                subject=r.subject or "(no subject)",
                sender_name=(member.name if member else "") or r.from_name or "",
                sender_email=r.from_addr or (member.email if member else ""),
                org=(member.org if member else None) or "",
                on_behalf_of=r.on_behalf_of or "",
                stakeholder=member.stakeholder if member else "unknown",
                date=r.date or r.posted_at,
            )
        )
    return found


def _in_period(group_id: int, start: datetime, end: datetime) -> list[ColumnElement[bool]]:
    return [
        Message.group_id == group_id,
        Message.purpose == "post",
        Message.status == "accepted",
        Message.posted_at > start,
        Message.posted_at <= end,
    ]


def group_contributions(
    session: Session,
    group_id: int,
    found: list[Contribution],
    start: datetime,
    end: datetime,
    titles: dict[int, str],
) -> tuple[list[TaskGroup], list[Contribution]]:
    """Task → issue → contributions, and the untagged ones."""
    tags: dict[str, tuple[set[str], set[int]]] = defaultdict(lambda: (set(), set()))
    for mid, kind, key in session.execute(
        select(Message.message_id, Tag.kind, Tag.key)
        .join(Message, Message.id == Tag.message_id)
        .where(Tag.active.is_(True), *_in_period(group_id, start, end))
    ):
        if kind == "task":
            tags[mid][0].add(key)
        elif kind == "issue" and str(key).isdigit():
            tags[mid][1].add(int(key))
    task_titles = {
        r.key: r.title
        for r in session.execute(select(Task.key, Task.title).where(Task.group_id == group_id))
    }
    nested: dict[str | None, dict[int | None, list[Contribution]]] = defaultdict(
        lambda: defaultdict(list)
    )
    untagged = []
    for c in found:
        task_keys, issue_numbers = tags.get(c.message_id, (set(), set()))
        if not task_keys and not issue_numbers:
            untagged.append(c)
            continue
        task_list: list[str | None] = [*sorted(task_keys)] or [None]
        issue_list: list[int | None] = [*sorted(issue_numbers)] or [None]
        for task in task_list:
            for number in issue_list:
                nested[task][number].append(c)
    groups = []
    for task in sorted(nested, key=lambda k: (k is None, k or "")):
        title = task_titles.get(task, "(not a task of the ToR)") if task else "No task named"
        issues = [
            IssueGroup(n, titles.get(n, "(not in the issue list)") if n else "No issue named", cs)
            for n, cs in sorted(nested[task].items(), key=lambda kv: (kv[0] is None, kv[0] or 0))
        ]
        groups.append(TaskGroup(task, title, issues))
    return groups, untagged


def participation(
    session: Session, group_id: int, found: list[Contribution]
) -> list[Participation]:
    members: dict[str, int] = {
        r[0]: r[1]
        for r in session.execute(
            select(Member.stakeholder, func.count())
            .where(Member.group_id == group_id, Member.status != "left")
            .group_by(Member.stakeholder)
        )
    }
    posts: dict[str, int] = defaultdict(int)
    people: dict[str, set[str]] = defaultdict(set)
    for c in found:
        posts[c.stakeholder] += 1
        people[c.stakeholder].add(c.sender_email)
    groups = list(STAKEHOLDER_GROUPS) + (["unknown"] if posts.get("unknown") else [])
    return [Participation(g, members.get(g, 0), posts[g], len(people[g])) for g in groups]


def collect_update(session: Session, group_id: int, start: datetime, end: datetime) -> UpdateData:
    found = contributions(session, group_id, start, end)
    mapping = load_mapping(session, group_id, until=end)
    titles = {i.number: i.title for i in mapping}
    tasks, untagged = group_contributions(session, group_id, found, start, end, titles)
    new_entries = sum(1 for i in mapping for e in i.entries if start < e.created_at <= end)
    closed = (Item.closed_at > start, Item.closed_at <= end)
    return UpdateData(
        period_start=start,
        period_end=end,
        count=len(found),
        tasks=tasks,
        untagged=untagged,
        mapping=mapping,
        new_entries=new_entries,
        consensus=load_items(session, group_id, Item.state == "consensus", *closed, order="closed"),
        open_items=load_items(session, group_id, Item.state == "open", Item.opened_at <= end),
        referred=load_items(
            session, group_id, Referral.created_at > start, Referral.created_at <= end
        ),
        decided=load_items(
            session, group_id, Referral.decided_at > start, Referral.decided_at <= end
        ),
        participation=participation(session, group_id, found),
    )
