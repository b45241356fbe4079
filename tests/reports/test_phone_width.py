"""The HTML report, the mapping document and the exported page, looked at in headless
Chromium at a phone's width (390 px): a screenshot is taken and nothing sticks out.

Chromium is a test dependency (`make deps` installs Debian's `chromium`); without it
these tests fail, they do not skip.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from corrbot.export import export_mapping
from corrbot.runtime import Runtime
from corrbot.tick import run_tick
from tests.reports.browser import measure, screenshot
from tests.reports.seed import mapping_entry, post, referral, report_mail, setup_group, text_of
from tests.reports.test_calendar import CALENDAR, SCHEDULE

LONG = "https://www.example.org/" + "very-long-unbroken-path-segment-" * 6 + "index.html"


def _assert_fits(page: str, workdir: Path, name: str) -> None:
    shot = screenshot(page, workdir / f"{name}.png")
    facts = measure(page, workdir / name)
    assert facts["clientWidth"] == 390, facts
    assert facts["wide"] == [], f"{name}: elements wider than the phone: {facts['wide']}"
    assert facts["scrollWidth"] == facts["clientWidth"], f"{name} scrolls sideways: {facts}"
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def _wide_content(runtime: Runtime) -> None:
    g = setup_group(runtime)
    at = datetime(2013, 11, 1, 10)
    m = post(
        g,
        "marilia@nupef.org.br",
        "[b] A subject with a very long link " + LONG,
        at,
        tasks=("b",),
        issues=(3,),
        on_behalf_of="The Internet Governance Caucus of civil society organisations",
    )
    item = mapping_entry(
        g, m, 3, "MAAWG " + LONG, "partially", at, body="Industry " + LONG, gap="Gap " * 40 + LONG
    )
    referral(
        g,
        item,
        datetime(2013, 11, 20),
        {"B": "Option text " + LONG},
        [("k.weber@telco.example.de", "object", None)],
    )


def test_reports_fit_a_phone(
    make_runtime: Callable[..., Runtime], sqlite_url: str, tmp_path: Path
) -> None:
    runtime = make_runtime(sqlite_url, CALENDAR)
    _wide_content(runtime)
    runtime.clock.at = SCHEDULE["update-1"]  # type: ignore[attr-defined]
    run_tick(runtime, deliver=False)
    html = text_of(report_mail(runtime, "update-1")[0], "html")
    assert LONG in html
    _assert_fits(html, tmp_path, "update-report")
    runtime.clock.at = datetime(2014, 2, 13)  # type: ignore[attr-defined]
    run_tick(runtime, deliver=False)
    final = text_of(report_mail(runtime, "final-document")[0], "html")
    assert "Option text" in final and "<table" in final
    _assert_fits(final, tmp_path, "final-document")
    out = tmp_path / "mapping.html"
    with runtime.sessions() as session:
        export_mapping(
            session,
            runtime.group_id,
            runtime.renderer,
            fmt="html",
            path=out,
            group_name="CG",
            now=datetime(2014, 2, 13),
        )
    _assert_fits(out.read_text(), tmp_path, "export")
