"""Close every item past its closing time, exactly once (run by `corrbot tick`).

Each item closes in its own transaction whose first write is the claim: an UPDATE
that moves the item out of "open" only if it is still open and due. A second tick
running at the same moment waits on that row and then updates nothing, so it does
nothing. The outcome, the referral and its queued emails are written in the same
transaction, so a crash before the commit leaves the item open for the next tick
and nothing queued; after the commit everything exists, and is sent once.

The rule (SPEC "Consensus"): no standing objection means consensus; otherwise the
item is referred to the chair. A proposed new issue that reaches consensus is
referred too, as a recommendation, since only the full group may add issues.
"""

from __future__ import annotations

import logging

from sqlalchemy import select, update

from corrbot.consensus.holders import standing_objections
from corrbot.consensus.referral import refer
from corrbot.model import Item
from corrbot.runtime import Runtime

log = logging.getLogger("corrbot.consensus")


def close_due(runtime: Runtime) -> int:
    """Close every item past its closing time, exactly once; returns how many."""
    now = runtime.clock.now()
    with runtime.sessions() as session:
        due = list(
            session.scalars(
                select(Item.id)
                .where(
                    Item.group_id == runtime.group_id,
                    Item.state == "open",
                    Item.closes_at <= now,
                )
                .order_by(Item.closes_at, Item.id)
            )
        )
    return sum(1 for item_id in due if close_one(runtime, item_id))


def close_one(runtime: Runtime, item_id: int) -> str | None:
    """Claim and close one item; its new state, or None if someone else closed it."""
    now = runtime.clock.now()
    with runtime.sessions() as session, session.begin():
        claimed = session.execute(
            update(Item)
            .where(Item.id == item_id, Item.state == "open", Item.closes_at <= now)
            .values(state="closing", closed_at=now)
            .execution_options(synchronize_session=False)
        )
        if claimed.rowcount != 1:  # type: ignore[attr-defined]
            return None
        item = session.get(Item, item_id)
        assert item is not None
        session.refresh(item)
        objections = standing_objections(session, item.id)
        if objections == 0 and item.kind != "new-issue":
            item.state = "consensus"
        else:
            item.state = "referred"
            reason = "no-consensus" if objections else "recommendation"
            referral = refer(session, runtime, item, reason)
            log.info("item %d referred (%s) as referral %d", item.id, reason, referral.id)
        log.info("item %d closed: %s", item.id, item.state)
        return item.state
