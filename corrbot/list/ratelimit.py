"""At most `[commands] replies_per_hour` automatic replies to one sender per hour.

Counted from the outbox itself (rows of kind reply/confirm queued to that address
in the last hour, by the injected clock), so the limit holds across restarts and
workers, and a mail loop with a forged sender cannot make us flood a victim.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from corrbot.model import OutboxEntry
from corrbot.pipeline.context import MessageContext

COUNTED_KINDS = ("reply", "confirm")


def replies_last_hour(ctx: MessageContext, recipient: str) -> int:
    since = ctx.runtime.clock.now() - timedelta(hours=1)
    count = ctx.session.scalar(
        select(func.count())
        .select_from(OutboxEntry)
        .where(
            OutboxEntry.group_id == ctx.group.id,
            func.lower(OutboxEntry.recipient) == recipient.strip().lower(),
            OutboxEntry.kind.in_(COUNTED_KINDS),
            OutboxEntry.created_at >= since,
        )
    )
    return int(count or 0)


def allow(ctx: MessageContext, recipient: str) -> bool:
    """True if one more automatic reply may go to `recipient`; else notes why on the message."""
    sent = replies_last_hour(ctx, recipient)
    limit = ctx.runtime.settings.commands.replies_per_hour
    if sent < limit:
        return True
    note = f"not answered: {sent} replies to {recipient} in the last hour (limit {limit})"
    reason = ctx.message.status_reason
    ctx.message.status_reason = f"{reason}; {note}" if reason else note
    return False
