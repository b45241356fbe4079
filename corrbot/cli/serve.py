"""`corrbot serve`: run listener, poller, scheduler and delivery in one process."""

from __future__ import annotations

import click

from corrbot.cli.common import not_implemented


@click.command("serve")
def serve() -> None:
    """Run everything until SIGTERM/SIGINT."""
    not_implemented("serve")
