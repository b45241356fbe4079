"""Referrals as data, for `corrbot referrals list`: options, holders, state."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from corrbot.holders import Holder, OptionHolders, option_holders
from corrbot.model import Issue, Item, Referral


@dataclass(slots=True)
class ReferralRow:
    id: int
    item_id: int
    kind: str
    title: str
    issue: int | None
    reason: str  # no-consensus or recommendation
    state: str  # pending, decided, returned
    decision: str | None
    note: str
    referred_at: datetime
    decided_at: datetime | None
    options: list[OptionHolders]

    def as_json(self) -> dict[str, Any]:
        def people(hs: list[Holder]) -> list[dict[str, str | None]]:
            return [
                {
                    "name": h.name,
                    "org": h.org,
                    "stakeholder": h.stakeholder,
                    "email": h.email,
                    "on_behalf_of": h.on_behalf_of or None,
                }
                for h in hs
            ]

        data = {k: v for k, v in asdict(self).items() if k != "options"}
        data["referred_at"] = self.referred_at.isoformat()
        data["decided_at"] = self.decided_at.isoformat() if self.decided_at else None
        data["options"] = [
            {
                "letter": o.letter,
                "text": o.text,
                "supporters": people(o.supporters),
                "objectors": people(o.objectors),
                "abstainers": people(o.abstainers),
            }
            for o in self.options
        ]
        return data


def list_referrals(session: Session, group_id: int) -> list[ReferralRow]:
    """Every referral, oldest first."""
    rows = session.execute(
        select(Referral, Item, Issue.number)
        .join(Item, Item.id == Referral.item_id)
        .outerjoin(Issue, Issue.id == Item.issue_id)
        .where(Item.group_id == group_id)
        .order_by(Referral.created_at, Referral.id)
    )
    return [
        ReferralRow(
            id=ref.id,
            item_id=item.id,
            kind=item.kind,
            title=item.title,
            issue=number,
            reason=ref.reason,
            state=ref.state,
            decision=ref.decision,
            note=ref.note or "",
            referred_at=ref.created_at,
            decided_at=ref.decided_at,
            options=option_holders(session, item),
        )
        for ref, item, number in rows
    ]
