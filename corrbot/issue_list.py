"""Read the group's issue list from CSV or XLSX (columns number,title[,category][,aliases])."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from corrbot.model import Issue

REQUIRED = ("number", "title")


class IssueListError(ValueError):
    """The file cannot be imported; the message names the row and value."""


@dataclass(frozen=True)
class IssueRow:
    number: int
    title: str
    category: str | None
    aliases: tuple[str, ...]


def _rows(path: Path) -> Iterator[tuple[int, dict[str, str]]]:
    suffix = path.suffix.lower()
    if suffix == ".csv":
        with path.open(newline="", encoding="utf-8-sig") as fh:
            reader = csv.reader(fh)
            try:
                yield from _with_header(reader)
            except UnicodeDecodeError as exc:
                raise IssueListError(
                    f"not UTF-8 text (byte {exc.object[exc.start]:#04x}): save it as CSV UTF-8"
                ) from None
            except csv.Error as exc:
                raise IssueListError(f"not a readable CSV file: {exc}") from None
    elif suffix == ".xlsx":
        from openpyxl import load_workbook

        try:
            book = load_workbook(path, read_only=True, data_only=True)
        except Exception as exc:  # zipfile, XML and openpyxl errors alike: not a workbook
            raise IssueListError(f"not a readable .xlsx workbook ({exc})") from None
        if not book.worksheets:
            raise IssueListError("the workbook has no worksheet")
        sheet = book.worksheets[0]
        cells = (
            ["" if v is None else str(v) for v in row] for row in sheet.iter_rows(values_only=True)
        )
        yield from _with_header(cells)
    else:
        raise IssueListError("expected a .csv or .xlsx file")


def _with_header(rows: Iterator[list[str]]) -> Iterator[tuple[int, dict[str, str]]]:
    header = [h.strip().lower() for h in next(rows, [])]
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise IssueListError(
            f"missing column {missing[0]!r} (columns: number,title[,category][,aliases])"
        )
    for line, row in enumerate(rows, start=2):
        if not any(cell.strip() for cell in row):
            continue
        yield line, {h: (row[i].strip() if i < len(row) else "") for i, h in enumerate(header)}


def read_issue_list(path: Path) -> list[IssueRow]:
    if not path.is_file():
        raise IssueListError("file not found" if not path.exists() else "not a file")
    result: list[IssueRow] = []
    seen: dict[int, int] = {}
    for line, row in _rows(path):
        raw = row["number"]
        try:
            number = int(float(raw)) if raw.replace(".0", "").isdigit() else int(raw)
        except ValueError:
            raise IssueListError(f"row {line}: number {raw!r} is not a whole number") from None
        if number < 1:
            raise IssueListError(f"row {line}: number {raw!r} is not 1 or more")
        if number in seen:
            raise IssueListError(
                f"row {line}: duplicate issue number {number} (also row {seen[number]})"
            )
        seen[number] = line
        if not row["title"]:
            raise IssueListError(f"row {line}: issue {number} has no title")
        aliases = tuple(a.strip() for a in row.get("aliases", "").split(";") if a.strip())
        result.append(IssueRow(number, row["title"], row.get("category") or None, aliases))
    return result


def import_issues(session: Session, group_id: int, rows: list[IssueRow]) -> tuple[int, int]:
    """Insert or update by number; returns (added, updated)."""
    existing = {
        i.number: i for i in session.scalars(select(Issue).where(Issue.group_id == group_id))
    }
    added = updated = 0
    for row in rows:
        issue = existing.get(row.number)
        if issue is None:
            issue = Issue(group_id=group_id, number=row.number)
            session.add(issue)
            added += 1
        else:
            updated += 1
        issue.title = row.title
        issue.category = row.category
        issue.aliases = ";".join(row.aliases)
    return added, updated


def list_issues(session: Session, group_id: int) -> list[Issue]:
    return list(
        session.scalars(select(Issue).where(Issue.group_id == group_id).order_by(Issue.number))
    )
