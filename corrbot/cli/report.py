"""`corrbot report preview`: print a report without sending it."""

from __future__ import annotations

import click

from corrbot.cli.common import not_implemented


@click.group("report")
def report() -> None:
    """Reports."""


@report.command("preview")
@click.argument("kind")
@click.option("--as-of", default=None)
def preview(kind: str, as_of: str | None) -> None:
    """Print the report KIND would send, sending nothing."""
    not_implemented("report preview")
