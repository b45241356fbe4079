"""PLACEHOLDER (list work replaces this): deliver due outbox rows."""

from __future__ import annotations

from corrbot.runtime import Runtime


def deliver_due(runtime: Runtime) -> int:
    """Deliver queued rows whose time has come; returns how many were sent."""
    return 0
