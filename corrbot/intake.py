"""Durable acceptance: raw bytes stored content-addressed, de-duplicated, committed.

PLACEHOLDER-QUALITY first version (the intake work refines it: batching, quarantine
of unreadable mail, header fallbacks). The caller commits; only after the commit may
the message be acknowledged.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from corrbot.clock import Clock
from corrbot.model import Message, RawBlob

_MSGID = re.compile(rb"^message-id:[ \t]*<?([^>\r\n]+)>?", re.IGNORECASE | re.MULTILINE)


@dataclass(frozen=True)
class StoreResult:
    row_id: int
    duplicate: bool


def header_message_id(raw: bytes) -> str | None:
    head = raw.split(b"\r\n\r\n", 1)[0].split(b"\n\n", 1)[0]
    found = _MSGID.search(head)
    return found.group(1).strip().decode("utf-8", "replace") if found else None


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
    digest = hashlib.sha256(raw).hexdigest()
    message_id = header_message_id(raw) or f"sha256-{digest}@corrbot.invalid"
    existing = session.scalar(
        select(Message).where(Message.group_id == group_id, Message.message_id == message_id)
    )
    if existing is not None and not existing.placeholder:
        return StoreResult(existing.id, True)
    if session.get(RawBlob, digest) is None:
        session.add(RawBlob(sha256=digest, size=len(raw), data=raw))
        session.flush()  # no ORM relationship orders these inserts, so do it here
    row = existing or Message(group_id=group_id, message_id=message_id)
    row.placeholder = False
    row.sha256 = digest
    row.received_at = clock.now()
    row.via = via
    row.envelope_from = envelope_from
    row.envelope_to = list(envelope_to)
    row.no_deliver = no_deliver
    row.stage = "received"
    session.add(row)
    session.flush()
    return StoreResult(row.id, False)
