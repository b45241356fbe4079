"""Per-transaction memory for tagging: each message's Tag rows, and who may have replies.

Tagging a message reads its own rows (to rewrite them), its parent's active rows
(to inherit them) and looks for read replies below it (to refresh what they
inherited): three queries per message, almost always answered by rows written a
moment earlier in the same transaction, or by nothing. The runner turns this
memory on for one transaction (``remember``) and, for an import batch, loads the
batch's rows and the ids among them that have replies in two queries
(``preload``). Outside such a transaction every answer comes from a query, as before.
The look for replies is a query that would flush the batch's changes first
(over half of an import's flushes with the example group's tasks): ``replies``
answers it without that flush, from the rows stored and the rows given a parent in
this transaction.

Within the transaction every change goes through this session: the rows held are
the session's own objects, so a change to one is seen. ``tagging.write_tags``
hands its rows over (``written``), flushed or not, in the order their ids will
have; a Tag row added by anyone else (a coordinator's correction), or flushed
new or deleted by anyone else, makes its message's rows be read again (such code
deletes only through a flush); a message row whose parent changes in this session
is noted as a parent (flushed or not), so its replies are looked for.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import bindparam, event, select
from sqlalchemy.orm import Session, object_session
from sqlalchemy.orm.util import identity_key

from corrbot.model import Message, Tag

# session.info keys: message id -> its Tag rows in id order; and (ids whose replies
# were looked up at the start, those among them or any message since given replies).
_ROWS = "corrbot.tag_rows.rows"
_PARENTS = "corrbot.tag_rows.parents"
_GIVEN = "corrbot.tag_rows.given"  # parent id -> rows given it as parent_id in this session
_OURS = "corrbot.tag_rows.ours"  # Tag rows write_tags added or deleted (see written)


def remember(session: Session) -> None:
    """Hold Tag rows by message for this session (one transaction)."""
    rows: dict[int, list[Tag]] = {}
    ours: set[Tag] = set()
    session.info[_ROWS] = rows
    session.info[_GIVEN] = {}
    session.info[_OURS] = ours

    def added(adding: Session, row: object) -> None:
        if isinstance(row, Tag) and row not in ours:
            rows.pop(row.message_id, None)
        elif isinstance(row, Message) and row.parent_id is not None:
            # made with its parent (later changes are noted by _parent_given)
            adding.info[_GIVEN].setdefault(row.parent_id, []).append(row)

    def changed(flushed: Session, _context: object) -> None:
        for row in (*flushed.new, *flushed.deleted):
            if isinstance(row, Tag) and row not in ours:
                rows.pop(row.message_id, None)
        known = flushed.info.get(_PARENTS)
        if known is not None:
            known[1].update(_new_parents(flushed))

    event.listen(session, "transient_to_pending", added)
    event.listen(session, "after_flush", changed)


def preload(session: Session, ids: list[int]) -> None:
    """Load the Tag rows of these messages, and which of them have replies, in two queries."""
    rows: dict[int, list[Tag]] | None = session.info.get(_ROWS)
    if rows is None or not ids:
        return
    load(session, ids)
    parents = set(
        session.scalars(select(Message.parent_id).where(Message.parent_id.in_(ids)).distinct())
    )
    session.info[_PARENTS] = (set(ids), parents)


def load(session: Session, ids: Iterable[int]) -> None:
    """Hold the Tag rows of these messages (those not held yet), in one query per 500.

    For an import batch, also the rows its messages reply to: a reply inherits its
    parent's active tags, and the parent is usually in an earlier batch.
    """
    rows: dict[int, list[Tag]] | None = session.info.get(_ROWS)
    if rows is None:
        return
    wanted = sorted({message_id for message_id in ids if message_id not in rows})
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        found: dict[int, list[Tag]] = {message_id: [] for message_id in chunk}
        query = select(Tag).where(Tag.message_id.in_(chunk)).order_by(Tag.id)
        for row in session.scalars(query):
            found[row.message_id].append(row)
        rows.update(found)


def rows_of(session: Session, message_id: int) -> list[Tag]:
    """Every Tag row of the message (any source, active or not), in id order
    (rows not flushed yet last, in the order they were added: their ids' order)."""
    rows: dict[int, list[Tag]] | None = session.info.get(_ROWS)
    if rows is not None:
        held = rows.get(message_id)
        if held is not None:
            return held
    found = list(session.scalars(select(Tag).where(Tag.message_id == message_id).order_by(Tag.id)))
    if rows is not None:
        rows[message_id] = found
    return found


def changing(session: Session, row: Tag) -> None:
    """``tagging.write_tags`` is about to add or delete this row, and will hand it over."""
    ours: set[Tag] | None = session.info.get(_OURS)
    if ours is not None:
        ours.add(row)


def written(session: Session, message_id: int, rows: list[Tag]) -> None:
    """The message's rows as ``tagging.write_tags`` left them, flushed or not, in id
    order (``id_order``); held as they are, so the caller must not change the list."""
    held: dict[int, list[Tag]] | None = session.info.get(_ROWS)
    if held is not None:
        held[message_id] = rows


def id_order(row: Tag) -> tuple[bool, int]:
    """Sort key: by id, rows not flushed yet last (a stable sort keeps their order,
    which is the order the flush will insert them in, so of their ids)."""
    return (row.id is None, row.id or 0)


def may_have_replies(session: Session, message_id: int) -> bool:
    """False only when no message row can have this one as its parent."""
    known: tuple[set[int], set[int]] | None = session.info.get(_PARENTS)
    if known is None or message_id not in known[0] or message_id in known[1]:
        return True
    # Parents given since the last flush, noted as they were given (looking through
    # every changed or pending row here cost a batch's length per message): a row
    # added with a parent_id, or a parent_id set on a row.
    return message_id in session.info.get(_GIVEN, ())


# The rows stored below some messages that may be read replies, and whether each has
# its new text (see replies). Built once: building it took a third of its cost.
_STORED_REPLIES = select(Message.id, Message.new_text.is_not(None)).where(
    Message.parent_id.in_(bindparam("parents", expanding=True)),
    Message.placeholder.is_(False),  # neither changes in a processing transaction
    Message.stage == "processed",
)


def replies(session: Session, parents: list[int]) -> list[Message] | None:
    """The read replies below these messages (rows, not placeholders, processed and
    with a new text), by id, as a query after a flush would find them; None when
    this session keeps no memory, or holds a reply not inserted yet (then query,
    letting it flush).

    Without the flush: the rows stored below them, and the rows given one of them
    as parent in this transaction, each judged by what this session holds of it now
    (a reply read in this batch has its parent and new text only in memory).
    """
    given: dict[int, list[Message]] | None = session.info.get(_GIVEN)
    if given is None:
        return None
    named = [row for parent in parents for row in given.get(parent, ())]
    if any(row.id is None for row in named):
        return None
    rows = {row.id: row for row in named}
    with session.no_autoflush:
        stored = session.execute(_STORED_REPLIES, {"parents": parents})
        texts: dict[int, bool] = {row_id: bool(has) for row_id, has in stored}
        for row_id, has_text in texts.items():
            held = session.identity_map.get(identity_key(Message, row_id))
            if held is None and has_text:  # loaded as the query would have loaded it
                held = session.get(Message, row_id)
            if held is not None:
                rows[row_id] = held
        wanted = set(parents)
        return [
            rows[row_id]
            for row_id in sorted(rows)
            if _read_reply(rows[row_id], wanted, texts.get(row_id))
        ]


def _read_reply(row: Message, parents: set[int], stored_text: bool | None) -> bool:
    """Whether the row is a read reply to one of ``parents``, as this session holds it.

    Its new text as held when held (or not stored below them: then loaded if it must
    be), else as stored: a deferred text not loaded was not changed here.
    """
    if "new_text" in row.__dict__ or stored_text is None:
        has_text = row.new_text is not None
    else:
        has_text = stored_text
    return (
        has_text and row.parent_id in parents and not row.placeholder and row.stage == "processed"
    )


@event.listens_for(Message.parent_id, "set")
def _parent_given(target: Message, value: int | None, _old: object, _initiator: object) -> None:
    session = object_session(target)
    given: dict[int, list[Message]] | None = (
        session.info.get(_GIVEN) if session is not None else None
    )
    if given is not None and value is not None:
        given.setdefault(value, []).append(target)


def _new_parents(session: Session) -> Iterable[int]:
    return (
        row.parent_id
        for row in (*session.new, *session.dirty)
        if isinstance(row, Message) and row.parent_id is not None
    )
