"""Reports claimed before they are rendered, so each is sent exactly once."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from corrbot.db import Base


class Report(Base):
    __tablename__ = "report"
    __table_args__ = (UniqueConstraint("group_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("group.id"), index=True)
    # the deadline key, or "digest:YYYY-MM-DD" for a coordinators' digest
    key: Mapped[str] = mapped_column(String(120))
    kind: Mapped[str] = mapped_column(String(40))
    deadline_id: Mapped[int | None] = mapped_column(ForeignKey("deadline.id"))
    period_start: Mapped[datetime | None]
    period_end: Mapped[datetime]
    claimed_at: Mapped[datetime]
    sent_at: Mapped[datetime | None]
    late: Mapped[bool] = mapped_column(default=False)
