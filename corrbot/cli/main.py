"""`corrbot [--config PATH] COMMAND …`: the entry point and the command table."""

from __future__ import annotations

import logging
import sys

import click

from corrbot.cli import (
    demo,
    export,
    ingest,
    issues,
    members,
    messages,
    referrals,
    report,
    serve,
    setup,
    tick,
)


@click.group()
@click.option(
    "--config",
    type=click.Path(dir_okay=False),
    default=None,
    help="Config file (default: $CORRBOT_CONFIG, else ./corrbot.toml).",
)
@click.option("-v", "--verbose", is_flag=True, help="Log what happens.")
@click.version_option(package_name="corrbot")
def cli(config: str | None, verbose: bool) -> None:
    """corrbot: run a correspondence group by email."""
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING,
        format="%(asctime)s %(name)s %(levelname)s %(message)s",
        stream=sys.stderr,
    )


for command in (
    setup.init,
    serve.serve,
    ingest.ingest,
    members.members,
    issues.issues,
    tick.tick,
    report.report,
    export.export,
    referrals.referrals,
    messages.messages,
    messages.archive,
    demo.demo,
):
    cli.add_command(command)


def main() -> None:
    cli(prog_name="corrbot")


if __name__ == "__main__":
    main()
