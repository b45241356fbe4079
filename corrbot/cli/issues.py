"""`corrbot issues import|list`: the group's issue list."""

from __future__ import annotations

from pathlib import Path

import click

from corrbot.cli.common import runtime_of, user_errors
from corrbot.cli.table import print_table
from corrbot.db import transaction
from corrbot.issue_list import IssueListError, import_issues, list_issues, read_issue_list


@click.group("issues")
def issues() -> None:
    """Load or show the group's issue list."""


@issues.command("import")
@click.argument("file", type=click.Path(path_type=Path))
@click.pass_context
@user_errors
def import_(ctx: click.Context, file: Path) -> None:
    """Import FILE (.csv or .xlsx; columns number,title[,category][,aliases])."""
    runtime = runtime_of(ctx)
    try:
        rows = read_issue_list(file)
    except IssueListError as exc:
        raise click.ClickException(f"{file}: {exc}") from None
    with transaction(runtime.sessions) as session:
        added, updated = import_issues(session, runtime.group_id, rows)
    noun = "issue" if len(rows) == 1 else "issues"
    click.echo(f"imported {len(rows)} {noun} from {file}: {added} new, {updated} updated")


@issues.command("list")
@click.pass_context
@user_errors
def list_(ctx: click.Context) -> None:
    """Show the issue list."""
    runtime = runtime_of(ctx)
    with runtime.sessions() as session:
        rows = [
            [str(i.number), i.title, i.category or "", "; ".join(i.alias_list)]
            for i in list_issues(session, runtime.group_id)
        ]
    print_table(("number", "title", "category", "aliases"), rows, max_width=70)
