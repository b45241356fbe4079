"""Run every stored-but-unprocessed message through the pipeline, each in one transaction.

The order lives here and only here: parse → thread → chain (decides the fate) →
the handlers for that fate. A crash mid-way rolls the message's transaction back,
so it is processed again from the start at the next run, and nothing it would have
queued was queued (the outbox rows commit with it).
"""

from __future__ import annotations

import dataclasses
import logging
from collections import deque
from collections.abc import Callable

from sqlalchemy import event, select, update
from sqlalchemy.orm import Session

from corrbot.clock import FixedClock
from corrbot.consensus import openers
from corrbot.members import preload_members, remember_members
from corrbot.model import Group, Message, RawBlob
from corrbot.pipeline import confirm, new_rows, parse, tag_rows, thread
from corrbot.pipeline.context import MessageContext
from corrbot.pipeline.found_tags import remember_found
from corrbot.pipeline.parse_ahead import Prepared
from corrbot.pipeline.read_ahead import ReadAhead, Readings
from corrbot.pipeline.tagging import cache_refs
from corrbot.runtime import Runtime

log = logging.getLogger("corrbot.pipeline")

Handler = Callable[[MessageContext], None]


def accepted_handlers() -> list[Handler]:
    """What an accepted post goes through (also after a moderator approves it)."""
    from corrbot.consensus import handle_post
    from corrbot.list import distribute
    from corrbot.pipeline import understand

    return [understand.understand, handle_post, distribute.distribute]


def _routes() -> dict[str, list[Handler]]:
    # Imported here: these modules import the pipeline context themselves.
    from corrbot.list import bounces, commands, moderation, owner

    return {
        "accepted": accepted_handlers(),
        "held": [moderation.hold],
        "command": [commands.answer],
        "confirm": [confirm.dispatch],
        "owner": [owner.forward],
        "bounce": [bounces.record],
    }


def process_pending(
    runtime: Runtime,
    limit: int | None = None,
    batch: int = 1,
    ahead: ReadAhead | None = None,
    before: Callable[[Session], None] | None = None,
) -> int:
    """Process messages still in stage "received", oldest first; returns how many.

    `batch` > 1 processes that many messages per transaction (an archive import: one
    commit, so one fsync, per batch instead of per message). If anything in a batch
    fails, the batch is rolled back and its messages are processed one by one, so one
    bad message costs only itself. With `ahead` (an archive import), a worker process
    has read (or is reading) messages submitted to it, while this process works on
    the database; a message it was not given is read here.

    `before` runs ahead of the first batch's messages, in its transaction (an import
    stores its next batch there: one commit, so one fsync, for both). When that
    batch fails it runs again alone, still before the messages; when it fails
    itself, or there is no message to process, it does not commit at all: the
    caller tells by a commit hook on the session it is given.
    """
    done = 0
    routes = _routes()
    while limit is None or done < limit:
        want = 200 if limit is None else min(200, limit - done)
        with runtime.sessions() as session:
            ids = list(
                session.scalars(
                    select(Message.id)
                    .where(
                        Message.group_id == runtime.group_id,
                        Message.stage == "received",
                        Message.placeholder.is_(False),
                    )
                    .order_by(Message.id)
                    .limit(want)
                )
            )
        if not ids:
            break
        readings = ahead.readings if ahead is not None else None
        for start in range(0, len(ids), max(batch, 1)):
            chunk = ids[start : start + max(batch, 1)]
            first, before = before, None
            if len(chunk) == 1 or not _process_batch(runtime, chunk, routes, readings, first):
                if first is not None:
                    _alone(runtime, first)
                for message_id in chunk:
                    process_one(runtime, message_id, routes)
            if readings is not None:
                readings.forget(chunk)
            done += len(chunk)
    return done


def _process_batch(
    runtime: Runtime,
    ids: list[int],
    routes: dict[str, list[Handler]],
    readings: Readings | None = None,
    before: Callable[[Session], None] | None = None,
) -> bool:
    try:
        with runtime.sessions() as session, session.begin():
            _prepare(session)
            if readings is not None:
                remember_found(session, readings.found)
            if before is not None:
                before(session)
            unread = [row_id for row_id in ids if readings is None or not readings.has(row_id)]
            blobs = _raw_blobs(session, unread)
            rows = _claim(session, ids)
            tag_rows.preload(session, list(rows))
            cold = deque(ids)
            for row_id in ids:
                if row_id in rows:  # else another worker got there first
                    ahead = None
                    if readings is not None:
                        ahead = readings.get(row_id)
                        _warm(session, runtime.group_id, readings, cold)
                    _run(runtime, session, rows[row_id], routes, ahead)
            del blobs, rows
    except Exception:  # retried one by one below, where the culprit is isolated
        log.warning("a batch of %d messages failed; processing them one by one", len(ids))
        return False
    return True


def _alone(runtime: Runtime, before: Callable[[Session], None]) -> None:
    """``before`` in a transaction of its own; a failure is logged, not raised."""
    try:
        with runtime.sessions() as session, session.begin():
            before(session)
    except Exception:
        log.warning("the work before a batch failed", exc_info=True)


def _raw_blobs(session: Session, ids: list[int]) -> list[RawBlob]:
    """One SELECT for these rows' raw bytes, which parse then finds in the session.

    Only for the messages the worker does not read: it had their bytes from intake.
    Immutable rows, keyed by their hash, so never stale.
    """
    if not ids:
        return []
    stored = select(Message.sha256).where(Message.id.in_(ids))
    return list(session.scalars(select(RawBlob).where(RawBlob.sha256.in_(stored))))


def _warm(session: Session, group_id: int, readings: Readings, cold: deque[int]) -> None:
    """Look up the senders and referenced messages of the batch's readings ready so far.

    Two queries for every few messages (the worker's readings come ten at a time)
    instead of one per sender and per referenced Message-ID. ``cold``: the batch's
    rows not looked at yet, in order; the worker reads them in that order too.
    """
    ready = []
    while cold and (readings.ready(cold[0]) or not readings.has(cold[0])):
        row_id = cold.popleft()
        if readings.has(row_id):  # else the worker was never given it (or failed)
            ready.append(row_id)
    found = [p for p in (readings.get(row_id) for row_id in ready) if p is not None]
    if not found:
        return
    # Nothing pending is needed to answer these (a row made or changed in this
    # transaction is held already), so the batch's changes need not be flushed.
    with session.no_autoflush:
        preload_members(
            session, group_id, [p.fields["from_addr"] for p in found if p.fields["from_addr"]]
        )
        refs = [
            ref for p in found for ref in [p.fields["in_reply_to"], *(p.fields["references"] or [])]
        ]
        replied = thread.preload_rows(session, group_id, refs)
        tag_rows.load(session, [row.id for row in replied if not row.placeholder])


def process_one(
    runtime: Runtime, row_id: int, routes: dict[str, list[Handler]] | None = None
) -> None:
    """Process one message in its own transaction; a failure quarantines it, with the reason.

    Without that, a message that breaks a handler would stay "received" and be tried
    again on every run, forever, and stop the messages behind it.
    """
    routes = routes or _routes()
    try:
        with runtime.sessions() as session, session.begin():
            _prepare(session)
            _process(runtime, session, row_id, routes)
    except Exception as exc:
        log.exception("message row %d could not be processed", row_id)
        # If the database itself is down this raises too, and the run stops: the
        # message stays "received" and is retried at the next run.
        with runtime.sessions() as session, session.begin():
            session.execute(
                update(Message)
                .where(Message.id == row_id, Message.stage == "received")
                .values(
                    stage="processed",
                    status="quarantined",
                    status_reason=f"processing failed: {type(exc).__name__}",
                )
            )


def _prepare(session: Session) -> None:
    """Per-transaction caches: they live and die with this session (one transaction).

    The session's identity map holds rows only weakly, so a row a handler read for
    one message (the group, a parent, a member) was gone by the next lookup and read
    again; holding every row loaded or inserted in this transaction (raw bytes
    excepted: large, and read once) lets ``session.get`` find it. Within the
    transaction every change goes through this session, so what it holds is current.
    """
    held: list[object] = []
    session.info["corrbot.runner.held"] = held

    def hold(_session: Session, row: object) -> None:
        if not isinstance(row, RawBlob):
            held.append(row)

    event.listen(session, "loaded_as_persistent", hold)
    event.listen(session, "pending_to_persistent", hold)
    event.listen(session, "detached_to_persistent", hold)  # thread._insert's rows
    remember_members(session)
    cache_refs(session)
    tag_rows.remember(session)
    thread.remember_rows(session)
    new_rows.remember(session)
    openers.remember(session)


def _process(
    runtime: Runtime,
    session: Session,
    row_id: int,
    routes: dict[str, list[Handler]],
    ahead: Prepared | None = None,
) -> None:
    # Claim by a conditional UPDATE: of two processes (serve and a `tick` or `ingest`
    # beside it) only one changes the row; the other waits for its commit and sees 0.
    # A crash rolls the claim back with everything else, so the message is retried.
    claimed = session.execute(
        update(Message)
        .where(Message.id == row_id, Message.stage == "received")
        .values(stage="processed")
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:  # type: ignore[attr-defined]
        return  # another worker got there first
    message = session.get(Message, row_id, populate_existing=True)
    assert message is not None
    _run(runtime, session, message, routes, ahead)


def _claim(session: Session, ids: list[int]) -> dict[int, Message]:
    """Claim a batch's rows as _process claims one (one UPDATE), and load them (one SELECT).

    Only tagging.reinherit_children looks at the stage, and only at rows already
    read (new_text set), so the batch's later rows being claimed early changes nothing.
    """
    claimed = list(
        session.scalars(
            update(Message)
            .where(Message.id.in_(ids), Message.stage == "received")
            .values(stage="processed")
            .returning(Message.id)
            .execution_options(synchronize_session=False)
        )
    )
    if not claimed:
        return {}
    rows = session.scalars(
        select(Message).where(Message.id.in_(claimed)).execution_options(populate_existing=True)
    )
    return {row.id: row for row in rows}


def _run(
    runtime: Runtime,
    session: Session,
    message: Message,
    routes: dict[str, list[Handler]],
    ahead: Prepared | None,
) -> None:
    from corrbot.rules import chain

    group = session.get(Group, runtime.group_id)
    assert group is not None
    ctx = MessageContext(
        runtime=_as_posted(runtime, message),
        session=session,
        group=group,
        message=message,
        ahead=ahead,
    )
    if parse.parse(ctx):
        thread.thread(ctx)
        route = chain.decide(ctx)
        for handler in routes.get(route, []):
            handler(ctx)
    log.info("<%s> %s: %s", message.message_id, message.status, message.status_reason or "")


def _as_posted(runtime: Runtime, message: Message) -> Runtime:
    """The runtime whose clock reads the message's own time, for a message from a file.

    `corrbot ingest` replays mail: a proposal in an archive opens its item when it
    was sent, and closes `window_days` later, so `tick --as-of` over the archive's
    own dates closes and refers it as the group lived it (posted_at is the Date,
    never later than the import). Live mail is read on the runtime's own clock.
    """
    if message.via != "file" or message.posted_at is None:
        return runtime
    return dataclasses.replace(runtime, clock=FixedClock(message.posted_at))
