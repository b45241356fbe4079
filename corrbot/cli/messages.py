"""`corrbot messages, archive export`: the archive, as a table or as raw mbox."""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime

import click

from corrbot.archive import FIELDS, archive_rows, export_mbox
from corrbot.cli.common import runtime_of, user_errors
from corrbot.cli.table import print_table
from corrbot.clock import to_utc_naive


def _since(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        return to_utc_naive(datetime.fromisoformat(value))
    except ValueError:
        raise click.BadParameter(
            f"{value!r} is not an ISO date-time", param_hint="--since"
        ) from None


@click.command("messages")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "csv", "json"]),
    default="table",
    show_default=True,
    help="Output format (json adds each message's new_text).",
)
@click.option(
    "--since",
    default=None,
    metavar="ISO-DATETIME",
    help="Only messages dated at or after this time.",
)
@click.pass_context
@user_errors
def messages(ctx: click.Context, fmt: str, since: str | None) -> None:
    """The archive, one row per message, in arrival order."""
    after = _since(since)
    runtime = runtime_of(ctx)
    with runtime.sessions() as session:
        rows = [
            row.as_dict(with_text=fmt == "json")
            for row in archive_rows(session, runtime.group_id, after)
        ]
    if fmt == "json":
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
    elif fmt == "csv":
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=FIELDS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
        click.echo(buffer.getvalue(), nl=False)
    else:
        print_table(FIELDS, [[row[name] for name in FIELDS] for row in rows])


@click.group("archive")
def archive() -> None:
    """The stored messages, as received."""


@archive.command("export")
@click.option(
    "-o",
    "output",
    required=True,
    metavar="FILE",
    type=click.Path(dir_okay=False, writable=True),
    help="The mbox file to write.",
)
@click.pass_context
@user_errors
def export(ctx: click.Context, output: str) -> None:
    """Every stored message as mbox, the exact bytes received, in arrival order."""
    runtime = runtime_of(ctx)
    try:
        with open(output, "wb") as out, runtime.sessions() as session:
            count = export_mbox(session, runtime.group_id, out)
    except OSError as exc:
        raise click.ClickException(f"cannot write {output}: {exc.strerror or exc}") from None
    click.echo(f"{count} messages written to {output}", err=True)
