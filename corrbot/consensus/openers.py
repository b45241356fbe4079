"""Which messages opened an item, remembered for one transaction.

Every accepted post asks whether it already opened items (a rerun) and, walking
up its thread, whether each message above it opened any: one query per message
and per ancestor, nearly always answered "none" (items are few, posts many). The
runner turns this memory on for a transaction (``remember``): the ids of the
messages that opened an item are read once, on first use, and kept current from
the session's own flushes. An item row deleted, or moved to another message, in
the session makes them be read again; an item not flushed yet makes the caller
query, as it did before.
"""

from __future__ import annotations

from sqlalchemy import event, inspect, select
from sqlalchemy.orm import Session

from corrbot.model import Item

# session.info keys: a marker that the memory is on, the ids once read, and a
# marker that an Item was added since the last flush.
_ON = "corrbot.consensus.openers.on"
_IDS = "corrbot.consensus.openers.ids"
_PENDING = "corrbot.consensus.openers.pending"


def remember(session: Session) -> None:
    session.info[_ON] = True

    def added(adding: Session, row: object) -> None:
        # Noted as it is added: looking through session.new on every question cost
        # a batch's pending Tag rows per message.
        if isinstance(row, Item):
            adding.info[_PENDING] = True

    def changed(flushed: Session, _context: object) -> None:
        flushed.info[_PENDING] = False
        ids: set[int] | None = flushed.info.get(_IDS)
        if ids is None:
            return
        for row in flushed.new:
            if isinstance(row, Item):
                ids.add(row.message_id)
        if any(isinstance(row, Item) for row in flushed.deleted) or any(
            isinstance(row, Item) and inspect(row).attrs.message_id.history.has_changes()
            for row in flushed.dirty
        ):
            flushed.info.pop(_IDS, None)

    event.listen(session, "transient_to_pending", added)
    event.listen(session, "after_flush", changed)


def may_have_opened(session: Session, message_id: int) -> bool:
    """False only when, as far as this transaction knows, the message opened no item."""
    ids = _openers(session)
    return ids is None or message_id in ids


def none_opened(session: Session) -> bool:
    """True only when, as far as this transaction knows, no message opened an item.

    Then no post needs its thread walked for items above it (a group before its
    first proposal, an archive of a list that never made any).
    """
    ids = _openers(session)
    return ids is not None and not ids


def _openers(session: Session) -> set[int] | None:
    """The ids of the messages that opened items; None when unknown (memory off, or
    an item not flushed yet)."""
    if not session.info.get(_ON) or session.info.get(_PENDING):
        return None
    ids: set[int] | None = session.info.get(_IDS)
    if ids is None:
        ids = set(session.scalars(select(Item.message_id).distinct()))
        session.info[_IDS] = ids
    return ids
