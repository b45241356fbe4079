"""The delivery worker: send the outbox rows that are due, each once, retrying with backoff.

Each row goes through three committed steps:

1. claim: `queued` → `sending`, `attempts` + 1, and `next_attempt_at` moved to
   now + `sending_timeout_minutes`. The update only succeeds while the row is still
   due, so two workers (`serve` and a manual `tick`) never both take it.
2. send it through the backend (Maildir or SMTP relay).
3. record: `sent`; or back to `queued` with an exponential backoff after a
   temporary failure (`expired` once `retry_hours` have passed since it was
   queued); or `failed` after a permanent one. `last_error` keeps the reason.

If the process dies between 1 and 3, the row stays `sending` until its
`next_attempt_at` passes, and is then due again. Maildir delivery is exactly once
even then (the file name comes from the row, see maildir.py). SMTP cannot know
whether a relay that took the copy got to answer: a copy accepted by the relay
just before a crash, or whose 250 was lost with the connection, is sent again.
That window (one copy, one recipient) is the only way a duplicate can occur.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import CursorResult, select, update

from corrbot.config import DeliverySettings
from corrbot.db import transaction
from corrbot.model import OutboxEntry
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


def claim(runtime: Runtime, entry_id: int, now: datetime) -> OutboxEntry | None:
    """Take the row for this worker (committed), or None when another worker has it."""
    lease = timedelta(minutes=runtime.settings.delivery.sending_timeout_minutes)
    with transaction(runtime.sessions) as session:
        result = session.execute(
            update(OutboxEntry)
            .where(OutboxEntry.id == entry_id, *_due(now))
            .values(
                state="sending",
                attempts=OutboxEntry.attempts + 1,
                next_attempt_at=now + lease,
            )
            .execution_options(synchronize_session=False)
        )
        if cast(CursorResult[Any], result).rowcount != 1:
            return None
        entry = session.get(OutboxEntry, entry_id)
        if entry is not None:
            session.expunge(entry)
        return entry


def record(runtime: Runtime, entry: OutboxEntry, now: datetime, error: Exception | None) -> str:
    """Store the outcome of one try; returns the row's new state."""
    delivery = runtime.settings.delivery
    values: dict[str, Any]
    if error is None:
        values = {"state": "sent", "sent_at": now, "last_error": None}
    elif isinstance(error, PermanentFailure):
        values = {"state": "failed", "last_error": str(error)}
    elif now >= entry.created_at + timedelta(hours=delivery.retry_hours):
        values = {"state": "expired", "last_error": str(error)}
    else:
        values = {
            "state": "queued",
            "next_attempt_at": now + backoff(delivery, entry.attempts),
            "last_error": str(error),
        }
    with transaction(runtime.sessions) as session:
        session.execute(
            update(OutboxEntry)
            .where(OutboxEntry.id == entry.id, OutboxEntry.state == "sending")
            .values(**values)
            .execution_options(synchronize_session=False)
        )
    return str(values["state"])


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


def deliver_due(runtime: Runtime) -> int:
    """Deliver queued rows whose time has come; returns how many were sent."""
    ids = due_ids(runtime, runtime.clock.now())
    if not ids:
        return 0
    sent = 0
    try:
        with transport_for(runtime) as transport:
            for entry_id in ids:
                now = runtime.clock.now()
                entry = claim(runtime, entry_id, now)
                if entry is None:
                    continue
                error = _try(transport, entry)
                state = record(runtime, entry, runtime.clock.now(), error)
                _log(entry, state, error)
                if state == "sent":
                    sent += 1
                if isinstance(error, Unavailable):
                    # The rest would fail alike; they stay due and wait for the next pass.
                    log.error("delivery paused after <%s>: %s", entry.message_id, error)
                    break
    except Unavailable as exc:  # the backend could not even be opened
        log.error("delivery paused, %d copies wait: %s", len(ids), exc)
    return sent
