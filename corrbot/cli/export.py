"""`corrbot export mapping --format csv|xlsx|html -o FILE`: the mapping table."""

from __future__ import annotations

from pathlib import Path

import click

from corrbot.cli.common import runtime_of, user_errors
from corrbot.export import FORMATS, export_mapping


@click.group("export")
def export() -> None:
    """Export the mapping table (CSV, XLSX or HTML)."""


@export.command("mapping")
@click.option("--format", "fmt", type=click.Choice(FORMATS), required=True, help="File format.")
@click.option(
    "-o",
    "output",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    metavar="FILE",
    help="The file to write.",
)
@click.pass_context
@user_errors
def mapping(ctx: click.Context, fmt: str, output: Path) -> None:
    """Write the mapping table to FILE: one row per mapping entry."""
    runtime = runtime_of(ctx)
    if not output.parent.is_dir():
        raise click.ClickException(f"cannot write {output}: folder {output.parent} does not exist")
    with runtime.sessions() as session:
        try:
            count = export_mapping(
                session,
                runtime.group_id,
                runtime.renderer,
                fmt=fmt,
                path=output,
                group_name=runtime.settings.group.name,
                now=runtime.clock.now(),
            )
        except OSError as exc:
            raise click.ClickException(f"cannot write {output}: {exc.strerror}") from None
    click.echo(f"wrote {count} mapping entries to {output}")
