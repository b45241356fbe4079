"""Members of a group, and the confirmations that guard every change made by email."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from corrbot.db import Base


class Member(Base):
    __tablename__ = "member"
    __table_args__ = (UniqueConstraint("group_id", "email"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("group.id"), index=True)
    email: Mapped[str] = mapped_column(String(320))  # lower-cased
    name: Mapped[str] = mapped_column(String(200), default="")
    org: Mapped[str | None] = mapped_column(String(200))
    country: Mapped[str | None] = mapped_column(String(8))
    stakeholder: Mapped[str] = mapped_column(String(40))
    role: Mapped[str] = mapped_column(String(20), default="member")
    # active, bouncing (delivery stopped) or left (kept for attribution)
    status: Mapped[str] = mapped_column(String(20), default="active")
    digest: Mapped[bool] = mapped_column(default=False)
    bounce_count: Mapped[int] = mapped_column(default=0)
    last_bounce_at: Mapped[datetime | None]
    joined_at: Mapped[datetime]
    left_at: Mapped[datetime | None]

    @property
    def display(self) -> str:
        return f"{self.name} <{self.email}>" if self.name else self.email


class PendingConfirmation(Base):
    """A token mailed to someone; only a reply carrying it performs `action`."""

    __tablename__ = "pending_confirmation"

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("group.id"), index=True)
    token: Mapped[str] = mapped_column(String(64), unique=True)
    # join, leave, moderate, retag, consensus (coordinator actions) ...
    action: Mapped[str] = mapped_column(String(40))
    email: Mapped[str] = mapped_column(String(320))  # who must answer
    payload: Mapped[dict[str, object]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
