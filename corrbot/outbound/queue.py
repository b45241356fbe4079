"""Put outgoing mail in the outbox table: one row per recipient, keyed for idempotence.

Callers enqueue inside the same transaction that records why the mail is sent
(a command answered, a report claimed), so a crash either keeps both or neither.
"""

from __future__ import annotations

from collections.abc import Iterable
from email.message import EmailMessage
from email.policy import SMTP

from sqlalchemy import select
from sqlalchemy.orm import Session

from corrbot.clock import Clock
from corrbot.model import OutboxEntry


def enqueue(
    session: Session,
    group_id: int,
    clock: Clock,
    *,
    message: EmailMessage,
    recipients: Iterable[str],
    kind: str,
    dedupe_key: str,
    envelope_from: str,
) -> int:
    """Queue `message` for each recipient; rows already queued under the key are kept.

    Returns the number of rows added.
    """
    raw = message.as_bytes(policy=SMTP)
    message_id = str(message["Message-ID"] or "").strip().strip("<>")
    now = clock.now()
    wanted = {r.strip().lower(): r.strip() for r in recipients if r and r.strip()}
    keys = {f"{dedupe_key}|{lower}": lower for lower in wanted}
    present = (
        set(
            session.scalars(
                select(OutboxEntry.dedupe_key).where(
                    OutboxEntry.group_id == group_id, OutboxEntry.dedupe_key.in_(list(keys))
                )
            )
        )
        if keys
        else set()
    )
    added = 0
    for key, lower in keys.items():
        if key in present:
            continue
        session.add(
            OutboxEntry(
                group_id=group_id,
                dedupe_key=key,
                kind=kind,
                envelope_from=envelope_from,
                recipient=wanted[lower],
                message_id=message_id,
                raw=raw,
                created_at=now,
                next_attempt_at=now,
            )
        )
        added += 1
    return added
