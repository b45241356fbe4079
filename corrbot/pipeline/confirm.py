"""Replies to cg-confirm+TOKEN@ (and `confirm TOKEN` commands): perform what the token guards.

A token is mailed to one address; it counts only once, before it expires, and only
from that address. Each action is a function elsewhere, named in ACTIONS, so that
membership, moderation, tag corrections and the chair's decisions share one check.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Callable

from sqlalchemy import select

from corrbot.model import PendingConfirmation
from corrbot.outbound.compose import Outgoing
from corrbot.pipeline.context import MessageContext

log = logging.getLogger("corrbot.rules")

Action = Callable[[MessageContext, PendingConfirmation], None]

ACTIONS: dict[str, str] = {
    "join": "corrbot.list.membership:confirm_join",
    "leave": "corrbot.list.membership:confirm_leave",
    "moderate": "corrbot.list.moderation:confirm_moderation",
    "retag": "corrbot.pipeline.retag:confirm_retag",
    "decision": "corrbot.consensus.decision:confirm_decision",
    "item": "corrbot.consensus.coordinate:confirm_item_action",
}


def _action(name: str) -> Action:
    module, _, func = ACTIONS[name].partition(":")
    found: Action = getattr(importlib.import_module(module), func)
    return found


def dispatch(ctx: MessageContext) -> None:
    """The route for mail to cg-confirm+TOKEN@."""
    perform(ctx, ctx.detail or "")


def perform(ctx: MessageContext, token: str) -> bool:
    """Carry out the action `token` guards, if this message may; else say why. True if done."""
    sender = (ctx.message.from_addr or "").lower()
    pending = (
        ctx.session.scalar(
            select(PendingConfirmation).where(
                PendingConfirmation.group_id == ctx.group.id, PendingConfirmation.token == token
            )
        )
        if token
        else None
    )
    problem = None
    if pending is None:
        problem = "unknown"
    elif pending.used_at is not None:
        problem = "used"
    elif pending.expires_at < ctx.runtime.clock.now():
        problem = "expired"
    elif pending.email.lower() != sender:
        problem = "wrong-sender"
    if problem is not None or pending is None:
        log.info("<%s> confirmation refused: %s", ctx.message.message_id, problem)
        ctx.message.status_reason = f"confirmation refused: {problem}"
        refuse(ctx, problem or "unknown", pending.action if pending else None)
        return False
    pending.used_at = ctx.runtime.clock.now()
    ctx.message.status_reason = f"confirmed {pending.action}"
    _action(pending.action)(ctx, pending)
    return True


def refuse(ctx: MessageContext, problem: str, action: str | None) -> None:
    from corrbot.list import ratelimit

    sender = ctx.message.from_addr
    # Guessed tokens from a forged sender must not turn us into a backscatter source.
    if not sender or not ratelimit.allow(ctx, sender):
        return
    settings = ctx.runtime.settings
    ctx.send(
        Outgoing(
            template="email/confirm-refused",
            context={
                "problem": problem,
                "action": action,
                "group": settings.group,
                "addresses": ctx.runtime.addresses,
            },
            to=[sender],
            from_addr=ctx.runtime.addresses.request,
            from_name=settings.group.name,
            subject=f"Not done: {ctx.message.subject or 'your confirmation'}",
            auto_submitted="auto-replied",
            in_reply_to=ctx.message.message_id,
        ),
        kind="reply",
        dedupe_key=f"confirm-refused:{ctx.message.id}",
    )
