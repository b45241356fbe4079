"""Rows threading makes (threads and placeholders): ids at once, INSERTs together.

Threading needs a new row's id the moment it makes the row (a message's thread_id,
a thread's root). One INSERT ... RETURNING per row cost an import about 135 us each,
2,213 times per 10,000 linux-mips messages, nearly all of it the statement's trip
through SQLAlchemy rather than SQLite's work. Within a runner transaction the row
gets its id here instead, and the rows made go out in one executemany per table
at the next flush (before it writes anything else, so before any row that refers
to them), statement or commit of the session, with the values the row was made
with; what changes on the row later is written by the flush as an UPDATE, as it
was after the INSERT. (A statement run on the session's connection itself bypasses
the session and would not find them: none in the runner's transaction reads
threads or messages that way.)

The ids are the ones the database would have given, in the same order:
- SQLite gives an INTEGER PRIMARY KEY the largest id plus one. The runner's
  transaction holds the write lock from its first statement (it claims its rows
  before threading), so nobody else inserts meanwhile, and every Thread and
  Message row it inserts itself comes from here.
- PostgreSQL takes them from the column's own sequence, a few at a time (ids left
  unused are gaps, as after any rolled-back insert).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from itertools import count
from typing import Any

from sqlalchemy import Connection, Table, event, func, insert, select, text
from sqlalchemy.orm import ORMExecuteState, Session

_PENDING = "corrbot.new_rows.pending"  # session.info: table -> rows not inserted yet
_NEXT = "corrbot.new_rows.next"  # session.info: table -> its next ids
_BLOCK = 16  # PostgreSQL: ids taken from the sequence per round trip


def remember(session: Session) -> None:
    """Make new rows here for this session (one transaction), written at each flush."""
    session.info[_PENDING] = {}
    session.info[_NEXT] = {}

    def before_flush(flushing: Session, _context: object, _instances: object) -> None:
        write_pending(flushing)

    def before_statement(state: ORMExecuteState) -> None:
        # Also before any statement through the session: a flush of a session with
        # no other change does not happen at all, and a query under no_autoflush
        # must find the rows too.
        write_pending(state.session)

    event.listen(session, "before_flush", before_flush)
    event.listen(session, "do_orm_execute", before_statement)
    event.listen(session, "before_commit", write_pending)  # which flushes only changes


def add(session: Session, table: Table, values: dict[str, object]) -> dict[str, object] | None:
    """A new row of ``table``: every column's value, its id included, to be inserted
    with the next flush; None when this session does not make rows here (see
    ``remember``)."""
    pending: dict[Table, list[dict[str, object]]] | None = session.info.get(_PENDING)
    if pending is None:
        return None
    taken: dict[Table, Iterator[int]] = session.info[_NEXT]
    ids = taken.get(table)
    if ids is None:
        ids = taken[table] = _ids(session.connection(), table)
    row = with_defaults(table, {**values, "id": next(ids)})
    pending.setdefault(table, []).append(row)
    return row


def write_pending(session: Session) -> None:
    """INSERT the rows made since the last time, one statement per table, in the
    order of their first rows (a thread before the messages of it)."""
    pending: dict[Table, list[dict[str, object]]] | None = session.info.get(_PENDING)
    if not pending:
        return
    batches = list(pending.items())
    pending.clear()
    connection = session.connection()
    for table, rows in batches:
        connection.execute(insert(table), rows)


class _Parameters:
    """What a column default made from a callable is given: the row's other values
    (Message.posted_at defaults to received_at)."""

    def __init__(self, values: dict[str, object]) -> None:
        self._values = values

    def get_current_parameters(self) -> dict[str, object]:
        return self._values


def with_defaults(table: Table, values: dict[str, object]) -> dict[str, object]:
    """Every column's value as an INSERT of ``values`` would store it (Python-side
    defaults only: the models have no server defaults)."""
    row = dict(values)
    for column in table.columns:
        if column.key in row:
            continue
        default = column.default
        value: Any = None
        if default is not None and getattr(default, "is_scalar", False):
            value = default.arg  # type: ignore[attr-defined]
        elif default is not None and getattr(default, "is_callable", False):
            make: Callable[[_Parameters], object] = default.arg  # type: ignore[attr-defined]
            value = make(_Parameters(values))
        row[column.key] = value
    return row


def _ids(connection: Connection, table: Table) -> Iterator[int]:
    """The ids the database would give the table's new rows, one after another."""
    if connection.dialect.name == "sqlite":
        # Read once: the rows made since are not stored yet.
        yield from count((connection.scalar(select(func.max(table.c.id))) or 0) + 1)
    sequence = text(
        "SELECT nextval(pg_get_serial_sequence(:table, 'id')) FROM generate_series(1, :n)"
    )
    while True:
        yield from connection.scalars(sequence, {"table": table.name, "n": _BLOCK})
