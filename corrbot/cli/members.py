"""`corrbot members add|list`: manage members without email confirmation."""

from __future__ import annotations

import csv
import sys

import click

from corrbot.cli.common import runtime_of, user_errors
from corrbot.config import ROLES, STAKEHOLDER_GROUPS
from corrbot.db import transaction
from corrbot.members import MemberError, active_members, add_member


@click.group("members")
def members() -> None:
    """Manage the group's members (an operator's action, no confirmation)."""


@members.command("add")
@click.argument("email")
@click.option(
    "--name", required=True, metavar="NAME", help="The member's name, as reports show it."
)
@click.option(
    "--stakeholder",
    required=True,
    metavar="GROUP",
    help="Stakeholder group: " + ", ".join(STAKEHOLDER_GROUPS) + ".",
)
@click.option(
    "--role", default="member", show_default=True, metavar="ROLE", help=", ".join(ROLES) + "."
)
@click.option("--org", default=None, metavar="ORG", help="Organisation the member belongs to.")
@click.option("--country", default=None, metavar="CC", help="Two-letter country code, e.g. FR.")
@click.pass_context
@user_errors
def add(
    ctx: click.Context,
    email: str,
    name: str,
    stakeholder: str,
    role: str,
    org: str | None,
    country: str | None,
) -> None:
    """Add EMAIL as a member (or update an existing member)."""
    runtime = runtime_of(ctx)
    try:
        with transaction(runtime.sessions) as session:
            member = add_member(
                session,
                runtime.group_id,
                runtime.clock,
                email=email,
                name=name,
                stakeholder=stakeholder,
                role=role,
                org=org,
                country=country,
            )
            shown = member.display
    except MemberError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"added {shown} ({stakeholder}, {role})")


FIELDS = ("email", "name", "org", "country", "stakeholder", "role", "status", "digest")


@members.command("list")
@click.option(
    "--format", "fmt", type=click.Choice(["table", "csv"]), default="table", show_default=True,
    help="Output format.",
)  # fmt: skip
@click.pass_context
@user_errors
def list_(ctx: click.Context, fmt: str) -> None:
    """List the members who have not left, as a table or CSV."""
    runtime = runtime_of(ctx)
    with runtime.sessions() as session:
        rows = [
            [str(getattr(m, f) if getattr(m, f) is not None else "") for f in FIELDS]
            for m in active_members(session, runtime.group_id)
        ]
    if fmt == "csv":
        writer = csv.writer(sys.stdout)
        writer.writerow(FIELDS)
        writer.writerows(rows)
        return
    from corrbot.cli.table import print_table

    print_table(FIELDS, rows)
