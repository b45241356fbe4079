"""`corrbot ingest`: feed .eml, mbox and Maildir files through the live pipeline."""

from __future__ import annotations

import sys

import click

from corrbot.cli.common import runtime_of, user_errors
from corrbot.ingress.files import IngestSummary, SourceError, find_sources
from corrbot.ingress.files import ingest as run


@click.command("ingest")
@click.argument("files", nargs=-1, required=True)
@click.option("--no-deliver", is_flag=True, help="Import an archive: store and read, send nothing.")
@click.pass_context
@user_errors
def ingest(ctx: click.Context, files: tuple[str, ...], no_deliver: bool) -> None:
    """Feed FILES (.eml files, mbox files, Maildir folders) through the live pipeline."""
    try:
        sources = find_sources(files)
    except SourceError as exc:
        raise click.ClickException(str(exc)) from None
    runtime = runtime_of(ctx)
    _ = runtime.group_id  # a clean error now if `corrbot init` has not run
    summary: IngestSummary
    if sys.stderr.isatty():
        total = sum(s.size for s in sources)
        with click.progressbar(length=total, label="ingesting", file=sys.stderr) as bar:
            summary = run(runtime, sources, no_deliver=no_deliver, progress=bar.update)
            bar.update(total)  # the From_ lines of an mbox are not counted as read
    else:
        summary = run(runtime, sources, no_deliver=no_deliver)
    if not no_deliver:
        from corrbot.outbound.deliver import deliver_due

        deliver_due(runtime)
    click.echo(str(summary))
    if summary.failed:
        raise click.ClickException(
            f"{summary.failed} messages could not be stored (see the log); run ingest again"
        )
