"""`corrbot tick [--as-of ISO-DATETIME]`: do all work that is due, exactly once."""

from __future__ import annotations

import click

from corrbot.cli.common import parse_as_of, runtime_of, settings_of, user_errors
from corrbot.tick import run_tick


@click.command("tick")
@click.option(
    "--as-of",
    default=None,
    metavar="ISO-DATETIME",
    help="Act as of this time, e.g. 2013-11-29T17:00:00, in [group] timezone unless it "
    "has an offset (default: now).",
)
@click.pass_context
@user_errors
def tick(ctx: click.Context, as_of: str | None) -> None:
    """Close items, send referrals and due reports, retry deliveries."""
    zone = settings_of(ctx).group.timezone
    runtime = runtime_of(ctx, parse_as_of(as_of, zone))
    click.echo(str(run_tick(runtime)))
