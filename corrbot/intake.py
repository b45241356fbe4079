"""Durable acceptance: raw bytes stored content-addressed, de-duplicated, committed.

`store_message` adds one arrival to the caller's transaction; only after the caller
commits may the message be acknowledged. `store_many` commits a batch in one
transaction (one fsync for many arrivals) and falls back to one transaction per
arrival when the batch fails, so one bad arrival cannot make its neighbours fail.
`corrbot.ingress.committer.GroupCommitter` runs `store_many` in a thread for the
listener.
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from sqlalchemy import insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from corrbot.clock import Clock
from corrbot.db import transaction
from corrbot.model import Message, RawBlob
from corrbot.runtime import Runtime

log = logging.getLogger("corrbot.intake")

_MSGID_HEADER = re.compile(rb"^message-id[ \t]*:(.*)$", re.IGNORECASE | re.MULTILINE)
_ANGLED = re.compile(r"<([^<>]+)>")
_MAX_ID = 900  # the column holds 998; leave room and never fail on a silly header


@dataclass(frozen=True)
class StoreResult:
    row_id: int
    duplicate: bool


@dataclass(frozen=True)
class Arrival:
    """One message as it reached us, before anything else is read from it."""

    raw: bytes
    via: str
    envelope_from: str | None = None
    envelope_to: tuple[str, ...] = ()
    no_deliver: bool = False


def _clean(address: str) -> str:
    """An envelope address the database always takes (PostgreSQL refuses NUL)."""
    return "".join(ch for ch in address if ch >= " " and ch != "\x7f")[:_MAX_ID]


def _head(raw: bytes) -> bytes:
    end = len(raw)
    for sep in (b"\r\n\r\n", b"\n\n"):
        found = raw.find(sep)
        if found != -1:
            end = min(end, found)
    return raw[:end]


def header_message_id(raw: bytes) -> str | None:
    """The Message-ID without <>, from the first such header (folded lines too)."""
    head = re.sub(rb"\r?\n[ \t]+", b" ", _head(raw))  # unfold
    found = _MSGID_HEADER.search(head)
    if not found:
        return None
    value = found.group(1).decode("utf-8", "replace")
    angled = _ANGLED.search(value)
    if angled:
        text = angled.group(1)
    else:  # no <...>: the first word, as a broken mailer might have written it
        words = value.split()
        text = words[0].strip("<>") if words else ""
    # No spaces or control characters: PostgreSQL refuses NUL, and ids never hold spaces.
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


def _chunks(values: Sequence[str], size: int = 500) -> Iterator[Sequence[str]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _known(session: Session, group_id: int, ids: Sequence[str]) -> dict[str, tuple[int, bool]]:
    """message_id -> (row id, is a placeholder) for the ids already stored."""
    known: dict[str, tuple[int, bool]] = {}
    for chunk in _chunks(ids):
        rows = session.execute(
            select(Message.message_id, Message.id, Message.placeholder).where(
                Message.group_id == group_id, Message.message_id.in_(chunk)
            )
        )
        known.update({mid: (row_id, placeholder) for mid, row_id, placeholder in rows})
    return known


def store_arrivals(
    session: Session, group_id: int, arrivals: Sequence[Arrival], clock: Clock
) -> list[StoreResult]:
    """Add the arrivals to the session; one result per arrival, in the order given.

    Same Message-ID means same message (also within the batch); without a
    Message-ID the content hash stands in for it, so the same bytes twice are one
    message. A placeholder row (a parent referenced before it arrived) is filled
    in. Statements are issued per batch, not per message, since the listener and
    ingest store many messages per transaction.
    """
    now = clock.now()
    keyed = []
    for arrival in arrivals:
        digest = hashlib.sha256(arrival.raw).hexdigest()
        message_id = header_message_id(arrival.raw) or f"sha256-{digest}@corrbot.invalid"
        keyed.append((arrival, digest, message_id))
    known = _known(session, group_id, sorted({mid for _, _, mid in keyed}))
    blobs: set[str] = set()
    for chunk in _chunks(sorted({digest for _, digest, _ in keyed})):
        blobs.update(session.scalars(select(RawBlob.sha256).where(RawBlob.sha256.in_(chunk))))

    new_blobs: list[dict[str, object]] = []
    inserts: list[dict[str, object]] = []
    insert_at: list[int] = []
    fills: list[tuple[int, dict[str, object]]] = []
    first: dict[str, int] = {}  # message_id -> index of its first arrival in the batch
    results: list[StoreResult | None] = [None] * len(keyed)
    for index, (arrival, digest, message_id) in enumerate(keyed):
        if message_id in first:
            continue  # a duplicate within the batch: resolved below
        first[message_id] = index
        row = known.get(message_id)
        if row is not None and not row[1]:
            results[index] = StoreResult(row[0], True)
            continue
        sender = arrival.envelope_from
        if digest not in blobs:
            blobs.add(digest)
            new_blobs.append({"sha256": digest, "size": len(arrival.raw), "data": arrival.raw})
        values: dict[str, object] = {
            "placeholder": False,
            "sha256": digest,
            "received_at": now,
            "via": arrival.via,
            "envelope_from": None if sender is None else _clean(sender),
            "envelope_to": [_clean(a) for a in arrival.envelope_to],
            "no_deliver": arrival.no_deliver,
            "stage": "received",
        }
        if row is not None:  # a placeholder: the parent has arrived
            fills.append((row[0], values))
            results[index] = StoreResult(row[0], False)
        else:
            inserts.append({"group_id": group_id, "message_id": message_id, **values})
            insert_at.append(index)
    if new_blobs:  # first: the message rows refer to them
        session.execute(insert(RawBlob), new_blobs)
    for row_id, values in fills:
        session.execute(update(Message).where(Message.id == row_id).values(**values))
    if inserts:
        new_ids = session.scalars(
            insert(Message).returning(Message.id, sort_by_parameter_order=True), inserts
        ).all()
        for index, row_id in zip(insert_at, new_ids, strict=True):
            results[index] = StoreResult(row_id, False)
    done: list[StoreResult] = []
    for index, (_, _, message_id) in enumerate(keyed):
        result = results[index] or results[first[message_id]]
        assert result is not None
        done.append(result if index == first[message_id] else StoreResult(result.row_id, True))
    return done


def _store_all(runtime: Runtime, arrivals: Sequence[Arrival]) -> list[StoreResult]:
    with transaction(runtime.sessions) as session:
        return store_arrivals(session, runtime.group_id, arrivals, runtime.clock)


def store_many(runtime: Runtime, arrivals: Sequence[Arrival]) -> list[StoreResult | Exception]:
    """Store and commit the arrivals; each result is a StoreResult or the error it met.

    A result is only returned after its commit, so it may be acknowledged.
    """
    if not arrivals:
        return []
    try:
        return list(_store_all(runtime, arrivals))
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
