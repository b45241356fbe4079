"""What a report would say if it were sent now: read-only, claims and queues nothing."""

from __future__ import annotations

from datetime import UTC
from zoneinfo import ZoneInfo

from sqlalchemy import select

from corrbot.config import DEADLINE_KINDS
from corrbot.model import Deadline, Report
from corrbot.reports.digest import collect_digest, period_start, posts_by_thread
from corrbot.reports.due import build
from corrbot.reports.render import Rendered, base_context, render
from corrbot.runtime import Runtime

KINDS = (*DEADLINE_KINDS, "digest", "member-digest")


class UnknownKind(ValueError):
    """The report kind asked for does not exist."""


def preview(runtime: Runtime, kind: str) -> Rendered:
    """Render report KIND as of the runtime's clock; the session is never committed."""
    if kind not in KINDS:
        raise UnknownKind(f"report kind {kind!r} is not one of {', '.join(KINDS)}")
    now = runtime.clock.now()
    group_id = runtime.group_id
    with runtime.sessions() as session:
        if kind in DEADLINE_KINDS:
            claimed = select(Report.key).where(Report.group_id == group_id)
            deadline = session.scalar(
                select(Deadline)
                .where(
                    Deadline.group_id == group_id,
                    Deadline.kind == kind,
                    Deadline.key.not_in(claimed),
                )
                .order_by(Deadline.due)
                .limit(1)
            )
            key = deadline.key if deadline else kind
            built = build(
                session,
                runtime,
                kind=kind,
                key=key,
                due=now,
                now=now,
                late=False,
                with_attachments=False,
            )
            return render(runtime, kind, built.context)
        zone = ZoneInfo(runtime.settings.group.timezone)
        day = now.replace(tzinfo=UTC).astimezone(zone).date().isoformat()
        context = base_context(runtime, kind=kind, key=f"{kind}:{day}", now=now)
        start = period_start(session, group_id, kind, now)
        data = (
            collect_digest(session, group_id, start, now)
            if kind == "digest"
            else posts_by_thread(session, group_id, start, now)
        )
        context.update(data=data, day=day)
        return render(runtime, kind, context)
