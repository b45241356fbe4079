"""A whole ToR calendar driven by `run_tick`: three update reports, the initial output
and the final document, each queued once to the Chair, the coordinators and the list,
however often the tick runs; and each saying what happened.

The conversation is put in the store directly (tests/reports/seed.py), so that these
tests check the reports and not how mail is read.
"""

from __future__ import annotations

import io
import re
from datetime import datetime
from typing import Any

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from corrbot.export import COLUMNS
from corrbot.model import Report
from corrbot.runtime import Runtime
from corrbot.tick import run_tick
from tests.reports.seed import (
    CALENDAR,
    Group,
    decide,
    mapping_entry,
    parsed,
    post,
    referral,
    report_mail,
    setup_group,
    text_of,
)

RECIPIENTS = ["cg@lists.example.org", "chair@example.org", "coordinator@example.org"]
MARILIA, KARL, JIMSON = (
    "marilia@nupef.org.br",
    "k.weber@telco.example.de",
    "jimson.olufemi@commtech.gov.ng",
)
INES, RAJIV, ANNE = (
    "ines.duarte@ulisboa.example.pt",
    "r.mehta@deity.gov.in",
    "anriette@apc.example.org",
)


def period_1(g: Group) -> list[int]:
    """Who said what when, up to update-1; returns the row ids of the accepted posts."""
    d = datetime
    p1 = [
        post(
            g,
            "coordinator@example.org",
            "[a] Welcome, and how we will work",
            d(2013, 10, 3, 9),
            tasks=("a",),
        ),
        lap := post(
            g,
            MARILIA,
            "[b] Spam: the London Action Plan",
            d(2013, 10, 8, 14),
            tasks=("b",),
            issues=(3,),
            on_behalf_of="Best Bits coalition",
        ),
        post(
            g,
            KARL,
            "Re: [b] Spam: the London Action Plan",
            d(2013, 10, 9, 8),
            tasks=("b",),
            issues=(3,),
        ),
        bud := post(
            g,
            JIMSON,
            "[c] Status of the Budapest Convention",
            d(2013, 10, 15, 11),
            tasks=("c",),
            issues=(2,),
        ),
        post(g, INES, "A question on method", d(2013, 10, 20, 16)),
        post(
            g,
            RAJIV,
            "PROPOSAL: treat multilingualism under capacity building",
            d(2013, 11, 2, 10),
            tasks=("a",),
            issues=(1, 4),
        ),
        c108 := post(
            g,
            ANNE,
            "[b] Privacy: Council of Europe Convention 108",
            d(2013, 11, 20, 12),
            tasks=("b",),
            issues=(5,),
        ),
    ]
    # Not contributions: a held post, a command, a rejected post.
    post(g, "stranger@example.net", "Buy now", d(2013, 11, 10), status="held")
    post(g, KARL, "help", d(2013, 11, 12), status="command", purpose="request")
    post(g, "spam@example.net", "Spam", d(2013, 11, 13), status="rejected")
    g.lap_item = mapping_entry(
        g,
        lap,
        3,
        "London Action Plan",
        "partially",
        d(2013, 10, 8, 14),  # type: ignore[attr-defined]
        body="LAP",
        gap="Few developing countries take part",
        # still open at update-1 (closing would decide it); referred by hand on 5 December
        closes_at=d(2013, 12, 2),
    )
    mapping_entry(
        g,
        bud,
        2,
        "Budapest Convention on Cybercrime",
        "partially",
        d(2013, 10, 15, 11),
        body="Council of Europe",
        gap="Not ratified by most developing countries",
        state="consensus",
    )
    mapping_entry(
        g, c108, 5, "Convention 108", "addressing", d(2013, 11, 20, 12), body="Council of Europe"
    )
    return p1


def period_2(g: Group) -> list[int]:
    d = datetime
    p2 = [
        icann := post(
            g, KARL, "[b] Domain names: ICANN", d(2013, 11, 29, 18), tasks=("b",), issues=(7,)
        ),
        post(
            g,
            MARILIA,
            "[d] Gaps in affordable access",
            d(2013, 12, 12, 9),
            tasks=("d",),
            issues=(8,),
            on_behalf_of="APC",
        ),
        post(g, INES, "Re: A question on method", d(2013, 12, 20, 10)),
    ]
    mapping_entry(g, icann, 7, "ICANN", "addressing", d(2013, 11, 29, 18), body="multistakeholder")
    g.lap_ref = referral(
        g,
        g.lap_item,
        d(2013, 12, 5),
        {"B": "OECD Anti-Spam Toolkit"},  # type: ignore[attr-defined]
        [(KARL, "object", None), (RAJIV, "support", "B"), (MARILIA, "support", None)],
    )
    return p2


def period_3(g: Group) -> list[int]:
    d = datetime
    p3 = [
        cop := post(
            g,
            JIMSON,
            "[d] Gaps in child online protection",
            d(2014, 1, 10, 9),
            tasks=("d",),
            issues=(6,),
        ),
        post(
            g,
            ANNE,
            "[c] More on privacy",
            d(2014, 1, 20, 15),
            tasks=("c",),
            issues=(5,),
            on_behalf_of="APC",
        ),
    ]
    mapping_entry(
        g,
        cop,
        6,
        "ITU Child Online Protection initiative",
        "partially",
        d(2014, 1, 10, 9),
        gap="No binding commitments",
    )
    decide(g, g.lap_ref, "B", d(2014, 1, 15), note="The WGEC prefers the OECD toolkit")  # type: ignore[attr-defined]
    return p3


PHASES = {"update-1": period_1, "update-2": period_2, "update-3": period_3}


def message_ids(runtime: Runtime, rows: list[int]) -> list[str]:
    from corrbot.model import Message

    with runtime.sessions() as session:
        return [m.message_id for m in session.scalars(select(Message).where(Message.id.in_(rows)))]


def tick_at(runtime: Runtime, when: datetime, times: int = 2) -> None:
    runtime.clock.at = when  # type: ignore[attr-defined]
    for _ in range(times):
        run_tick(runtime, deliver=False)


@pytest.fixture
def calendar(make_runtime: Any, sqlite_url: str) -> tuple[Runtime, Group]:
    runtime = make_runtime(sqlite_url, CALENDAR)
    return runtime, setup_group(runtime)


SCHEDULE = {
    "update-1": datetime(2013, 11, 29, 17, 0),
    "update-2": datetime(2014, 1, 3, 17, 0),
    "initial-output": datetime(2014, 1, 7, 17, 1),
    "update-3": datetime(2014, 1, 31, 17, 5),
    "final-document": datetime(2014, 2, 12, 17, 0),
}


def play(
    runtime: Runtime, g: Group, until: str = "final-document", times: int = 2
) -> dict[str, list[int]]:
    """Play the conversation period by period, ticking at each deadline up to `until`."""
    played = {}
    for key, when in SCHEDULE.items():
        if key in g.played:
            continue
        g.played.add(key)
        if key in PHASES:
            played[key] = PHASES[key](g)
        tick_at(runtime, when, times)
        if key == until:
            break
    return played


def _report_text(runtime: Runtime, key: str) -> str:
    rows = report_mail(runtime, key)
    assert rows, f"no {key} queued"
    return text_of(rows[0])


def test_each_report_is_queued_once_at_its_deadline(calendar: tuple[Runtime, Group]) -> None:
    runtime, g = calendar
    g.played.add("update-1")
    period_1(g)
    tick_at(runtime, datetime(2013, 11, 29, 16, 59))
    assert report_mail(runtime, "update-1") == []
    tick_at(runtime, SCHEDULE["update-1"], times=3)
    play(runtime, g, times=3)
    # The Chair, the coordinators and the list address, and a copy for every member:
    # the list address does not pass corrbot's own mail on.
    everyone = sorted({*RECIPIENTS, *g.members})
    for key in SCHEDULE:
        rows = report_mail(runtime, key)
        assert [r.recipient for r in rows] == everyone, key
        assert {r.dedupe_key for r in rows} == {f"report:{key}|{r}" for r in everyone}
        assert len({r.message_id for r in rows}) == 1  # one email, a copy for each
        to = {a.strip() for a in str(parsed(rows[0])["To"]).split(",")}
        assert to == set(RECIPIENTS)
    tick_at(runtime, datetime(2014, 3, 1))
    with runtime.sessions() as session:
        reports = {
            r.key: r
            for r in session.scalars(select(Report))
            if not r.key.startswith(("digest", "member-digest"))
        }
    assert set(reports) == set(SCHEDULE)
    assert all(r.sent_at is not None and not r.late for r in reports.values())
    assert reports["update-2"].period_start == reports["update-1"].period_end
    assert reports["update-1"].period_end == datetime(2013, 11, 29, 17)
    assert reports["update-3"].period_start == datetime(2014, 1, 3, 17)
    for key in SCHEDULE:
        assert len(report_mail(runtime, key)) == len(everyone)


def test_update_reports_list_every_contribution_once(calendar: tuple[Runtime, Group]) -> None:
    runtime, g = calendar
    periods = play(runtime, g, until="update-3")
    for key, rows in periods.items():
        text = _report_text(runtime, key)
        wanted = message_ids(runtime, rows)
        listed = re.findall(r"<([^<>\s]+@mail\.example)>", text)
        assert sorted(set(listed)) == sorted(wanted), key
        assert f"Contributions in the period: {len(rows)} accepted post" in text
        subject = str(parsed(report_mail(runtime, key)[0])["Subject"])
        assert f"Update report {key}: {len(rows)} contributions" in subject
    one = _report_text(runtime, "update-1")
    section = one.split("1. CONTRIBUTIONS")[1].split("2. MAPPING")[0]
    # attribution: sender, organisation, on-behalf-of, stakeholder group
    assert (
        "Marília Santos <marilia@nupef.org.br>, Nupef Institute, "
        "on behalf of Best Bits coalition [civil-society]"
    ) in section
    assert "Buy now" not in one and "help" not in section and "Spam\r\n" not in section
    # grouped by task, then issue; a post naming two issues is under both; untagged listed
    assert re.search(r"Task \(a\) Review the identified.*: 2 posts", section)
    assert "  Issue #1 Multilingualism and local content (1)" in section
    assert "  Issue #4 Capacity building for Internet governance (1)" in section
    assert "  Issue #3 Spam (2)" in section
    assert "Untagged (no task or issue named): 1 post" in section
    # mapping progress as it stood at the deadline
    assert "3 new mapping entries in the period" in one
    assert "Not ratified by most developing countries" in one
    assert "No mechanism named yet for 5 issues" in one
    assert "ICANN" not in one
    items = one.split("3. ITEMS")[1]
    assert re.search(r"Reached consensus in the period \(1\):\r?\n  - #2: Budapest", items)
    open_part = items.split("Open, closing soonest first (2):")[1].split("Referred")[0]
    assert open_part.index("London Action Plan") < open_part.index("Convention 108")
    participation = one.split("4. PARTICIPATION")[1]
    assert re.search(r"civil-society\s+2\s+2\s+2", participation)
    assert "Not yet contributed" not in participation
    two = _report_text(runtime, "update-2")
    assert "Referred to the Chair in the period (1):" in two
    assert re.search(
        r"Option B: OECD Anti-Spam Toolkit\r?\n\s+support: government: Rajiv Mehta", two
    )
    assert re.search(
        r"Option A: London Action Plan\r?\n\s+support: civil-society: Marília Santos\r?\n"
        r"\s+object:  private-sector: Karl Weber",
        two,
    )
    three = _report_text(runtime, "update-3")
    assert "Decisions of the Working Group in the period (1):" in three
    assert "decision B (OECD Anti-Spam Toolkit). The WGEC prefers the OECD toolkit" in three
    assert "Association for Progressive Communications, on behalf of APC" in three
    assert (
        "Not yet contributed in this period: private-sector, academic-technical, "
        "intergovernmental." in three
    )


def test_mapping_documents_and_their_attachments(calendar: tuple[Runtime, Group]) -> None:
    runtime, g = calendar
    play(runtime, g, until="initial-output")
    initial = report_mail(runtime, "initial-output")[0]
    text = text_of(initial)
    numbers = [int(n) for n in re.findall(r"^Issue #(\d+) ", text, re.M)]
    assert numbers == list(range(1, 9))  # every issue, in order
    assert re.search(
        r"- Mechanism: Budapest Convention on Cybercrime\r?\n\s+Body:\s+Council of Europe\r?\n"
        r"\s+Status:\s+partially\r?\n\s+Gap:\s+Not ratified by most developing countries\r?\n"
        r"\s+Consensus: agreed",
        text,
    )
    assert "No mechanism has been identified yet." in text
    files = {a.get_filename(): a.get_content() for a in parsed(initial).iter_attachments()}
    assert set(files) == {
        "initial-output-mapping.xlsx",
        "initial-output-mapping.html",
        "initial-output-mapping.md",
    }
    book = load_workbook(io.BytesIO(files["initial-output-mapping.xlsx"]))
    sheet = book["Mapping"]
    assert [c.value for c in sheet[1]] == list(COLUMNS)
    assert sheet.max_row == 1 + 4  # LAP, Budapest, Convention 108, ICANN
    assert book["Issues"].max_row == 1 + 8
    assert "Budapest Convention on Cybercrime" in files["initial-output-mapping.md"]
    play(runtime, g)
    final_mail = report_mail(runtime, "final-document")[0]
    final = text_of(final_mail)
    part1, part2 = final.split("PART 2.")
    assert "ITU Child Online Protection initiative" in part1
    assert "1. #3: London Action Plan (issue #3)" in part2
    assert re.search(
        r"Option B: OECD Anti-Spam Toolkit\r?\n\s+support: government: Rajiv Mehta", part2
    )
    assert "Decision: option B (The WGEC prefers the OECD toolkit)" in part2
    xlsx = next(
        a.get_content()
        for a in parsed(final_mail).iter_attachments()
        if str(a.get_filename()).endswith(".xlsx")
    )
    referred = load_workbook(io.BytesIO(xlsx))["Referred items"]
    assert [r[2] for r in referred.iter_rows(min_row=2, values_only=True)] == ["A", "B"]
