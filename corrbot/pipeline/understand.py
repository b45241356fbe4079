"""PLACEHOLDER (understanding work replaces this): new text, tags, positions, mapping."""

from __future__ import annotations

from corrbot.pipeline.context import MessageContext


def understand(ctx: MessageContext) -> None:
    """Placeholder."""
