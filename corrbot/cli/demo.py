"""`corrbot demo`: build an example group and play a correspondence through it."""

from __future__ import annotations

import click

from corrbot.cli.common import not_implemented


@click.command("demo")
@click.option("--dir", "directory", default="demo")
def demo(directory: str) -> None:
    """Build an example group in DIR and play a whole ToR calendar."""
    not_implemented("demo")
