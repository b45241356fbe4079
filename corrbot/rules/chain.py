"""PLACEHOLDER (list work replaces this): decide a message's fate."""

from __future__ import annotations

from corrbot.pipeline.context import MessageContext


def decide(ctx: MessageContext) -> str:
    """Set message.status/status_reason and return the route name (see pipeline/runner.py)."""
    ctx.message.status = "accepted"
    return "accepted"
