"""PLACEHOLDER (consensus work replaces this): items, positions, closing, referrals."""

from __future__ import annotations

from corrbot.pipeline.context import MessageContext
from corrbot.runtime import Runtime


def handle_post(ctx: MessageContext) -> None:
    """Open items, add options, record positions for an accepted post."""


def close_due(runtime: Runtime) -> int:
    """Close every item past its closing time, exactly once; returns how many."""
    return 0
