"""What the group must agree on: items, their options, members' positions,
mapping entries, and referrals of items that closed without consensus."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from corrbot.db import Base


class Item(Base):
    __tablename__ = "item"

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("group.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))  # proposal, mapping, new-issue
    title: Mapped[str] = mapped_column(Text)
    message_id: Mapped[int] = mapped_column(ForeignKey("message.id"), index=True)
    thread_id: Mapped[int | None] = mapped_column(ForeignKey("thread.id"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("member.id"))
    issue_id: Mapped[int | None] = mapped_column(ForeignKey("issue.id"))
    opened_at: Mapped[datetime]
    closes_at: Mapped[datetime] = mapped_column(index=True)
    # open, consensus, referred, decided
    state: Mapped[str] = mapped_column(String(20), default="open", index=True)
    closed_at: Mapped[datetime | None]


class Option(Base):
    __tablename__ = "option"
    __table_args__ = (UniqueConstraint("item_id", "letter"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id"), index=True)
    letter: Mapped[str] = mapped_column(String(2))
    text: Mapped[str] = mapped_column(Text)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("member.id"))
    message_id: Mapped[int | None] = mapped_column(ForeignKey("message.id"))
    created_at: Mapped[datetime]


class Position(Base):
    """Every stated position is kept; a member's latest one on an item counts."""

    __tablename__ = "position"

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id"), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id"), index=True)
    message_id: Mapped[int | None] = mapped_column(ForeignKey("message.id"), index=True)
    stance: Mapped[str] = mapped_column(String(10))  # support, object, abstain
    option: Mapped[str | None] = mapped_column(String(2))
    reason: Mapped[str] = mapped_column(Text, default="")  # the member's own new text
    stated_at: Mapped[datetime]


class MappingEntry(Base):
    __tablename__ = "mapping_entry"

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("group.id"), index=True)
    issue_id: Mapped[int] = mapped_column(ForeignKey("issue.id"), index=True)
    message_id: Mapped[int] = mapped_column(ForeignKey("message.id"), index=True)
    item_id: Mapped[int | None] = mapped_column(ForeignKey("item.id"))
    mechanism: Mapped[str] = mapped_column(Text)
    body: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(
        String(20)
    )  # addressing, partially, not-addressing, unknown
    gap: Mapped[str | None] = mapped_column(Text)
    # The chair chose an option written as free text (no Mechanism/Status/Gap keys):
    # that text is the entry as agreed, and option A's status and gap no longer are.
    agreed_text: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime]


class Referral(Base):
    __tablename__ = "referral"

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id"), index=True)
    token: Mapped[str] = mapped_column(String(64), unique=True)
    # consensus items referred as recommendations (proposed issues) vs. no consensus
    reason: Mapped[str] = mapped_column(String(20), default="no-consensus")
    created_at: Mapped[datetime]
    state: Mapped[str] = mapped_column(String(20), default="pending")  # pending, decided, returned
    decision: Mapped[str | None] = mapped_column(String(10))  # an option letter or "return"
    note: Mapped[str | None] = mapped_column(Text)
    decided_at: Mapped[datetime | None]
    decision_message_id: Mapped[int | None] = mapped_column(ForeignKey("message.id"))
