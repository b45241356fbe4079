"""The group and what its terms of reference define: tasks, issues, deadlines."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from corrbot.db import Base


class Group(Base):
    __tablename__ = "group"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    list_address: Mapped[str] = mapped_column(String(320), unique=True)
    created_at: Mapped[datetime]


class Task(Base):
    __tablename__ = "task"
    __table_args__ = (UniqueConstraint("group_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("group.id"), index=True)
    key: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(Text)
    description: Mapped[str] = mapped_column(Text, default="")
    keywords: Mapped[str] = mapped_column(Text, default="")  # ";"-separated


class Issue(Base):
    __tablename__ = "issue"
    __table_args__ = (UniqueConstraint("group_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("group.id"), index=True)
    number: Mapped[int]
    title: Mapped[str] = mapped_column(Text)
    category: Mapped[str | None] = mapped_column(String(200))
    aliases: Mapped[str] = mapped_column(Text, default="")  # ";"-separated
    # Set when the full group added the issue by deciding a referral.
    # No foreign key: issue -> referral -> item -> issue would be a cycle.
    added_by_referral_id: Mapped[int | None]

    @property
    def alias_list(self) -> list[str]:
        return [a.strip() for a in self.aliases.split(";") if a.strip()]


class Deadline(Base):
    __tablename__ = "deadline"
    __table_args__ = (UniqueConstraint("group_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("group.id"), index=True)
    key: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(40))
    due: Mapped[datetime]  # naive UTC
