"""Who holds which option of an item, from each member's latest position.

A position that names no option is about option A, the original text (as the
reports read it, corrbot/reports/items.py). Holders are grouped by stakeholder
group in the order of SPEC's table, so a referral shows the range of opinions.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from corrbot.config import STAKEHOLDER_GROUPS
from corrbot.model import Item, Member, Message, Option, Position


@dataclass(slots=True)
class Holder:
    name: str
    email: str
    org: str
    stakeholder: str
    on_behalf_of: str
    reason: str


@dataclass(slots=True)
class OptionHolders:
    letter: str
    text: str
    supporters: list[Holder] = field(default_factory=list)
    objectors: list[Holder] = field(default_factory=list)
    abstainers: list[Holder] = field(default_factory=list)

    @staticmethod
    def grouped(holders: list[Holder]) -> list[tuple[str, list[Holder]]]:
        order = {g: i for i, g in enumerate(STAKEHOLDER_GROUPS)}
        groups: dict[str, list[Holder]] = {}
        for h in holders:
            groups.setdefault(h.stakeholder, []).append(h)
        return sorted(groups.items(), key=lambda kv: (order.get(kv[0], len(order)), kv[0]))


def latest_positions(session: Session, item_id: int) -> list[tuple[Position, Member]]:
    """Each member's latest position on the item, oldest member first."""
    latest: dict[int, tuple[Position, Member]] = {}
    for pos, member in session.execute(
        select(Position, Member)
        .join(Member, Member.id == Position.member_id)
        .where(Position.item_id == item_id)
        .order_by(Position.stated_at, Position.id)
    ):
        latest[member.id] = (pos, member)
    return list(latest.values())


def standing_objections(session: Session, item_id: int) -> int:
    return sum(1 for pos, _ in latest_positions(session, item_id) if pos.stance == "object")


def option_holders(session: Session, item: Item) -> list[OptionHolders]:
    options = {
        o.letter: OptionHolders(o.letter, o.text)
        for o in session.scalars(
            select(Option).where(Option.item_id == item.id).order_by(Option.letter)
        )
    }
    for pos, member in latest_positions(session, item.id):
        letter = pos.option or "A"
        view = options.setdefault(letter, OptionHolders(letter, ""))
        behalf = None
        if pos.message_id is not None:
            behalf = session.scalar(
                select(Message.on_behalf_of).where(Message.id == pos.message_id)
            )
        holder = Holder(
            name=member.name or member.email,
            email=member.email,
            org=member.org or "",
            stakeholder=member.stakeholder,
            on_behalf_of=behalf or "",
            reason=pos.reason,
        )
        {"support": view.supporters, "object": view.objectors}.get(
            pos.stance, view.abstainers
        ).append(holder)
    return [options[k] for k in sorted(options)]
