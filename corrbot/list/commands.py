"""PLACEHOLDER (list work replaces this)."""

from __future__ import annotations

from corrbot.pipeline.context import MessageContext


def answer(ctx: MessageContext) -> None:
    """Placeholder."""
