"""`corrbot report preview` and `corrbot export mapping` through the real command line."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook
from sqlalchemy import func, select

from corrbot.cli.main import cli
from corrbot.export import COLUMNS
from corrbot.model import OutboxEntry, Report
from corrbot.runtime import Runtime
from tests.reports.seed import mapping_entry, post, referral, setup_group
from tests.reports.test_calendar import CALENDAR

Run = Callable[..., tuple[int, str]]


@pytest.fixture
def group(make_runtime: Callable[..., Runtime], sqlite_url: str, tmp_path: Path) -> Runtime:
    runtime = make_runtime(sqlite_url, CALENDAR)
    g = setup_group(runtime)
    at = datetime(2013, 11, 5, 10)
    m = post(
        g,
        "marilia@nupef.org.br",
        "[b] Spam: LAP",
        at,
        tasks=("b",),
        issues=(3,),
        on_behalf_of="Best Bits",
    )
    item = mapping_entry(g, m, 3, "London Action Plan", "partially", at, body="LAP", gap="Coverage")
    referral(
        g,
        item,
        datetime(2013, 11, 20),
        {"B": "OECD toolkit"},
        [("k.weber@telco.example.de", "object", None)],
    )
    m2 = post(g, "k.weber@telco.example.de", "[b] Domain names", at, tasks=("b",), issues=(7,))
    mapping_entry(g, m2, 7, "ICANN", "addressing", at, state="consensus")
    post(g, "ines.duarte@ulisboa.example.pt", "A question", datetime(2013, 11, 6))
    return runtime


@pytest.fixture
def run(group: Runtime, tmp_path: Path) -> Run:
    def invoke(*args: str) -> tuple[int, str]:
        result = CliRunner().invoke(cli, ["--config", str(tmp_path / "corrbot.toml"), *args])
        assert "Traceback" not in result.output
        return result.exit_code, result.output

    return invoke


def _nothing_claimed(runtime: Runtime) -> bool:
    with runtime.sessions() as session:
        return not session.scalar(select(func.count()).select_from(Report)) and not session.scalar(
            select(func.count()).select_from(OutboxEntry)
        )


def test_preview_prints_and_sends_nothing(run: Run, group: Runtime) -> None:
    code, out = run("report", "preview", "update-report", "--as-of", "2013-11-29T17:00:00")
    assert code == 0, out
    assert out.startswith("Subject: [Test Correspondence Group] Update report update-1: 3 contrib")
    assert "Contributions in the period: 3 accepted posts" in out
    assert "on behalf of Best Bits [civil-society]" in out
    code, out = run("report", "preview", "final-document", "--as-of", "2014-02-12T17:00:00")
    assert code == 0 and "PART 2. ITEMS REFERRED" in out and "Option B: OECD toolkit" in out
    code, out = run("report", "preview", "digest", "--as-of", "2013-11-06T08:00:00")
    assert code == 0 and "coordinators' digest for 2013-11-06" in out and "A question" in out
    assert _nothing_claimed(group)


def test_preview_refuses_an_unknown_kind(run: Run) -> None:
    code, out = run("report", "preview", "weekly")
    assert code != 0 and "'weekly' is not one of update-report" in out
    code, out = run("report", "preview", "digest", "--as-of", "yesterday")
    assert code != 0 and "'yesterday' is not an ISO date-time" in out


def test_export_mapping_in_three_formats(run: Run, tmp_path: Path) -> None:
    code, out = run("export", "mapping", "--format", "csv", "-o", str(tmp_path / "m.csv"))
    assert code == 0 and "wrote 2 mapping entries" in out
    rows = list(csv.reader(io.StringIO((tmp_path / "m.csv").read_text())))
    assert tuple(rows[0]) == COLUMNS
    # SPEC's words: issue number, issue title, mechanism, body, status, gap,
    # consensus state, contributors (then the agreed text of a decided option)
    assert rows[0][:8] == [
        "issue number", "issue title", "mechanism", "body", "status", "gap",
        "consensus state", "contributors",
    ]  # fmt: skip
    assert rows[1] == [
        "3",
        "Spam",
        "London Action Plan",
        "LAP",
        "partially",
        "Coverage",
        "referred",
        "Marília Santos (Nupef Institute); on behalf of Best Bits",
        "",  # agreed text: only for an entry decided for a free-text option
    ]
    assert rows[2][:7] == [
        "7",
        "Management of domain names and IP addresses",
        "ICANN",
        "",
        "addressing",
        "",
        "consensus",
    ]
    assert run("export", "mapping", "--format", "xlsx", "-o", str(tmp_path / "m.xlsx"))[0] == 0
    sheet = load_workbook(tmp_path / "m.xlsx")["Mapping"]
    assert [c.value for c in sheet[2]][:3] == [3, "Spam", "London Action Plan"]
    assert run("export", "mapping", "--format", "html", "-o", str(tmp_path / "m.html"))[0] == 0
    page = (tmp_path / "m.html").read_text()
    assert (
        page.count("<table") == 1
        and "<script" not in page
        and "http" not in page.split("<body>")[0]
    )
    assert 'id="issue-8"' in page  # every issue has an anchor, with or without entries
    # the mapping table: one row per entry, in SPEC's columns, as in the CSV
    head = re.findall(r"<th>([^<]*)</th>", page)
    assert [h.lower() for h in head] == list(COLUMNS)
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", page.split("<tbody>")[1], re.S)
    assert len(rows) == 2
    assert re.findall(r"<td[^>]*>([^<]*)</td>", rows[0])[:3] == ["3", "Spam", "London Action Plan"]


def test_export_mapping_names_a_bad_output(run: Run, tmp_path: Path) -> None:
    code, out = run("export", "mapping", "--format", "csv", "-o", str(tmp_path / "no" / "m.csv"))
    assert code != 0 and "does not exist" in out
    code, out = run("export", "mapping", "--format", "pdf", "-o", str(tmp_path / "m.pdf"))
    assert code != 0 and "pdf" in out
