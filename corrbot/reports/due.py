"""PLACEHOLDER (reports work replaces this)."""

from __future__ import annotations

from corrbot.runtime import Runtime


def send_due(runtime: Runtime) -> int:
    """Claim and queue every report due as of the runtime's clock; returns how many."""
    return 0
