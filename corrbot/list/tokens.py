"""Confirmation tokens: a PendingConfirmation bound to one address, mailed only to it.

Tokens are lower-case hex because they travel in the local part of
cg-confirm+TOKEN@, which mail systems may lower-case (and our classifier does).
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select

from corrbot.model import PendingConfirmation
from corrbot.pipeline.context import MessageContext
from corrbot.runtime import Runtime


def new_token() -> str:
    return secrets.token_hex(12)


def issue(
    session: Any,
    runtime: Runtime,
    group_id: int,
    *,
    action: str,
    email: str,
    payload: dict[str, object] | None = None,
    days: float | None = None,
    flush: bool = True,
    valid_from: datetime | None = None,
) -> PendingConfirmation:
    now = runtime.clock.now()
    # A token mailed for a replayed message (read at its own, older date) must still
    # be answerable for token_days from when it was really sent out.
    start = max(now, valid_from) if valid_from is not None else now
    pending = PendingConfirmation(
        group_id=group_id,
        token=new_token(),
        action=action,
        email=email.strip().lower(),
        payload=dict(payload or {}),
        created_at=now,
        expires_at=start + timedelta(days=days or runtime.settings.commands.token_days),
    )
    session.add(pending)
    if flush:  # callers adding thousands at once (one-click tokens) flush once themselves
        session.flush()
    return pending


def issue_for(
    ctx: MessageContext, action: str, email: str, **payload: object
) -> PendingConfirmation:
    return issue(
        ctx.session,
        ctx.runtime,
        ctx.group.id,
        action=action,
        email=email,
        payload=payload,
        valid_from=ctx.message.received_at,
    )


def open_tokens(ctx: MessageContext, action: str) -> list[PendingConfirmation]:
    """Unused, unexpired tokens of one action in this group."""
    return list(
        ctx.session.scalars(
            select(PendingConfirmation).where(
                PendingConfirmation.group_id == ctx.group.id,
                PendingConfirmation.action == action,
                PendingConfirmation.used_at.is_(None),
                PendingConfirmation.expires_at > ctx.runtime.clock.now(),
            )
        )
    )
