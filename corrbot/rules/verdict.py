"""What a rule decides about a message: the route it takes, its status and why."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from corrbot.pipeline.context import MessageContext


@dataclass(frozen=True)
class Verdict:
    route: str  # a route of pipeline/runner.py; any other name runs no handler
    status: str  # SPEC's message status: accepted, held, command, bounce, dropped …
    reason: str


Rule = Callable[[MessageContext], "Verdict | None"]


def header_values(ctx: MessageContext, name: str) -> list[str]:
    """Every value of a header in the parsed message, as text (none when unparsed)."""
    parsed = ctx.parsed
    if parsed is None:
        return []
    values = parsed.get_all(name) or []
    return [str(v) for v in values]
