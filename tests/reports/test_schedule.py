"""The scheduler `serve` runs: a deadline missed while stopped is sent at start, a
future deadline at its time, and a deadline moved in the config moves its job."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import select

from corrbot.clock import SystemClock
from corrbot.config import load_settings
from corrbot.model import Report
from corrbot.reports.schedule import start_scheduler
from corrbot.runtime import Runtime


def _wait_for(runtime: Runtime, key: str, seconds: float = 15) -> Report:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with runtime.sessions() as session:
            found = session.scalar(select(Report).where(Report.key == key))
        if found is not None and found.sent_at is not None:
            return found
        time.sleep(0.1)
    raise AssertionError(f"report {key} was not sent within {seconds}s")


def test_scheduler_catches_up_and_fires_at_deadlines(
    make_runtime: Callable[..., Runtime], sqlite_url: str, tmp_path: Path
) -> None:
    soon = datetime.now(UTC).replace(tzinfo=None, microsecond=0) + timedelta(seconds=3)
    extra = f"""
[reports]
tick_seconds = 3600

[[deadlines]]
key = "soon"
kind = "initial-output"
due = {soon.isoformat()}Z
"""
    make_runtime(sqlite_url, extra)  # init: schema and group
    live = Runtime.build(load_settings(tmp_path / "corrbot.toml"), SystemClock())
    scheduler = start_scheduler(live)
    try:
        missed = _wait_for(live, "update-1")  # due in 2013: sent at start, late
        assert missed.late
        job = scheduler.get_job("deadline:soon")
        assert job is not None and job.next_run_time.replace(tzinfo=None) == soon
        on_time = _wait_for(live, "soon")  # the hourly tick is far off: the date job fired
        assert not on_time.late
    finally:
        scheduler.shutdown(wait=True)
        live.close()


def test_a_moved_deadline_moves_its_job(
    make_runtime: Callable[..., Runtime], sqlite_url: str, tmp_path: Path
) -> None:
    later = datetime.now(UTC).replace(tzinfo=None, microsecond=0) + timedelta(days=30)
    template = """
[[deadlines]]
key = "update-2"
kind = "update-report"
due = {due}Z
"""
    make_runtime(sqlite_url, template.format(due=later.isoformat()))
    config = tmp_path / "corrbot.toml"
    moved = later + timedelta(days=7)
    text = config.read_text().replace(later.isoformat(), moved.isoformat())
    config.write_text(text)
    live = Runtime.build(load_settings(config), SystemClock())
    scheduler = start_scheduler(live)  # a restart with the edited config
    try:
        job = scheduler.get_job("deadline:update-2")
        assert job is not None and job.next_run_time.replace(tzinfo=None) == moved
        assert scheduler.get_job("tick").max_instances == 1
    finally:
        scheduler.shutdown(wait=True)
        live.close()
