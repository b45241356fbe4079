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
    """Run the command line; an error no command foresaw is still one line, never a traceback."""
    try:
        cli(prog_name="corrbot")
    except Exception as exc:  # the last resort: every foreseen error is a ClickException
        logging.getLogger("corrbot.cli").info("unexpected error", exc_info=True)
        lines = str(exc).strip().splitlines()
        detail = f"{type(exc).__name__}: {lines[0]}" if lines else type(exc).__name__
        click.echo(f"Error: {detail} (corrbot -v … shows more)", err=True)
        sys.exit(1)


if __name__ == "__main__":
    main()
