"""Every email corrbot sends waits here, one row per recipient, until delivered.

`dedupe_key` is unique: whoever enqueues a message names it, so enqueuing the same
thing twice (a crash and a rerun) stores it once. The bytes live content-addressed
in `raw_blob`, as received mail does: a report copied to every member of a large
group is stored once, not once per member.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint, select
from sqlalchemy.orm import Mapped, column_property, mapped_column

from corrbot.db import Base
from corrbot.model.message import RawBlob


class OutboxEntry(Base):
    __tablename__ = "outbox"
    __table_args__ = (
        UniqueConstraint("group_id", "dedupe_key"),
        Index("ix_outbox_due", "state", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("group.id"), index=True)
    dedupe_key: Mapped[str] = mapped_column(String(400))
    kind: Mapped[str] = mapped_column(String(40))  # post, reply, confirm, referral, report ...
    envelope_from: Mapped[str] = mapped_column(String(998))
    recipient: Mapped[str] = mapped_column(String(320), index=True)
    message_id: Mapped[str] = mapped_column(String(998))
    raw_sha256: Mapped[str] = mapped_column(ForeignKey("raw_blob.sha256"))
    # Read-only: write the blob and set raw_sha256 (outbound/queue.py does both).
    raw: Mapped[bytes] = column_property(
        select(RawBlob.data)
        .where(RawBlob.sha256 == raw_sha256)
        .correlate_except(RawBlob)
        .scalar_subquery()
    )
    created_at: Mapped[datetime]
    # queued, sending, sent, failed (permanent), expired (retries exhausted)
    state: Mapped[str] = mapped_column(String(20), default="queued")
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime]
    last_error: Mapped[str | None] = mapped_column(Text)
    sent_at: Mapped[datetime | None]
