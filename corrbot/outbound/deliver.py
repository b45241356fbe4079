"""The delivery worker: send the outbox rows that are due, each once, retrying with backoff.

Rows go in batches of `BATCH` through three committed steps:

1. claim: `queued` → `sending`, `attempts` + 1, and `next_attempt_at` moved to
   now + `sending_timeout_minutes`, for the whole batch in one UPDATE. It only
   takes rows that are still due, so two workers (`serve` and a manual `tick`)
   never both take a row.
2. send each row through the backend (Maildir or SMTP relay), one SMTP
   transaction per row, over a connection reused across rows.
3. record (for a relay, each copy as soon as it is sent; for Maildir, the batch in
   one transaction): `sent`; or back to `queued` with an
   exponential backoff after a temporary failure (`expired` once `retry_hours`
   have passed since it was queued); or `failed` after a permanent one.
   `last_error` keeps the reason. Rows claimed but not tried (the backend went
   down) return to the queue without counting an attempt.

If the process dies between 1 and 3, the batch's rows stay `sending` until their
`next_attempt_at` passes, and are then due again. Maildir delivery is exactly once
even then (the file name comes from the row, see maildir.py), so its outcomes are
recorded per batch. SMTP cannot know what a relay took before the crash, so each
copy is recorded as soon as the relay answered: a crash resends at most the one copy
in flight (or whose 250 was lost with the connection), never the batch or the queue.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import defer
from sqlalchemy.orm.attributes import set_committed_value

from corrbot.config import DeliverySettings
from corrbot.db import transaction
from corrbot.model import OutboxEntry, RawBlob
from corrbot.outbound.maildir import MaildirTransport
from corrbot.outbound.relay import SmtpRelay
from corrbot.outbound.transport import (
    PermanentFailure,
    TemporaryFailure,
    Transport,
    Unavailable,
)
from corrbot.runtime import Runtime

log = logging.getLogger("corrbot.delivery")

# Rows claimed, sent and recorded together: two commits per batch instead of two
# per row. It is also the most a crash can make the relay receive twice.
BATCH = 50


def transport_for(runtime: Runtime) -> Transport:
    settings = runtime.settings
    delivery = settings.delivery
    if delivery.mode == "smtp":
        password = settings.secret(delivery.password_env)
        return SmtpRelay(delivery, password, runtime.addresses.domain)
    return MaildirTransport(settings.path(delivery.maildir))


def backoff(delivery: DeliverySettings, attempts: int) -> timedelta:
    """The wait after the `attempts`-th failed try: first_minutes, doubled each time, capped."""
    minutes = delivery.retry_first_minutes * 2 ** min(max(attempts - 1, 0), 30)
    return timedelta(minutes=min(minutes, delivery.retry_max_minutes))


def _due(now: datetime) -> Any:
    # Queued rows whose time has come, and `sending` rows whose claim has lapsed.
    return (
        OutboxEntry.state.in_(("queued", "sending")),
        OutboxEntry.next_attempt_at <= now,
    )


def due_ids(runtime: Runtime, now: datetime) -> list[int]:
    with runtime.sessions() as session:
        rows = session.scalars(
            select(OutboxEntry.id)
            .where(OutboxEntry.group_id == runtime.group_id, *_due(now))
            .order_by(OutboxEntry.next_attempt_at, OutboxEntry.id)
        )
        return list(rows)


def claim_batch(runtime: Runtime, ids: Sequence[int], now: datetime) -> list[OutboxEntry]:
    """Take those of the rows that are still due for this worker (committed), in order.

    One UPDATE ... RETURNING for the whole batch: a row another worker has claimed
    is no longer due, so it is neither updated nor returned (PostgreSQL re-checks
    the condition after waiting for the other worker's lock; SQLite serialises
    writers), and every returned row belongs to this worker alone.
    """
    if not ids:
        return []
    lease = timedelta(minutes=runtime.settings.delivery.sending_timeout_minutes)
    with transaction(runtime.sessions) as session:
        taken = list(
            session.scalars(
                update(OutboxEntry)
                .where(OutboxEntry.id.in_(ids), *_due(now))
                .values(
                    state="sending",
                    attempts=OutboxEntry.attempts + 1,
                    next_attempt_at=now + lease,
                )
                .returning(OutboxEntry.id)
                .execution_options(synchronize_session=False)
            )
        )
        if not taken:
            return []
        by_id = {
            e.id: e
            for e in session.scalars(
                select(OutboxEntry).where(OutboxEntry.id.in_(taken)).options(defer(OutboxEntry.raw))
            )
        }
        # Each distinct body read once and shared by its rows: a report copied to
        # every member is one blob, not fifty copies of it in memory per batch.
        digests = {e.raw_sha256 for e in by_id.values()}
        bodies = dict(
            session.execute(
                select(RawBlob.sha256, RawBlob.data).where(RawBlob.sha256.in_(digests))
            ).all()
        )
        for entry in by_id.values():
            set_committed_value(entry, "raw", bodies[entry.raw_sha256])
        session.expunge_all()
    return [by_id[i] for i in ids if i in by_id]


def claim(runtime: Runtime, entry_id: int, now: datetime) -> OutboxEntry | None:
    """Take the row for this worker (committed), or None when another worker has it."""
    taken = claim_batch(runtime, [entry_id], now)
    return taken[0] if taken else None


def _outcome(
    delivery: DeliverySettings, entry: OutboxEntry, now: datetime, error: Exception | None
) -> dict[str, Any]:
    if error is None:
        return {"state": "sent", "sent_at": now, "last_error": None}
    if isinstance(error, PermanentFailure):
        return {"state": "failed", "last_error": str(error)}
    if now >= entry.created_at + timedelta(hours=delivery.retry_hours):
        return {"state": "expired", "last_error": str(error)}
    return {
        "state": "queued",
        "next_attempt_at": now + backoff(delivery, entry.attempts),
        "last_error": str(error),
    }


# Built once: recording a sent copy is the hottest statement of a fan-out.
_MARK_SENT = (
    update(OutboxEntry)
    .where(OutboxEntry.id == bindparam("row"), OutboxEntry.state == "sending")
    .values(state="sent", sent_at=bindparam("now"), last_error=None)
)


def record_batch(
    runtime: Runtime,
    tried: Sequence[tuple[OutboxEntry, Exception | None]],
    now: datetime,
    untried: Sequence[OutboxEntry] = (),
) -> list[str]:
    """Store the outcomes of a batch in one transaction; returns each tried row's new state.

    `untried` rows (claimed, then the pass stopped) go back to the queue as they
    were: due now, their attempt not counted.
    """
    delivery = runtime.settings.delivery
    if len(tried) == 1 and tried[0][1] is None and not untried:
        # The relay's common case, once per copy: one prepared statement, no ORM session.
        with runtime.engine.begin() as conn:
            conn.execute(_MARK_SENT, {"row": tried[0][0].id, "now": now})
        return ["sent"]
    outcomes = [_outcome(delivery, entry, now, error) for entry, error in tried]
    sending = OutboxEntry.state == "sending"
    pairs = list(zip(tried, outcomes, strict=True))
    sent = [entry.id for (entry, _), values in pairs if values["state"] == "sent"]
    with transaction(runtime.sessions) as session:
        if sent:  # the common case, one statement for the lot
            session.execute(
                update(OutboxEntry)
                .where(OutboxEntry.id.in_(sent), sending)
                .values(state="sent", sent_at=now, last_error=None)
                .execution_options(synchronize_session=False)
            )
        for (entry, _), values in pairs:
            if values["state"] != "sent":
                session.execute(
                    update(OutboxEntry)
                    .where(OutboxEntry.id == entry.id, sending)
                    .values(**values)
                    .execution_options(synchronize_session=False)
                )
        if untried:
            session.execute(
                update(OutboxEntry)
                .where(OutboxEntry.id.in_([e.id for e in untried]), sending)
                .values(state="queued", attempts=OutboxEntry.attempts - 1, next_attempt_at=now)
                .execution_options(synchronize_session=False)
            )
    return [str(values["state"]) for values in outcomes]


def record(runtime: Runtime, entry: OutboxEntry, now: datetime, error: Exception | None) -> str:
    """Store the outcome of one try; returns the row's new state."""
    return record_batch(runtime, [(entry, error)], now)[0]


def _try(transport: Transport, entry: OutboxEntry) -> Exception | None:
    try:
        transport.send(entry)
    except (TemporaryFailure, PermanentFailure) as exc:
        return exc
    except Exception as exc:  # a bug in a backend must not stop the other copies
        log.exception("delivery of <%s> to %s crashed", entry.message_id, entry.recipient)
        return TemporaryFailure(f"internal error: {type(exc).__name__}")
    return None


def _log(entry: OutboxEntry, state: str, error: Exception | None) -> None:
    what = f"<{entry.message_id}> ({entry.kind}, row {entry.id}) to {entry.recipient}"
    if state == "sent":
        log.info("delivered %s", what)
    elif state == "queued":
        log.warning("deferred %s after try %d: %s", what, entry.attempts, error)
    else:
        log.error("%s %s after try %d: %s", state, what, entry.attempts, error)


def _send_batch(
    transport: Transport, entries: list[OutboxEntry]
) -> tuple[list[tuple[OutboxEntry, Exception | None]], Unavailable | None]:
    """Try each claimed row; stops at the first sign that the backend is down."""
    tried: list[tuple[OutboxEntry, Exception | None]] = []
    for entry in entries:
        error = _try(transport, entry)
        tried.append((entry, error))
        if isinstance(error, Unavailable):
            return tried, error
    return tried, None


def deliver_due(runtime: Runtime) -> int:
    """Deliver queued rows whose time has come; returns how many were sent."""
    ids = due_ids(runtime, runtime.clock.now())
    if not ids:
        return 0
    sent = 0
    try:
        with transport_for(runtime) as transport:
            # A relay cannot be asked what it took before a crash: record each copy as
            # soon as it is sent, so a crash resends at most the one in flight. Maildir
            # files are named by their row, so there a whole batch is recorded at once.
            step = BATCH if getattr(transport, "idempotent", False) else 1
            for start in range(0, len(ids), BATCH):
                entries = claim_batch(runtime, ids[start : start + BATCH], runtime.clock.now())
                for at in range(0, len(entries), step):
                    tried, down = _send_batch(transport, entries[at : at + step])
                    untried = entries[at + len(tried) :] if down is not None else []
                    states = record_batch(runtime, tried, runtime.clock.now(), untried)
                    for (entry, error), state in zip(tried, states, strict=True):
                        _log(entry, state, error)
                    sent += states.count("sent")
                    if down is not None:
                        # The rest would fail alike; they stay due for the next pass.
                        log.error("delivery paused after <%s>: %s", tried[-1][0].message_id, down)
                        return sent
    except Unavailable as exc:  # the backend could not even be opened
        log.error("delivery paused, %d copies wait: %s", len(ids), exc)
    return sent
