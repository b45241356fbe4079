"""The scheduler `corrbot serve` runs: a periodic tick, and a tick at each deadline.

APScheduler only decides *when* to run a tick; *what* is sent, and that it is sent
once, is decided by the tick's claims in the database (APScheduler's own runs are
at-most-once, and a date job missed while stopped would be dropped). So:

- the periodic job (every `[reports] tick_seconds`) runs `run_tick`, never two at once;
- one date job per future deadline runs a tick at its due time, so a report leaves
  on time rather than up to a tick later;
- the first tick runs at once at start, which sends whatever fell due while corrbot
  was stopped (marked late by the report itself).

Jobs are built at start from the deadlines in the store, after re-reading them from
the config, so changing a deadline and restarting moves its job.
"""

from __future__ import annotations

import logging
import threading
from datetime import UTC, datetime

from apscheduler.schedulers.background import BackgroundScheduler
from sqlalchemy import select

from corrbot.db import transaction
from corrbot.groups import sync_group
from corrbot.model import Deadline
from corrbot.runtime import Runtime

log = logging.getLogger("corrbot.reports")


def _guarded_tick(runtime: Runtime, lock: threading.Lock) -> None:
    from corrbot.tick import run_tick

    # The deadline jobs and the periodic job share one lock: a deadline tick that
    # fires during a periodic tick waits for it instead of running alongside.
    with lock:
        try:
            run_tick(runtime)
        except Exception:  # the next tick retries; the scheduler must keep running
            log.exception("tick failed")


def start_scheduler(runtime: Runtime, lock: threading.Lock | None = None) -> BackgroundScheduler:
    """Sync deadlines from the config, schedule the ticks, start, and tick at once.

    `lock` is held during each tick; `corrbot serve` passes the one its processing
    worker holds, so a message is never run through the pipeline twice at once.
    """
    with transaction(runtime.sessions) as session:
        sync_group(session, runtime.settings, runtime.clock)
    now = runtime.clock.now()
    with runtime.sessions() as session:
        upcoming = session.execute(
            select(Deadline.key, Deadline.due).where(
                Deadline.group_id == runtime.group_id, Deadline.due > now
            )
        ).all()
    lock = lock or threading.Lock()
    scheduler = BackgroundScheduler(timezone=UTC)
    scheduler.add_job(
        _guarded_tick,
        "interval",
        args=(runtime, lock),
        id="tick",
        seconds=max(1, runtime.settings.reports.tick_seconds),
        max_instances=1,
        coalesce=True,
        misfire_grace_time=None,
        next_run_time=datetime.now(UTC),  # catch up on what fell due while stopped
    )
    for key, due in upcoming:
        scheduler.add_job(
            _guarded_tick,
            "date",
            args=(runtime, lock),
            id=f"deadline:{key}",
            run_date=due.replace(tzinfo=UTC),
            misfire_grace_time=None,
        )
    scheduler.start()
    log.info(
        "scheduler started: a tick every %ss, %d deadlines ahead",
        runtime.settings.reports.tick_seconds,
        len(upcoming),
    )
    return scheduler
