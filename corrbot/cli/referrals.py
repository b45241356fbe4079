"""`corrbot referrals list`: the referred items, their options and state."""

from __future__ import annotations

import click

from corrbot.cli.common import not_implemented


@click.group("referrals")
def referrals() -> None:
    """Referrals to the chair."""


@referrals.command("list")
def list_() -> None:
    """The referred items, their options and their state."""
    not_implemented("referrals list")
