"""Durable acceptance: raw bytes stored content-addressed, de-duplicated, committed.

`store_message` adds one arrival to the caller's transaction; only after the caller
commits may the message be acknowledged. `store_many` commits a batch in one
transaction (one fsync for many arrivals) and falls back to one transaction per
arrival when the batch fails, so one bad arrival cannot make its neighbours fail.
`corrbot.ingress.committer.GroupCommitter` runs `store_many` in a thread for the
listener.

A batch is planned here (which arrivals are new, repeats, or fill a placeholder)
and written by a few statements whatever its size (`corrbot.intake_sql`): one
look-up of its Message-IDs, then its blobs and rows; on PostgreSQL all three in one
statement that is its own transaction.
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from typing import Any

from sqlalchemy import Connection, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from corrbot import intake_sql
from corrbot.clock import Clock
from corrbot.model import Message
from corrbot.pipeline.parse_headers import read_date
from corrbot.runtime import Runtime

log = logging.getLogger("corrbot.intake")

# A header as found in the unfolded header block, here searched for in the raw block
# lower-cased, behind a line break (see _header_value): the name at the start of a
# line, then (folds allowed) a colon; the value runs on over the continuation lines
# (those starting with a space or a tab), which unfolding would join to it.
_FOLDED_SPACE = rb"(?:[ \t]|\r?\n[ \t])*"
_REST = rb"(.*(?:\n[ \t].*)*)"
_MSGID_HEADER = re.compile(rb"\nmessage-id" + _FOLDED_SPACE + rb":" + _REST)
_DATE_HEADER = re.compile(rb"\ndate" + _FOLDED_SPACE + rb":" + _REST)
_FOLD = re.compile(rb"\r?\n[ \t]+")
_ANGLED = re.compile(r"<([^<>]+)>")
_MAX_ID = 900  # the column holds 998; leave room and never fail on a silly header

Fill = Callable[[int, dict[str, object]], Any]
_ROW_KEY = ("group_id", "message_id")  # what a placeholder already has


@dataclass(frozen=True)
class StoreResult:
    row_id: int
    duplicate: bool
    message_id: str  # as stored (the Message-ID, or one made from the content hash)


@dataclass(frozen=True)
class Arrival:
    """One message as it reached us, before anything else is read from it."""

    raw: bytes
    via: str
    envelope_from: str | None = None
    envelope_to: tuple[str, ...] = ()
    no_deliver: bool = False
    # when it was sent, for an imported file (its Date); None: when it arrived
    posted_at: datetime | None = None
    # message_keys(raw), when read already (an import's workers read them ahead)
    keys: tuple[str, str] | None = None


def _clean(address: str) -> str:
    """An envelope address the database always takes (PostgreSQL refuses NUL)."""
    return "".join(ch for ch in address if ch >= " " and ch != "\x7f")[:_MAX_ID]


def _head_end(raw: bytes) -> int:
    """Where the header block ends: the first blank line (LF or CRLF), else the end."""
    end = raw.find(b"\n\n")
    if end == -1:
        end = len(raw)
    # Only a CRLF blank line starting before the LF one can end the block earlier:
    # look no further, so LF mail is not searched to its end a second time.
    crlf = raw.find(b"\r\n\r\n", 0, end + 3)
    return end if crlf == -1 else crlf


def _header_value(pattern: re.Pattern[bytes], raw: bytes) -> bytes | None:
    """The first header ``pattern`` finds in the header block, as written (not unfolded,
    the blanks after its colon kept); None if none.

    The same header as searching the header block, case-insensitively, after
    unfolding all of it (every line break followed by spaces or tabs made one
    space), for a fraction of the cost: only the header found is unfolded (by
    ``date_of`` or ``message_id_of``), and the search runs on a lower-cased copy
    (``bytes.lower`` folds ASCII letters only, as ``re.IGNORECASE`` does for bytes,
    and keeps every offset) with a line break in front, so that every match begins
    with a literal, which the regex engine finds fast.
    """
    found = pattern.search((b"\n" + raw[: _head_end(raw)]).lower())
    if found is None:
        return None
    start, stop = found.span(1)
    return raw[start - 1 : stop - 1]


def header_date(raw: bytes) -> datetime | None:
    """The Date header as naive UTC (how the store keeps times); None if missing or unreadable.

    Read from the bytes, before any parse, as the parse stage reads it (``read_date``).
    """
    value = _header_value(_DATE_HEADER, raw)
    return None if value is None else date_of(value)


def date_of(value: bytes) -> datetime | None:
    """``header_date`` of a message whose first Date header has this value, as written.

    Blanks around it (after the colon, a CR ending the line) change nothing.
    """
    return read_date(_FOLD.sub(b" ", value).decode("ascii", "replace").strip())[0]


def header_message_id(raw: bytes) -> str | None:
    """The Message-ID without <>, from the first such header (folded lines too)."""
    found = _header_value(_MSGID_HEADER, raw)
    return None if found is None else message_id_of(found)


def message_id_of(found: bytes) -> str | None:
    """``header_message_id`` of a message whose first Message-ID header has this value,
    as written. Blanks around it (after the colon, a CR ending the line) change nothing."""
    value = _FOLD.sub(b" ", found).decode("utf-8", "replace")
    angled = _ANGLED.search(value)
    if angled:
        text = angled.group(1)
    else:  # no <...>: the first word, as a broken mailer might have written it
        words = value.split()
        text = words[0].strip("<>") if words else ""
    # No spaces or control characters: PostgreSQL refuses NUL, and ids never hold spaces.
    # (Printable ASCII without a space is all kept: no need to look at each character.)
    if not (text.isascii() and text.isprintable() and " " not in text):
        text = "".join(ch for ch in text if ch > " " and ch != "\x7f")
    return text[:_MAX_ID] or None


def store_message(
    session: Session,
    group_id: int,
    raw: bytes,
    *,
    via: str,
    clock: Clock,
    envelope_from: str | None = None,
    envelope_to: Sequence[str] = (),
    no_deliver: bool = False,
) -> StoreResult:
    """Add one arrival to the session; a message seen before is not stored again."""
    arrival = Arrival(raw, via, envelope_from, tuple(envelope_to), no_deliver)
    return store_arrivals(session, group_id, [arrival], clock)[0]


def store_arrivals(
    session: Session, group_id: int, arrivals: Sequence[Arrival], clock: Clock
) -> list[StoreResult]:
    """Add the arrivals to the session; one result per arrival, in the order given.

    Same Message-ID means same message (also within the batch); without a
    Message-ID the content hash stands in for it, so the same bytes twice are one
    message. A placeholder row (a parent referenced before it arrived) is filled
    in.
    """
    if session.autoflush:  # as a query through the session would: see pending rows
        session.flush()

    def fill(row_id: int, values: dict[str, object]) -> None:
        # Through the ORM, so a Message object the caller holds sees the new values.
        session.execute(update(Message).where(Message.id == row_id).values(**values))

    conn = session.connection()
    keys, plan = _planned(conn, group_id, arrivals, clock.now())
    _write(conn, plan, keys, fill)
    return _results(plan, keys)


@dataclass
class _Plan:
    """What a batch needs written, and the results known before writing."""

    results: list[StoreResult | None]
    first: dict[str, int] = field(default_factory=dict)  # message_id -> first arrival
    blobs: list[dict[str, object]] = field(default_factory=list)
    fills: list[tuple[int, dict[str, object]]] = field(default_factory=list)
    inserts: list[dict[str, object]] = field(default_factory=list)
    insert_at: list[int] = field(default_factory=list)


def _plan(
    group_id: int,
    arrivals: Sequence[Arrival],
    keys: Sequence[tuple[str, str]],
    known: dict[str, tuple[int, bool]],
    now: datetime,
) -> _Plan:
    plan = _Plan(results=[None] * len(arrivals))
    digests: set[str] = set()
    for index, (arrival, (digest, message_id)) in enumerate(zip(arrivals, keys, strict=True)):
        if message_id in plan.first:
            continue  # a duplicate within the batch: resolved by the caller
        plan.first[message_id] = index
        row = known.get(message_id)
        if row is not None and not row[1]:
            plan.results[index] = StoreResult(row[0], True, message_id)
            continue
        if digest not in digests:
            digests.add(digest)
            plan.blobs.append(intake_sql.blob_row(arrival.raw, digest))
        sender = arrival.envelope_from
        values: dict[str, object] = {
            "placeholder": False,
            "sha256": digest,
            "received_at": now,
            # never in the future: a wrong clock on the sender's side must not keep
            # a proposal open, or a post out of every report, until then
            "posted_at": now if arrival.posted_at is None else min(arrival.posted_at, now),
            "via": arrival.via,
            "envelope_from": None if sender is None else _clean(sender),
            "envelope_to": [_clean(a) for a in arrival.envelope_to],
            "no_deliver": arrival.no_deliver,
            "stage": "received",
        }
        if row is not None:  # a placeholder: the parent has arrived
            plan.fills.append((row[0], values))
            plan.results[index] = StoreResult(row[0], False, message_id)
        else:
            plan.inserts.append({"group_id": group_id, "message_id": message_id, **values})
            plan.insert_at.append(index)
    return plan


def message_keys(raw: bytes) -> tuple[str, str]:
    """(SHA-256 in hex, Message-ID) of a message: how intake tells it from others. The
    hash stands in for a missing Message-ID."""
    return keys_of(raw, _header_value(_MSGID_HEADER, raw))


def keys_of(raw: bytes, found: bytes | None) -> tuple[str, str]:
    """``message_keys`` of a message whose first Message-ID header has the value
    ``found`` as written (None: it has none)."""
    digest = hashlib.sha256(raw).hexdigest()
    message_id = None if found is None else message_id_of(found)
    return digest, message_id or f"sha256-{digest}@corrbot.invalid"


def _keys(arrivals: Sequence[Arrival]) -> list[tuple[str, str]]:
    return [arrival.keys or message_keys(arrival.raw) for arrival in arrivals]


def _planned(
    conn: Connection, group_id: int, arrivals: Sequence[Arrival], now: datetime
) -> tuple[list[tuple[str, str]], _Plan]:
    keys = _keys(arrivals)
    known = intake_sql.known_rows(conn, group_id, [message_id for _, message_id in keys])
    return keys, _plan(group_id, arrivals, keys, known, now)


def _write(conn: Connection, plan: _Plan, keys: Sequence[tuple[str, str]], fill: Fill) -> None:
    """The plan's blobs, placeholder fills and new rows, in the caller's transaction."""
    intake_sql.insert_blobs(conn, plan.blobs)  # first: the message rows refer to them
    for row_id, values in plan.fills:
        fill(row_id, values)
    _take_ids(plan, keys, intake_sql.insert_messages(conn, plan.inserts))


def _take_ids(plan: _Plan, keys: Sequence[tuple[str, str]], new_ids: dict[str, int]) -> None:
    for index in plan.insert_at:
        message_id = keys[index][1]
        plan.results[index] = StoreResult(new_ids[message_id], False, message_id)


def _results(plan: _Plan, keys: Sequence[tuple[str, str]]) -> list[StoreResult]:
    """One result per arrival; a repeat within the batch is a duplicate of its first."""
    done: list[StoreResult] = []
    for index, (_, message_id) in enumerate(keys):
        first = plan.first[message_id]
        result = plan.results[first]
        assert result is not None
        done.append(result if index == first else StoreResult(result.row_id, True, message_id))
    return done


def _store_pg(
    runtime: Runtime, arrivals: Sequence[Arrival], conn: Connection, now: datetime
) -> list[StoreResult]:
    """PostgreSQL: one round trip stores the batch (instead of five: BEGIN, look-up,
    blobs, rows, COMMIT), after each of which the listener's intake thread must win
    the GIL back from the event loop. In autocommit the statement returns only
    after its commit, so the batch may then be acknowledged.

    The rows are planned as if all were new; the statement stores those whose
    Message-ID it does not find and reports the others: repeats, or placeholders,
    which an ordinary transaction then fills (rare: a parent after its reply).
    """
    keys = _keys(arrivals)
    plan = _plan(runtime.group_id, arrivals, keys, {}, now)
    if not plan.inserts:
        return []
    stored = intake_sql.store_batch_pg(conn, plan.blobs, plan.inserts)
    fills: list[tuple[int, dict[str, object]]] = []
    blobs: list[dict[str, object]] = []
    for index, row in zip(plan.insert_at, plan.inserts, strict=True):
        row_id, placeholder, added = stored[keys[index][1]]
        plan.results[index] = StoreResult(row_id, not added and not placeholder, keys[index][1])
        if placeholder and not added:
            blobs.append(intake_sql.blob_row(arrivals[index].raw, str(row["sha256"])))
            fills.append((row_id, {k: v for k, v in row.items() if k not in _ROW_KEY}))
    if fills:
        with runtime.engine.begin() as tx:
            intake_sql.insert_blobs(tx, blobs)
            for row_id, values in fills:
                intake_sql.fill_placeholder(tx, row_id, values)
    return _results(plan, keys)


def _store_all(
    runtime: Runtime, arrivals: Sequence[Arrival], conn: Connection | None = None
) -> list[StoreResult]:
    """Store and commit the batch, on `conn` (from `intake_sql.autocommit`) or a fresh one."""
    if conn is None:
        with intake_sql.autocommit(runtime.engine).connect() as fresh:
            return _store_all(runtime, arrivals, fresh)
    now = runtime.clock.now()
    # On PostgreSQL the connection is in autocommit: begin() only marks the batch for
    # SQLAlchemy, and its COMMIT sends nothing.
    with conn.begin():
        if conn.dialect.name == "postgresql":
            return _store_pg(runtime, arrivals, conn, now)
        # SQLite: statements cost no round trip; one transaction, one fsync.
        keys, plan = _planned(conn, runtime.group_id, arrivals, now)
        _write(conn, plan, keys, partial(intake_sql.fill_placeholder, conn))
    return _results(plan, keys)


def store_many(
    runtime: Runtime, arrivals: Sequence[Arrival], conn: Connection | None = None
) -> list[StoreResult | Exception]:
    """Store and commit the arrivals; each result is a StoreResult or the error it met.

    A result is only returned after its commit, so it may be acknowledged. The batch
    runs on `conn` when given (the listener keeps one, from `intake_sql.autocommit`);
    when it fails, each arrival is retried alone on a connection from the pool, in
    case `conn` is what broke.
    """
    if not arrivals:
        return []
    try:
        return list(_store_all(runtime, arrivals, conn))
    except Exception:
        if len(arrivals) == 1:
            log.debug("batch of one failed; retrying it alone", exc_info=True)
        else:
            log.info("batch of %d failed; storing one by one", len(arrivals), exc_info=True)
    results: list[StoreResult | Exception] = []
    for arrival in arrivals:
        for attempt in range(3):
            try:
                results.append(_store_all(runtime, [arrival])[0])
                break
            except IntegrityError as exc:
                # Another writer (the poller, another process) stored the same
                # message between our look-up and our insert: look again.
                if attempt == 2:
                    results.append(exc)
            except Exception as exc:
                # One line per message; the whole story at debug level.
                log.error("cannot store <%s>: %s", header_message_id(arrival.raw), _first_line(exc))
                log.debug("cannot store", exc_info=True)
                results.append(exc)
                break
    return results


def _first_line(exc: Exception) -> str:
    lines = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {lines[0] if lines else ''}"
