"""Put outgoing mail in the outbox table: one row per recipient, keyed for idempotence.

Callers enqueue inside the same transaction that records why the mail is sent
(a command answered, a report claimed), so a crash either keeps both or neither.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from email.message import EmailMessage
from email.policy import SMTP
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from corrbot.clock import Clock
from corrbot.intake_sql import blob_row, insert_blobs
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
    digest = _sha256(raw)
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
    if any(key not in present for key in keys):
        insert_blobs(session.connection(), [blob_row(raw, digest)])
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
                raw_sha256=digest,
                created_at=now,
                next_attempt_at=now,
            )
        )
        added += 1
    return added


@dataclass(frozen=True)
class Copy:
    """One recipient's own bytes and envelope sender (a list post: own headers, VERP)."""

    recipient: str
    raw: bytes
    envelope_from: str


# Keys per IN (...) query: well inside every backend's limit on bound parameters.
_CHUNK = 500


def _present(session: Session, group_id: int, keys: Sequence[str]) -> set[str]:
    found: set[str] = set()
    for start in range(0, len(keys), _CHUNK):
        found.update(
            session.scalars(
                select(OutboxEntry.dedupe_key).where(
                    OutboxEntry.group_id == group_id,
                    OutboxEntry.dedupe_key.in_(keys[start : start + _CHUNK]),
                )
            )
        )
    return found


def enqueue_copies(
    session: Session,
    group_id: int,
    clock: Clock,
    *,
    copies: Iterable[Copy],
    message_id: str,
    kind: str,
    dedupe_key: str,
) -> int:
    """Queue individually written copies, one row each, keyed like `enqueue`; returns rows added.

    Built for a post to thousands of members: one query per 500 keys for the rows
    already queued, then one bulk INSERT, instead of a query and an ORM object per row.
    """
    now = clock.now()
    wanted: dict[str, Copy] = {}
    for copy in copies:
        lower = copy.recipient.strip().lower()
        if lower:
            wanted.setdefault(f"{dedupe_key}|{lower}", copy)
    present = _present(session, group_id, list(wanted))
    # Digests by bytes: a copy shared by many recipients is hashed and stored once.
    blobs = {raw: _sha256(raw) for raw in {c.raw for k, c in wanted.items() if k not in present}}
    rows: list[dict[str, Any]] = [
        {
            "group_id": group_id,
            "dedupe_key": key,
            "kind": kind,
            "envelope_from": copy.envelope_from,
            "recipient": copy.recipient.strip(),
            "message_id": message_id,
            "raw_sha256": blobs[copy.raw],
            "created_at": now,
            "state": "queued",
            "attempts": 0,
            "next_attempt_at": now,
        }
        for key, copy in wanted.items()
        if key not in present
    ]
    if rows:
        insert_blobs(session.connection(), [blob_row(raw, digest) for raw, digest in blobs.items()])
        session.execute(insert(OutboxEntry), rows)
    return len(rows)


def _sha256(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()
