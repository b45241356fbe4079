"""`corrbot serve` in one process: listener, IMAP poller, processing, scheduler, delivery.

Threads, and what each does:
- the listener (aiosmtpd's loop) and its intake thread, which commits arrivals and
  then wakes the processing worker;
- the processing worker: runs the pipeline on stored mail soon after it arrives
  (woken by the listener and the poller; also every few seconds, for mail that
  `corrbot ingest` or an earlier run stored), then delivers what it queued;
- the IMAP poller, when `[imap]` is set;
- the scheduler (APScheduler), which runs the periodic tick and catches up on
  deadlines missed while stopped.
The worker and the scheduler's ticks share one lock, so no message goes through the
pipeline twice at once. Shutdown: stop accepting, commit and answer what is being
received, finish the current message, join every thread.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field

from corrbot.runtime import Runtime

log = logging.getLogger("corrbot.serve")

WORKER_PERIOD_SECONDS = 5.0  # how often the worker looks for mail nobody woke it for
POLLER_RESTART_SECONDS = 30.0
BATCH = 50  # messages processed between two looks at the stop flag


@dataclass
class Worker:
    """Runs the pipeline and delivery when woken, and every few seconds."""

    runtime: Runtime
    lock: threading.Lock
    stop: threading.Event = field(default_factory=threading.Event)
    wake: threading.Event = field(default_factory=threading.Event)

    def run(self) -> None:
        from corrbot.outbound.deliver import deliver_due
        from corrbot.pipeline.runner import process_pending

        while not self.stop.is_set():
            self.wake.wait(WORKER_PERIOD_SECONDS)
            self.wake.clear()
            try:
                while not self.stop.is_set():
                    with self.lock:
                        done = process_pending(self.runtime, limit=BATCH)
                    if done < BATCH:
                        break
                with self.lock:
                    deliver_due(self.runtime)
            except Exception:  # the next round retries; serve must keep running
                log.exception("processing failed")
                self.stop.wait(WORKER_PERIOD_SECONDS)


def _poll(runtime: Runtime, stop: threading.Event, on_stored: Callable[[], None]) -> None:
    from corrbot.ingress.imap import run_poller

    while not stop.is_set():
        try:
            run_poller(runtime, stop, on_stored)
        except Exception:  # the poller reconnects itself; this is the last resort
            log.exception("IMAP poller stopped; restarting in %ss", POLLER_RESTART_SECONDS)
        stop.wait(POLLER_RESTART_SECONDS)


def serve(
    runtime: Runtime,
    stop: threading.Event,
    ready: Callable[[str], None] | None = None,
) -> None:
    """Run until `stop` is set, then shut down cleanly.

    `ready` is told, in words, where mail is accepted once everything runs. Raises
    NotInitialised without a group, OSError when the listener cannot bind.
    """
    from corrbot.ingress.smtp import start_listener
    from corrbot.reports.schedule import start_scheduler

    _ = runtime.group_id  # NotInitialised before anything starts
    lock = threading.Lock()
    worker = Worker(runtime, lock)
    listener = start_listener(runtime, on_stored=worker.wake.set)
    threads: list[threading.Thread] = []
    scheduler = None
    try:
        scheduler = start_scheduler(runtime, lock)
        threads.append(threading.Thread(target=worker.run, name="corrbot-worker"))
        if runtime.settings.imap is not None:
            threads.append(
                threading.Thread(
                    target=_poll, args=(runtime, stop, worker.wake.set), name="corrbot-imap"
                )
            )
        for thread in threads:
            thread.start()
        where = f"{listener.protocol.upper()} on {listener.host}:{listener.port}"
        if runtime.settings.imap is not None:
            imap = runtime.settings.imap
            where += f", polling IMAP {imap.username}@{imap.host}:{imap.port}/{imap.folder}"
        log.info("serving: %s", where)
        if ready is not None:
            ready(where)
        # A timed wait, so that signal handlers run promptly in the main thread.
        while not stop.wait(1.0):
            pass
    finally:
        stop.set()
        log.info("shutting down")
        listener.stop()
        worker.stop.set()
        worker.wake.set()
        for thread in threads:
            thread.join()
        if scheduler is not None:
            scheduler.shutdown(wait=True)
        log.info("stopped")
