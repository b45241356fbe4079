"""PLACEHOLDER (intake work replaces this): JWZ threading."""

from __future__ import annotations

from corrbot.pipeline.context import MessageContext


def thread(ctx: MessageContext) -> None:
    """Link the message to its parent and thread."""
