"""Holders as consensus reads them: standing objections, and the shared holders reading.

Who holds which option is computed once, in corrbot/holders.py, for consensus
and the reports alike; it is named here too so that the consensus modules and
`corrbot referrals list` keep importing it from their own package.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from corrbot.holders import Holder, OptionHolders, latest_positions, option_holders

__all__ = ["Holder", "OptionHolders", "option_holders", "standing_objections"]


def standing_objections(session: Session, item_id: int) -> int:
    """How many members' latest position on the item is an objection."""
    return sum(1 for s in latest_positions(session, [item_id]) if s.position.stance == "object")
