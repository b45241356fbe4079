"""The archive: raw bytes (content-addressed), messages, threads, tags, IMAP state.

Raw mail is the truth; every other column is derived and can be rebuilt. A message
row with `placeholder` set stands for a parent that was referenced but not seen
yet (a JWZ container); when the parent arrives, the row is filled in.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, orm_insert_sentinel

from corrbot.db import Base


class RawBlob(Base):
    __tablename__ = "raw_blob"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    size: Mapped[int]
    data: Mapped[bytes] = mapped_column(LargeBinary)


class Thread(Base):
    __tablename__ = "thread"

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("group.id"), index=True)
    # No foreign key: message.thread_id already points here, and a cycle would
    # need ALTER TABLE, which SQLite lacks.
    root_id: Mapped[int | None]
    subject_key: Mapped[str] = mapped_column(Text, default="", index=True)
    created_at: Mapped[datetime]


class Message(Base):
    __tablename__ = "message"
    __table_args__ = (
        UniqueConstraint("group_id", "message_id"),
        Index("ix_message_stage", "group_id", "stage", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)  # arrival order
    group_id: Mapped[int] = mapped_column(ForeignKey("group.id"), index=True)
    message_id: Mapped[str] = mapped_column(String(998))  # without <>
    placeholder: Mapped[bool] = mapped_column(default=False)
    sha256: Mapped[str | None] = mapped_column(ForeignKey("raw_blob.sha256"), index=True)
    received_at: Mapped[datetime | None]
    # When the group had it, the time reports and consensus count from: received_at
    # for live mail; for an imported file (`corrbot ingest`) the Date it was sent, so
    # that an archive replays with `tick --as-of`. Rows written without it take
    # received_at.
    posted_at: Mapped[datetime | None] = mapped_column(
        index=True, default=lambda ctx: ctx.get_current_parameters().get("received_at")
    )
    via: Mapped[str | None] = mapped_column(String(20))  # smtp, lmtp, imap, file
    envelope_from: Mapped[str | None] = mapped_column(String(998))
    envelope_to: Mapped[list[str]] = mapped_column(JSON, default=list)
    # received -> processed; the pipeline picks up rows still "received" after a crash
    # post, request, owner, bounces or confirm: which of the group's addresses it reached
    purpose: Mapped[str | None] = mapped_column(String(20))
    stage: Mapped[str] = mapped_column(String(20), default="received")
    no_deliver: Mapped[bool] = mapped_column(default=False)
    status: Mapped[str | None] = mapped_column(String(20), index=True)
    status_reason: Mapped[str | None] = mapped_column(Text)
    subject: Mapped[str | None] = mapped_column(Text)
    from_addr: Mapped[str | None] = mapped_column(String(320), index=True)
    from_name: Mapped[str | None] = mapped_column(Text)
    date: Mapped[datetime | None]
    in_reply_to: Mapped[str | None] = mapped_column(String(998))
    references: Mapped[list[str]] = mapped_column(JSON, default=list)
    text_body: Mapped[str | None] = mapped_column(Text)
    new_text: Mapped[str | None] = mapped_column(Text)
    # one {"filename", "type", "size"} object per attachment
    attachments: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    defects: Mapped[list[str]] = mapped_column(JSON, default=list)
    # The member who sent it, and (below) its thread: no foreign keys. The pipeline
    # sets both from rows it holds (a member it found or made, a thread it made), and
    # only a merged thread is ever deleted, after its rows move (thread._move_thread);
    # while on SQLite any foreign key among an UPDATE's columns made each message's
    # update cost twice as much: the message UPDATEs of a 10,000-message import
    # 1.33 -> 0.61 s (migration 0004, bench/README.md). Dropping one of the two
    # saved nothing. tests/pipeline/test_thread.py checks that no row dangles.
    member_id: Mapped[int | None] = mapped_column(index=True)
    on_behalf_of: Mapped[str | None] = mapped_column(String(300))
    # The row this one answers. No foreign key, as for Thread.root_id: threading
    # only ever names a row it holds (a placeholder for a parent not seen yet), rows
    # are never deleted, and on SQLite the self-reference cost each message's
    # update 47 us more than any other key (0.45 s of a 10,000-message import;
    # migration 0002, bench/README.md).
    parent_id: Mapped[int | None] = mapped_column(index=True)
    thread_id: Mapped[int | None] = mapped_column(index=True)  # no foreign key: see member_id


class Tag(Base):
    __tablename__ = "tag"
    __table_args__ = (UniqueConstraint("message_id", "kind", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int] = mapped_column(ForeignKey("message.id"), index=True)
    kind: Mapped[str] = mapped_column(String(10))  # task or issue
    key: Mapped[str] = mapped_column(String(20))  # task key or issue number
    # explicit, title, classifier, inherited, coordinator
    source: Mapped[str] = mapped_column(String(20))
    confidence: Mapped[float] = mapped_column(default=1.0)
    # A coordinator's Untag keeps the row (and its source) but turns it off.
    active: Mapped[bool] = mapped_column(default=True)
    # Numbers a flush's new rows so that one INSERT ... RETURNING can store them all
    # and match the ids returned to them: SQLite cannot promise RETURNING's order,
    # so without it SQLAlchemy inserts each row by itself (an import writes a Tag
    # row for most messages; migration 0003). Never read.
    _sentinel: Mapped[int | None] = orm_insert_sentinel()


class ImapState(Base):
    __tablename__ = "imap_state"
    __table_args__ = (UniqueConstraint("group_id", "account", "folder"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("group.id"))
    account: Mapped[str] = mapped_column(String(320))
    folder: Mapped[str] = mapped_column(String(300))
    uidvalidity: Mapped[int | None]
    last_uid: Mapped[int] = mapped_column(default=0)
