"""`corrbot report preview KIND [--as-of …]`: print a report without sending it."""

from __future__ import annotations

import click

from corrbot.cli.common import parse_as_of, runtime_of, settings_of, user_errors
from corrbot.reports.preview import KINDS, UnknownKind, preview


@click.group("report")
def report() -> None:
    """Preview the reports that deadlines and digests send."""


@report.command("preview")
@click.argument("kind")
@click.option(
    "--as-of",
    default=None,
    metavar="ISO-DATETIME",
    help="Report as of this time, e.g. 2013-11-29T17:00:00, in [group] timezone unless it "
    "has an offset (default: now).",
)
@click.pass_context
@user_errors
def preview_cmd(ctx: click.Context, kind: str, as_of: str | None) -> None:
    """Print the report KIND would send (plain text), sending nothing.

    KIND is a deadline kind (update-report, initial-output, final-document),
    digest (the coordinators') or member-digest.
    """
    zone = settings_of(ctx).group.timezone
    runtime = runtime_of(ctx, parse_as_of(as_of, zone))
    try:
        rendered = preview(runtime, kind)
    except UnknownKind:
        raise click.BadParameter(
            f"{kind!r} is not one of {', '.join(KINDS)}", param_hint="KIND"
        ) from None
    click.echo(f"Subject: {rendered.subject}\n")
    click.echo(rendered.text, nl=False)
