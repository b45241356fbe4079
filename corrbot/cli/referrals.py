"""`corrbot referrals list`: the referred items, their options and state."""

from __future__ import annotations

import csv
import json
import sys

import click

from corrbot.cli.common import runtime_of, user_errors
from corrbot.cli.table import print_table
from corrbot.consensus.holders import Holder
from corrbot.consensus.listing import ReferralRow, list_referrals

HEADER = (
    "referral", "item", "title", "reason", "state", "decision", "decided_at",
    "option", "text", "supporters", "objectors", "abstainers",
)  # fmt: skip


@click.group("referrals")
def referrals() -> None:
    """Items referred to the chair, with their options and decisions."""


def _names(holders: list[Holder], full: bool = True) -> str:
    if not full:  # on screen: names only, so that a row stays readable
        return "; ".join(h.name for h in holders)
    return "; ".join(_holder(h) for h in holders)


def _holder(h: Holder) -> str:
    """'Name (Org, stakeholder)', and 'on behalf of X' as the reports attribute it."""
    about = ", ".join(p for p in (h.org, h.stakeholder) if p)
    behalf = f", on behalf of {h.on_behalf_of}" if h.on_behalf_of else ""
    return f"{h.name} ({about}){behalf}"


def _rows(found: list[ReferralRow], full: bool = True) -> list[list[str]]:
    """One row per option; a referral's own columns on each (csv) row."""
    rows = []
    for r in found:
        decided = r.decided_at.isoformat(timespec="seconds") if r.decided_at else ""
        if not full:  # on screen: the day is enough
            decided = decided[:10]
        head = [
            str(r.id), f"{r.kind} {r.item_id}", r.title, r.reason, r.state, r.decision or "",
            decided,
        ]  # fmt: skip
        for o in r.options or []:
            rows.append(
                [*head, o.letter, o.text, _names(o.supporters, full),
                 _names(o.objectors, full), _names(o.abstainers, full)]
            )  # fmt: skip
        if not r.options:
            rows.append([*head, "", "", "", "", ""])
    return rows


@referrals.command("list")
@click.option(
    "--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table",
    show_default=True, help="Output format.",
)  # fmt: skip
@click.pass_context
@user_errors
def list_(ctx: click.Context, fmt: str) -> None:
    """The referred items, their options and their state."""
    runtime = runtime_of(ctx)
    with runtime.sessions() as session:
        found = list_referrals(session, runtime.group_id)
    if fmt == "json":
        click.echo(json.dumps([r.as_json() for r in found], indent=2, ensure_ascii=False))
        return
    rows = _rows(found, full=fmt == "csv")
    if fmt == "csv":
        writer = csv.writer(sys.stdout)
        writer.writerow(HEADER)
        writer.writerows(rows)
        return
    if not found:
        click.echo("No item has been referred.")
        return
    # On screen, a referral's columns are shown once, on its first option's row.
    shown, last = [], None
    for row in rows:
        key = row[0]
        shown.append(row if key != last else ["", "", "", "", "", "", "", *row[7:]])
        last = key
    print_table(HEADER, shown, max_width=60)
