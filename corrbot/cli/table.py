"""Plain aligned tables for terminal output."""

from __future__ import annotations

import re
from collections.abc import Sequence

import click

_BREAKS = re.compile(r"\s*[\r\n]+\s*")


def _cell(text: str, max_width: int) -> str:
    """One line per row: line breaks inside a value become spaces, long values are cut."""
    flat = _BREAKS.sub(" ", text).replace("\t", " ").strip()
    return flat if len(flat) <= max_width else flat[: max_width - 1] + "…"


def print_table(header: Sequence[str], rows: Sequence[Sequence[str]], max_width: int = 50) -> None:
    cells = [list(header), *[[_cell(c, max_width) for c in r] for r in rows]]
    widths = [max(len(row[i]) for row in cells) for i in range(len(header))]
    for n, row in enumerate(cells):
        click.echo("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip())
        if n == 0:
            click.echo("  ".join("-" * w for w in widths))
