"""`corrbot export mapping`: the mapping table as csv, xlsx or html."""

from __future__ import annotations

import click

from corrbot.cli.common import not_implemented


@click.group("export")
def export() -> None:
    """Export tables."""


@export.command("mapping")
@click.option("--format", "fmt", type=click.Choice(["csv", "xlsx", "html"]), required=True)
@click.option("-o", "output", required=True)
def mapping(fmt: str, output: str) -> None:
    """One row per mapping entry."""
    not_implemented("export mapping")
