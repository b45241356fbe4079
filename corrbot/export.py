"""The mapping table, one row per mapping entry, as CSV, an XLSX workbook or one HTML page.

Columns (SPEC "Command line", `corrbot export mapping`): issue number, issue title,
mechanism, body, status, gap, consensus state, contributors, and last the agreed
text (the option the WG chose, where it was free text rather than fields). The
HTML page is self-contained (styles inline in the page, no external resources),
with one table per issue, and stays inside a phone's width.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from datetime import datetime
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet
from sqlalchemy.orm import Session

from corrbot.reports.mapping import IssueMapping, load_mapping
from corrbot.templating import Renderer

COLUMNS = (
    "issue number",
    "issue title",
    "mechanism",
    "body",
    "status",
    "gap",
    "consensus state",
    "contributors",
    "agreed text",
)
FORMATS = ("csv", "xlsx", "html")


def rows(mapping: Sequence[IssueMapping]) -> list[list[str | int]]:
    return [
        [
            issue.number,
            issue.title,
            e.mechanism,
            e.body,
            e.status,
            e.gap,
            e.state,
            "; ".join(e.contributors),
            e.agreed,
        ]
        for issue in mapping
        for e in issue.entries
    ]


def csv_text(mapping: Sequence[IssueMapping]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    writer.writerows(rows(mapping))
    return out.getvalue()


def _sheet(sheet: Worksheet, header: Sequence[str], data: list[list[str | int]]) -> None:
    sheet.append(list(header))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in data:
        sheet.append(row)
    for index, column in enumerate(sheet.columns, start=1):
        letter = get_column_letter(index)
        longest = max((len(str(c.value or "")) for c in column), default=8)
        sheet.column_dimensions[letter].width = min(max(longest + 2, 8), 60)
        for c in column[1:]:
            c.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "A2"


def workbook(
    mapping: Sequence[IssueMapping],
    extra: Mapping[str, tuple[Sequence[str], list[list[str | int]]]],
) -> Workbook:
    """Sheet "Mapping" (one row per entry), "Issues" (one per issue), then `extra` sheets."""
    book = Workbook()
    main = book.active
    assert main is not None
    main.title = "Mapping"
    _sheet(main, COLUMNS, rows(mapping))
    summary: list[list[str | int]] = [
        [i.number, i.title, i.category, len(i.mechanisms), i.status_known, "; ".join(i.gaps)]
        for i in mapping
    ]
    _sheet(
        book.create_sheet("Issues"),
        ("issue", "title", "category", "mechanisms", "status known", "gaps"),
        summary,
    )
    for title, (header, data) in extra.items():
        _sheet(book.create_sheet(title[:31]), header, data)
    return book


def xlsx_bytes(
    mapping: Sequence[IssueMapping],
    extra: Mapping[str, tuple[Sequence[str], list[list[str | int]]]] | None = None,
) -> bytes:
    out = io.BytesIO()
    workbook(mapping, extra or {}).save(out)
    return out.getvalue()


def html_page(
    renderer: Renderer, mapping: Sequence[IssueMapping], *, title: str, generated: str
) -> str:
    return renderer.render(
        "reports/mapping-page.html.j2", mapping=mapping, title=title, generated=generated
    )


def export_mapping(
    session: Session,
    group_id: int,
    renderer: Renderer,
    *,
    fmt: str,
    path: Path,
    group_name: str,
    now: datetime,
) -> int:
    """Write the table to `path`; returns the number of mapping entries written."""
    if fmt not in FORMATS:
        raise ValueError(f"format {fmt!r} is not one of {', '.join(FORMATS)}")
    mapping = load_mapping(session, group_id)
    if fmt == "csv":
        path.write_text(csv_text(mapping), encoding="utf-8", newline="")
    elif fmt == "xlsx":
        path.write_bytes(xlsx_bytes(mapping))
    else:
        page = html_page(
            renderer,
            mapping,
            title=f"{group_name}: mapping",
            generated=now.strftime("%Y-%m-%d %H:%M UTC"),
        )
        path.write_text(page, encoding="utf-8")
    return sum(len(i.entries) for i in mapping)
