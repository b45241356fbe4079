"""`corrbot ingest`: feed .eml, mbox and Maildir files through the live pipeline."""

from __future__ import annotations

import click

from corrbot.cli.common import not_implemented


@click.command("ingest")
@click.argument("files", nargs=-1, required=True)
@click.option("--no-deliver", is_flag=True, help="Import an archive: store and read, send nothing.")
def ingest(files: tuple[str, ...], no_deliver: bool) -> None:
    """Feed FILES through the same pipeline as live mail."""
    not_implemented("ingest")
