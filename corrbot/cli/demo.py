"""`corrbot demo [--dir DIR]`: build an example group and play a correspondence through it."""

from __future__ import annotations

from pathlib import Path

import click

from corrbot.cli.common import user_errors


@click.command("demo")
@click.option(
    "--dir",
    "directory",
    default="demo",
    show_default=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder for the demo group (created; a previous demo there is replaced).",
)
@user_errors
def demo(directory: Path) -> None:
    """Build an example group in DIR and play a whole ToR calendar through the listener."""
    from corrbot.demo.script import DemoError, run_demo
    from corrbot.demo.summary import summarise

    try:
        result = run_demo(directory)
    except DemoError as exc:
        raise click.ClickException(str(exc)) from None
    summarise(result.config, result.maildir, click.echo)
