"""Items as reports show them: options, who holds each (by stakeholder group), referrals.

A member's latest position on an item counts (SPEC "Consensus"); a position that
names no option is read as being about option A, the original text.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from corrbot.model import Issue, Item, Member, Option, Position, Referral


@dataclass(slots=True)
class Holder:
    name: str
    stakeholder: str
    org: str


@dataclass(slots=True)
class OptionView:
    letter: str
    text: str
    supporters: list[Holder] = field(default_factory=list)
    objectors: list[Holder] = field(default_factory=list)
    abstainers: list[Holder] = field(default_factory=list)

    @staticmethod
    def grouped(holders: list[Holder]) -> list[tuple[str, list[Holder]]]:
        """Holders by stakeholder group, groups in alphabetical order."""
        groups: dict[str, list[Holder]] = defaultdict(list)
        for h in holders:
            groups[h.stakeholder].append(h)
        return sorted(groups.items())


@dataclass(slots=True)
class ReferralView:
    reason: str
    state: str  # pending, decided, returned
    decision: str | None
    note: str
    created_at: datetime
    decided_at: datetime | None


@dataclass(slots=True)
class ItemView:
    id: int
    kind: str
    title: str
    state: str
    issue_number: int | None
    opened_at: datetime
    closes_at: datetime
    closed_at: datetime | None
    options: list[OptionView] = field(default_factory=list)
    referral: ReferralView | None = None

    @property
    def decided_option(self) -> OptionView | None:
        if self.referral is None or not self.referral.decision:
            return None
        return next((o for o in self.options if o.letter == self.referral.decision), None)


def load_items(
    session: Session, group_id: int, *where: ColumnElement[bool], order: str = "closes"
) -> list[ItemView]:
    """Items matching `where` (on Item or Referral columns), with options and holders."""
    query = (
        select(Item, Issue.number, Referral)
        .outerjoin(Issue, Issue.id == Item.issue_id)
        .outerjoin(Referral, Referral.item_id == Item.id)
        .where(Item.group_id == group_id, *where)
    )
    # An item returned by the chair and referred again has two referrals: newest first.
    query = query.order_by(
        Item.closes_at if order == "closes" else Item.closed_at, Item.id, Referral.id.desc()
    )
    views: dict[int, ItemView] = {}
    for item, number, ref in session.execute(query).all():
        if item.id in views:
            continue  # an older referral of the same item
        views[item.id] = ItemView(
            id=item.id,
            kind=item.kind,
            title=item.title,
            state=item.state,
            issue_number=number,
            opened_at=item.opened_at,
            closes_at=item.closes_at,
            closed_at=item.closed_at,
            referral=None
            if ref is None
            else ReferralView(
                ref.reason, ref.state, ref.decision, ref.note or "", ref.created_at, ref.decided_at
            ),
        )
    _fill_options(session, views)
    return list(views.values())


def _fill_options(session: Session, views: dict[int, ItemView]) -> None:
    if not views:
        return
    ids = list(views)
    for opt in session.scalars(
        select(Option).where(Option.item_id.in_(ids)).order_by(Option.item_id, Option.letter)
    ):
        views[opt.item_id].options.append(OptionView(opt.letter, opt.text))
    latest: dict[tuple[int, int], tuple[Position, Member]] = {}
    rows = session.execute(
        select(Position, Member)
        .join(Member, Member.id == Position.member_id)
        .where(Position.item_id.in_(ids))
        .order_by(Position.stated_at, Position.id)
    ).all()
    for pos, member in rows:
        latest[(pos.item_id, pos.member_id)] = (pos, member)
    for pos, member in latest.values():
        view = views[pos.item_id]
        letter = pos.option or "A"
        option = next((o for o in view.options if o.letter == letter), None)
        if option is None:
            option = OptionView(letter, "")
            view.options.append(option)
        holder = Holder(member.name or member.email, member.stakeholder, member.org or "")
        {"support": option.supporters, "object": option.objectors}.get(
            pos.stance, option.abstainers
        ).append(holder)
