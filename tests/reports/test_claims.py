"""Exactly once: a late deadline says so; a crash mid-report loses nothing and sends
nothing twice; two ticks racing for one deadline send it once (SQLite and PostgreSQL)."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import threading
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from corrbot.model import OutboxEntry, Report
from corrbot.reports import due
from corrbot.reports.due import send_due
from corrbot.runtime import Runtime
from corrbot.tick import run_tick
from tests.reports.seed import CALENDAR, parsed, post, report_mail, setup_group, text_of


def _counts(runtime: Runtime) -> tuple[int, int]:
    with runtime.sessions() as session:
        reports = session.scalar(
            select(func.count()).select_from(Report).where(Report.key == "update-1")
        )
        queued = session.scalar(
            select(func.count()).where(OutboxEntry.dedupe_key.like("report:update-1|%"))
        )
    return reports or 0, queued or 0


def test_a_deadline_missed_while_stopped_is_sent_once_marked_late(runtime: Runtime) -> None:
    g = setup_group(runtime)
    post(g, "marilia@nupef.org.br", "[b] Spam", datetime(2013, 11, 20), tasks=("b",), issues=(3,))
    runtime.clock.at = datetime(2013, 12, 2, 9, 30)  # type: ignore[attr-defined]
    run_tick(runtime, deliver=False)
    run_tick(runtime, deliver=False)
    rows = report_mail(runtime, "update-1")
    assert len(rows) == 3 + len(g.members)  # Chair, coordinator, list address, members
    msg = parsed(rows[0])
    assert str(msg["Subject"]).endswith("(LATE)")
    text = text_of(rows[0])
    assert "sent LATE" in text and "2013-11-29 17:00 UTC" in text and "2013-12-02 09:30 UTC" in text
    assert "Sent late." in text_of(rows[0], "html")
    with runtime.sessions() as session:
        report = session.scalars(select(Report).where(Report.key == "update-1")).one()
        assert report.late and report.claimed_at == datetime(2013, 12, 2, 9, 30)


def test_a_report_a_few_minutes_after_its_deadline_is_not_late(runtime: Runtime) -> None:
    runtime.clock.at = datetime(2013, 11, 29, 17, 4)  # type: ignore[attr-defined]
    send_due(runtime)
    rows = report_mail(runtime, "update-1")
    assert rows and "LATE" not in str(parsed(rows[0])["Subject"])


def test_a_failure_after_the_claim_rolls_the_claim_back(
    runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    runtime.clock.at = datetime(2013, 11, 29, 17)  # type: ignore[attr-defined]
    real = due.enqueue

    def enqueue_then_fail(*args: Any, **kwargs: Any) -> int:
        real(*args, **kwargs)
        raise RuntimeError("disk full")

    monkeypatch.setattr(due, "enqueue", enqueue_then_fail)
    with pytest.raises(RuntimeError):
        send_due(runtime)
    assert _counts(runtime) == (0, 0)
    monkeypatch.setattr(due, "enqueue", real)
    assert send_due(runtime) >= 1
    assert _counts(runtime) == (1, 3)


CRASH = textwrap.dedent(
    """
    import os, sys
    from datetime import datetime
    from corrbot.clock import FixedClock
    from corrbot.config import load_settings
    from corrbot.reports import due
    from corrbot.runtime import Runtime

    runtime = Runtime.build(load_settings(sys.argv[1]), FixedClock(datetime(2013, 11, 29, 17)))
    real = due.enqueue

    def enqueue_then_die(session, *args, **kwargs):
        added = real(session, *args, **kwargs)
        session.flush()  # the claim and the outbox rows are written, not committed
        os._exit(9)  # the process dies: no rollback, no cleanup

    due.enqueue = enqueue_then_die
    due.send_due(runtime)
    """
)


def test_a_process_killed_mid_report_loses_nothing(runtime: Runtime, tmp_path: Path) -> None:
    config = tmp_path / "corrbot.toml"
    done = subprocess.run(
        [sys.executable, "-c", CRASH, str(config)], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 9, done.stderr
    assert _counts(runtime) == (0, 0)
    runtime.clock.at = datetime(2013, 11, 29, 17, 1)  # type: ignore[attr-defined]
    run_tick(runtime, deliver=False)
    run_tick(runtime, deliver=False)
    assert _counts(runtime) == (1, 3)


def test_two_ticks_racing_send_the_report_once(
    db_url: str, make_runtime: Callable[..., Runtime]
) -> None:
    first = make_runtime(db_url, at=datetime(2013, 11, 29, 17))
    second = make_runtime(db_url, at=datetime(2013, 11, 29, 17))
    barrier = threading.Barrier(2)
    results: list[int] = []
    errors: list[BaseException] = []

    def run(rt: Runtime) -> None:
        try:
            barrier.wait()
            results.append(
                due.send_one(
                    rt, _deadline_id(rt), "update-1", "update-report", datetime(2013, 11, 29, 17)
                )
            )
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(rt,)) for rt in (first, second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors, errors
    assert sorted(results) == [False, True]
    assert _counts(first) == (1, 3)
    send_due(second)  # a later tick finds the deadline claimed
    assert _counts(second) == (1, 3)


def _deadline_id(runtime: Runtime) -> int:
    from corrbot.model import Deadline

    with runtime.sessions() as session:
        found = session.scalar(select(Deadline.id).where(Deadline.key == "update-1"))
        assert found is not None
        return found


def _period(runtime: Runtime, key: str) -> tuple[datetime | None, datetime | None]:
    with runtime.sessions() as session:
        report = session.scalars(select(Report).where(Report.key == key)).one()
        return report.period_start, report.period_end


def test_a_late_report_reports_up_to_when_it_is_sent(runtime: Runtime) -> None:
    # Posts after the deadline would otherwise wait for a report that never comes.
    g = setup_group(runtime)
    post(g, "marilia@nupef.org.br", "[b] Before the deadline", datetime(2013, 11, 20))
    post(g, "marilia@nupef.org.br", "[b] After the deadline", datetime(2013, 12, 1))
    runtime.clock.at = datetime(2013, 12, 2, 9, 30)  # type: ignore[attr-defined]
    send_due(runtime)
    text = text_of(report_mail(runtime, "update-1")[0])
    assert "Before the deadline" in text and "After the deadline" in text
    assert _period(runtime, "update-1")[1] == datetime(2013, 12, 2, 9, 30)


def test_deadlines_overtaken_together_each_keep_their_own_period(
    make_runtime: Callable[..., Runtime], sqlite_url: str
) -> None:
    runtime = make_runtime(sqlite_url, CALENDAR)
    g = setup_group(runtime)
    post(g, "marilia@nupef.org.br", "[b] In November", datetime(2013, 11, 20))
    post(g, "marilia@nupef.org.br", "[b] In December", datetime(2013, 12, 20))
    post(g, "marilia@nupef.org.br", "[b] In January", datetime(2014, 1, 10))
    runtime.clock.at = datetime(2014, 1, 12)  # type: ignore[attr-defined]
    send_due(runtime)  # update-1 and update-2 are both late
    first = text_of(report_mail(runtime, "update-1")[0])
    second = text_of(report_mail(runtime, "update-2")[0])
    assert "In November" in first and "In December" not in first
    assert "In December" in second and "In January" in second
    assert _period(runtime, "update-1")[1] == datetime(2013, 11, 29, 17)
    assert _period(runtime, "update-2") == (datetime(2013, 11, 29, 17), datetime(2014, 1, 12))
