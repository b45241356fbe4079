"""JWZ threading in the store: parent from References/In-Reply-To, else from the subject.

The reference chain (References, then In-Reply-To when it is not already last;
the last 50 only, as mail clients trim long lists anyway) is walked oldest first.
Every id not stored yet gets a placeholder row (a JWZ container, ``placeholder``
set), which intake fills in when the real message arrives, keeping its row, so its
children stay linked. Each row of the chain that has no parent is linked to its
predecessor, and the message to the last one. A message with no references at all
whose subject reads as a reply ("Re: …") joins the most recent thread with the same
normalised subject active within 30 days, under that thread's root: a fresh post
with a bare subject is a new topic by its author's choice, and a parent drives tag
inheritance and item threads here, not only display.

Invariant: every row of a thread descends from the thread's root. Nothing recurses
and nothing walks a whole chain in the common cases: a new reply joins its parent's
thread; a root that gains a parent moves its thread with one UPDATE; a root whose
parent is new gets that parent as its thread's new root. Only a message whose own
headers move it away from a parent it already had walks its subtree, level by level.
A link that would close a loop is not made.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import timedelta
from typing import TypeVar

from sqlalchemy import Table, func, insert, select, update
from sqlalchemy.orm import Session, defer, make_transient_to_detached

from corrbot.db import holding
from corrbot.model import Item, Message, Thread
from corrbot.pipeline import new_rows
from corrbot.pipeline.context import MessageContext
from corrbot.understand.subject import normalise_subject

MAX_CHAIN = 50
MAX_KEY = 200
SUBJECT_WINDOW = timedelta(days=30)
_CHUNK = 500


def thread(ctx: MessageContext) -> None:
    """Set the message's parent and thread (and its thread's root), creating what is missing."""
    # The parse step's changes and ours go out in one UPDATE; every statement below
    # that must see earlier changes flushes explicitly.
    with ctx.session.no_autoflush:
        _thread(ctx)


def _thread(ctx: MessageContext) -> None:
    session, message = ctx.session, ctx.message
    # Worked out only when a thread is made or matched by subject: most replies join
    # their parent's thread, and normalising is 5 us a subject.
    key = _Lazy(subject_key, message.subject or "")
    # A message already heading a thread (a placeholder filled in) lends that thread
    # to a new parent, rather than having its whole thread moved to a new one.
    home = message.thread_id if _is_root(session, message) else None
    parent: Message | None = None
    group_id = message.group_id
    for ref in reference_chain(message):
        row = _row(session, group_id, ref)
        if parent is not None and row.parent_id is None:
            _link(session, row, parent)
        elif row.thread_id is None:
            if home is not None:
                _adopt_root(session, row, home)
                home = None
            else:
                _new_thread(ctx, row, key())
        parent = row
    if parent is not None:
        if message.parent_id != parent.id:
            _link(session, message, parent)
    elif message.parent_id is None:  # new, or heading its own thread
        found = _subject_match(ctx, key()) if _reads_as_reply(message.subject or "") else None
        if found is not None:
            _link(session, message, found)
    if message.thread_id is None:
        _new_thread(ctx, message, key())
    elif message.parent_id is None and key():
        # A thread begun by a placeholder takes its subject from its first real root.
        current = session.get(Thread, message.thread_id)
        if current is not None and not current.subject_key:
            current.subject_key = key()


class _Lazy:
    """``make(arg)``, worked out at the first call and kept. Not ``functools.cache``
    of a ``partial``: making that wrapper (``update_wrapper`` copies five attributes)
    took 4 us a message, this 0.25 us."""

    __slots__ = ("_arg", "_make", "_value")

    def __init__(self, make: Callable[[str], str], arg: str) -> None:
        self._make, self._arg = make, arg
        self._value: str | None = None

    def __call__(self) -> str:
        if self._value is None:
            self._value = self._make(self._arg)
        return self._value


def subject_key(subject: str) -> str:
    """The normalised subject, cut short: it is indexed, and index entries are bounded."""
    return normalise_subject(subject)[:MAX_KEY]


def reference_chain(message: Message) -> list[str]:
    """The ids this message refers to, oldest first, itself excluded, each once."""
    ids = list(message.references or [])
    # Each read once: an instrumented attribute costs more than a local.
    replied, own = message.in_reply_to, message.message_id
    if replied and (not ids or ids[-1] != replied):
        ids = [i for i in ids if i != replied] + [replied]
    unique = [i for i in dict.fromkeys(ids) if i and i != own]
    return unique[-MAX_CHAIN:]


# session.info key of the rows _row found or made in this transaction, by Message-ID:
# a series of replies names the same ancestors again and again. None: preload_rows
# looked and found no row (a parent not seen yet, for which _row makes a placeholder).
_ROWS = "corrbot.thread.rows"
_UNKNOWN = object()
_NOT_PRELOADED = (
    Message.text_body,
    Message.new_text,
    Message.attachments,
    Message.defects,
    Message.envelope_to,
)


def remember_rows(session: Session) -> None:
    """Let ``_row`` answer from memory within this session (the runner: one transaction)."""
    session.info[_ROWS] = {}


def preload_rows(session: Session, group_id: int, message_ids: Iterable[str]) -> list[Message]:
    """Find the stored rows of these Message-IDs in one query per 500 for ``_row``.

    Returns the rows of these ids now known (found now or before).
    """
    rows: dict[tuple[int, str], Message | None] | None = session.info.get(_ROWS)
    if rows is None:
        return []
    given = {i for i in message_ids if i}
    wanted = sorted(i for i in given if (group_id, i) not in rows)
    # Only the transaction's own _row makes a row for an id found missing here: on
    # SQLite this transaction holds the write lock; on PostgreSQL a row committed
    # meanwhile by another process makes _row's placeholder break the unique key, and
    # the runner then processes the batch again, message by message.
    rows.update(((group_id, i), None) for i in wanted)
    for start in range(0, len(wanted), _CHUNK):
        chunk = wanted[start : start + _CHUNK]
        # Without their texts, nor the lists nothing in the runner reads of an earlier
        # message (each decoded from JSON as it loads: 12 us a row together, 60 ms
        # of an import); any of them is loaded if ever read. Threading and tagging
        # need the links, and a thread's earlier messages are long.
        query = (
            select(Message)
            .where(Message.group_id == group_id, Message.message_id.in_(chunk))
            .options(*(defer(column) for column in _NOT_PRELOADED))
        )
        for row in session.scalars(query):
            rows[(group_id, row.message_id)] = row
    return [row for row in (rows.get((group_id, i)) for i in given) if row is not None]


def _row(session: Session, group_id: int, message_id: str) -> Message:
    rows: dict[tuple[int, str], Message | None] | None = session.info.get(_ROWS)
    held = rows.get((group_id, message_id), _UNKNOWN) if rows is not None else _UNKNOWN
    found: Message | None = None
    # Only rows still in this session count (a row is never renamed; one deleted or
    # expunged since is looked up again). The session ends with its transaction.
    if isinstance(held, Message) and held in session and held not in session.deleted:
        return held
    if held is not None:  # not known to be missing
        found = session.scalar(
            select(Message).where(Message.group_id == group_id, Message.message_id == message_id)
        )
    if found is None:
        placeholder = {"group_id": group_id, "message_id": message_id, "placeholder": True}
        found = _insert(session, Message, placeholder)
    if rows is not None:
        rows[(group_id, message_id)] = found
    return found


def _is_root(session: Session, message: Message) -> bool:
    if message.thread_id is None:
        return False
    current = session.get(Thread, message.thread_id)
    return current is not None and current.root_id == message.id


def _new_thread(ctx: MessageContext, row: Message, key: str) -> None:
    session = ctx.session
    values = {
        "group_id": row.group_id,
        "root_id": row.id,
        "subject_key": key,
        "created_at": ctx.runtime.clock.now(),
    }
    row.thread_id = _insert(session, Thread, values).id


R = TypeVar("R", Message, Thread)
# Every column back, so the row object is complete (nothing left to load).
_INSERTS = {model: insert(model).returning(*model.__table__.columns) for model in (Message, Thread)}


def _insert(session: Session, model: type[R], values: dict[str, object]) -> R:
    """A new row, with its id, as the session's own: inserted at the next flush in
    a runner transaction (new_rows.py), else now.

    Not by adding it and flushing: a flush would also write the message's pending
    changes, and later its other changes in a second UPDATE of the same row. The
    statement is built once (an ORM INSERT ... RETURNING costs more than twice as
    much per row). The object is made as a query loads a row (``db.holding``): the
    constructor sets each column through the instrumentation, 60 us for a
    placeholder's 27 (every column key is its attribute's name).
    """
    table = model.__table__
    assert isinstance(table, Table)
    stored = new_rows.add(session, table, values)
    if stored is None:
        stored = dict(session.connection().execute(_INSERTS[model], values).one()._mapping)
    made = holding(model, stored)
    make_transient_to_detached(made)  # as if loaded: persistent once added
    session.add(made)
    return made


def _adopt_root(session: Session, row: Message, thread_id: int) -> None:
    """Make a row without a thread the new root of an existing thread."""
    current = session.get(Thread, thread_id)
    assert current is not None
    row.thread_id = thread_id
    current.root_id = row.id


def _link(session: Session, child: Message, parent: Message) -> bool:
    """Make ``parent`` the parent of ``child``, moving child's subtree to parent's thread."""
    if child.id == parent.id or _is_ancestor(session, child, parent):
        return False
    was_root = _is_root(session, child)
    old_thread, new_thread = child.thread_id, parent.thread_id
    child.parent_id = parent.id
    if old_thread == new_thread:
        return True
    if old_thread is None:
        child.thread_id = new_thread
    elif was_root:
        _move_thread(session, old_thread, new_thread)
    else:
        _move_rows(session, _subtree(session, child.id), new_thread)
    return True


def _is_ancestor(session: Session, row: Message, of: Message) -> bool:
    """Whether ``row`` is ``of`` or above it; only rows of one thread can be."""
    if row.thread_id is None or row.thread_id != of.thread_id:
        return False
    if _is_root(session, row):
        return True
    seen: set[int] = set()
    current: Message | None = of
    while current is not None and current.id not in seen:
        if current.id == row.id:
            return True
        seen.add(current.id)
        current = session.get(Message, current.parent_id) if current.parent_id else None
    return False


def _move_thread(session: Session, old: int, new: int | None) -> None:
    session.flush()
    session.execute(update(Message).where(Message.thread_id == old).values(thread_id=new))
    session.execute(update(Item).where(Item.thread_id == old).values(thread_id=new))
    gone = session.get(Thread, old)
    if gone is not None:
        session.delete(gone)


def _subtree(session: Session, top: int) -> list[int]:
    """``top`` and every row below it, level by level."""
    session.flush()
    found, frontier = [top], [top]
    seen = {top}
    while frontier:
        below: list[int] = []
        for chunk in _chunks(frontier):
            below.extend(
                i
                for i in session.scalars(select(Message.id).where(Message.parent_id.in_(chunk)))
                if i not in seen
            )
        seen.update(below)
        found.extend(below)
        frontier = below
    return found


def _move_rows(session: Session, ids: list[int], new: int | None) -> None:
    session.flush()
    for chunk in _chunks(ids):
        session.execute(update(Message).where(Message.id.in_(chunk)).values(thread_id=new))
        session.execute(update(Item).where(Item.message_id.in_(chunk)).values(thread_id=new))


def _chunks(ids: Iterable[int]) -> Iterable[list[int]]:
    batch = list(ids)
    for start in range(0, len(batch), _CHUNK):
        yield batch[start : start + _CHUNK]


def _reads_as_reply(subject: str) -> bool:
    """Whether the subject carries a reply or forward prefix (tags aside)."""
    bare = " ".join(_strip_tags(subject).split()).casefold()
    key = normalise_subject(subject)
    return bool(key) and key != bare


def _strip_tags(subject: str) -> str:
    out, depth = [], 0
    for ch in subject:
        if ch == "[":
            depth += 1
        elif ch == "]" and depth:
            depth -= 1
        elif not depth:
            out.append(ch)
    return "".join(out)


def _subject_match(ctx: MessageContext, key: str) -> Message | None:
    """The root of the latest thread with this subject key, if active lately."""
    session, message = ctx.session, ctx.message
    if not key:
        return None
    session.flush()
    candidate = session.scalar(
        select(Thread)
        .where(
            Thread.group_id == message.group_id,
            Thread.subject_key == key,
            Thread.id != (message.thread_id or -1),
            Thread.root_id.is_not(None),
        )
        .order_by(Thread.id.desc())
        .limit(1)
    )
    if candidate is None or candidate.root_id is None:
        return None
    latest = session.scalar(
        select(func.max(Message.date)).where(
            Message.thread_id == candidate.id, Message.placeholder.is_(False)
        )
    )
    when = message.date or message.received_at
    if latest is not None and when is not None and abs(when - latest) > SUBJECT_WINDOW:
        return None
    return session.get(Message, candidate.root_id)
