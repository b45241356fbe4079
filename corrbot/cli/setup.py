"""`corrbot init`: create or upgrade the schema and load the group from the config."""

from __future__ import annotations

import click

from corrbot.cli.common import runtime_of, user_errors
from corrbot.db import transaction
from corrbot.groups import sync_group
from corrbot.migrate import upgrade


@click.command("init")
@click.pass_context
@user_errors
def init(ctx: click.Context) -> None:
    """Create or upgrade the database and load the group from the config (safe to rerun)."""
    runtime = runtime_of(ctx)
    upgrade(runtime.engine)
    with transaction(runtime.sessions) as session:
        group = sync_group(session, runtime.settings, runtime.clock)
        name = group.name
    click.echo(f"initialised {name} <{runtime.addresses.post}> in {runtime.settings.database_url}")
