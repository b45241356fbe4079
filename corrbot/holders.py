"""Who holds which option of an item, from each member's latest position.

One reading serves the referral emails and `corrbot referrals list`
(corrbot/consensus) and the reports (corrbot/reports), so that a referral and
a report never disagree about who supports what. It lives outside both
packages because it needs only the model.

A member's latest position on an item counts (SPEC "Consensus"); a position
that names no option is about option A, the original text. Holders are grouped
by stakeholder group in the order of SPEC's table, so a referral or a report
shows the range of opinions the same way.
"""

from __future__ import annotations

from collections.abc import Collection
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
    reason: str  # the reason given with the position (an objector's, for the chair)


@dataclass(slots=True)
class OptionHolders:
    letter: str
    text: str
    supporters: list[Holder] = field(default_factory=list)
    objectors: list[Holder] = field(default_factory=list)
    abstainers: list[Holder] = field(default_factory=list)

    def add(self, stance: str, holder: Holder) -> None:
        by_stance = {"support": self.supporters, "object": self.objectors}
        by_stance.get(stance, self.abstainers).append(holder)

    @staticmethod
    def grouped(holders: list[Holder]) -> list[tuple[str, list[Holder]]]:
        """Holders by stakeholder group, in SPEC's order (an unknown group last)."""
        order = {g: i for i, g in enumerate(STAKEHOLDER_GROUPS)}
        groups: dict[str, list[Holder]] = {}
        for h in holders:
            groups.setdefault(h.stakeholder, []).append(h)
        return sorted(groups.items(), key=lambda kv: (order.get(kv[0], len(order)), kv[0]))


@dataclass(slots=True)
class Stated:
    """A member's latest position on an item, with who it was written for."""

    position: Position
    member: Member
    on_behalf_of: str


def latest_positions(session: Session, item_ids: Collection[int]) -> list[Stated]:
    """Each member's latest position on each item, in the order members first took one."""
    if not item_ids:
        return []
    latest: dict[tuple[int, int], Stated] = {}
    rows = session.execute(
        select(Position, Member, Message.on_behalf_of)
        .join(Member, Member.id == Position.member_id)
        .outerjoin(Message, Message.id == Position.message_id)
        .where(Position.item_id.in_(list(item_ids)))
        .order_by(Position.stated_at, Position.id)
    )
    for pos, member, behalf in rows:
        latest[(pos.item_id, member.id)] = Stated(pos, member, behalf or "")
    return list(latest.values())


def holders_by_item(session: Session, item_ids: Collection[int]) -> dict[int, list[OptionHolders]]:
    """For each item, its options by letter, each with its holders."""
    options: dict[int, dict[str, OptionHolders]] = {i: {} for i in item_ids}
    if not options:
        return {}
    for opt in session.scalars(
        select(Option).where(Option.item_id.in_(list(options))).order_by(Option.letter)
    ):
        options[opt.item_id][opt.letter] = OptionHolders(opt.letter, opt.text)
    for s in latest_positions(session, list(options)):
        letter = s.position.option or "A"
        # A position on an option with no row of its own still shows, with no text.
        view = options[s.position.item_id].setdefault(letter, OptionHolders(letter, ""))
        view.add(
            s.position.stance,
            Holder(
                name=s.member.name or s.member.email,
                email=s.member.email,
                org=s.member.org or "",
                stakeholder=s.member.stakeholder,
                on_behalf_of=s.on_behalf_of,
                reason=s.position.reason,
            ),
        )
    return {i: [by[k] for k in sorted(by)] for i, by in options.items()}


def option_holders(session: Session, item: Item) -> list[OptionHolders]:
    return holders_by_item(session, [item.id])[item.id]
