"""`corrbot messages, archive export`: the archive, as a table or as raw mbox."""

from __future__ import annotations

import click

from corrbot.cli.common import not_implemented


@click.command("messages")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table")
@click.option("--since", default=None)
def messages(fmt: str, since: str | None) -> None:
    """The archive, one row per message."""
    not_implemented("messages")


@click.group("archive")
def archive() -> None:
    """The raw archive."""


@archive.command("export")
@click.option("-o", "output", required=True)
def export(output: str) -> None:
    """Every stored message as mbox, the exact bytes received, in arrival order."""
    not_implemented("archive export")
