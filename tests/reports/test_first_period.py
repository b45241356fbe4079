"""The first update report covers everything before it, also mail older than `init`
(an archive imported, or a correspondence replayed, into a group created later)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from corrbot.model import Report
from corrbot.runtime import Runtime
from corrbot.tick import run_tick
from tests.reports.seed import post, report_mail, setup_group, text_of


def test_the_first_report_includes_mail_older_than_the_group(runtime: Runtime) -> None:
    g = setup_group(runtime)  # the group was created on 2013-10-01 09:00
    post(g, "marilia@nupef.org.br", "[b] Spam", datetime(2013, 9, 20, 10), tasks=("b",))
    post(g, "k.weber@telco.example.de", "[b] Re: Spam", datetime(2013, 10, 5), tasks=("b",))
    runtime.clock.at = datetime(2013, 11, 29, 17)  # type: ignore[attr-defined]
    run_tick(runtime, deliver=False)
    text = text_of(report_mail(runtime, "update-1")[0])
    assert "Contributions in the period: 2 accepted posts" in text
    assert "Period: 2013-09-20 09:59 UTC to 2013-11-29 17:00 UTC" in text  # start: exclusive
    with runtime.sessions() as session:
        report = session.scalars(select(Report).where(Report.key == "update-1")).one()
    assert report.period_start is not None and report.period_start < datetime(2013, 9, 20, 10)


def test_a_group_with_no_older_mail_starts_its_first_period_when_created(
    runtime: Runtime,
) -> None:
    g = setup_group(runtime)
    post(g, "marilia@nupef.org.br", "[b] Spam", datetime(2013, 10, 20, 10), tasks=("b",))
    runtime.clock.at = datetime(2013, 11, 29, 17)  # type: ignore[attr-defined]
    run_tick(runtime, deliver=False)
    text = text_of(report_mail(runtime, "update-1")[0])
    assert "Period: 2013-10-01 09:00 UTC to 2013-11-29 17:00 UTC" in text
    assert "Contributions in the period: 1 accepted post" in text
