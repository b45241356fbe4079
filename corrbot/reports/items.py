"""Items as reports show them: options, who holds each (by stakeholder group), referrals.

Who holds which option is read by corrbot/holders.py, the same reading the
referral emails use (a member's latest position counts; no option named means A).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from corrbot.holders import OptionHolders, holders_by_item
from corrbot.model import Issue, Item, Referral


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
    options: list[OptionHolders] = field(default_factory=list)
    referral: ReferralView | None = None

    @property
    def decided_option(self) -> OptionHolders | None:
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
    for item_id, options in holders_by_item(session, list(views)).items():
        views[item_id].options = options
    return list(views.values())
