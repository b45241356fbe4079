"""The listener's intake thread: arrivals committed in batches, each answered after its commit.

Arrivals that come in while a commit is running wait for the next one, so
concurrent clients share commits (one fsync for many messages) and none is
acknowledged before its own commit. The database work runs here, off aiosmtpd's
event loop.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable
from concurrent.futures import Future

from corrbot.intake import Arrival, StoreResult, store_many
from corrbot.runtime import Runtime

log = logging.getLogger("corrbot.intake")


_Job = tuple[Arrival, "Future[StoreResult]"]


class GroupCommitter:
    """A thread that commits queued arrivals in batches and resolves their futures."""

    def __init__(
        self,
        runtime: Runtime,
        on_stored: Callable[[], None] | None = None,
        max_batch: int = 200,
    ) -> None:
        self.runtime = runtime
        self.on_stored = on_stored
        self.max_batch = max_batch
        self._queue: queue.SimpleQueue[_Job | None] = queue.SimpleQueue()
        self._closed = False
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._run, name="corrbot-intake", daemon=True)
        self.commits = 0  # how many transactions were committed (for tests and benches)

    def start(self) -> None:
        self._thread.start()

    def submit(self, arrival: Arrival) -> Future[StoreResult]:
        """Queue an arrival; the future completes after its commit (or with its error)."""
        future: Future[StoreResult] = Future()
        with self._lock:
            if self._closed:
                future.set_exception(RuntimeError("intake is shutting down"))
            else:
                self._queue.put((arrival, future))
        return future

    def stop(self) -> None:
        """Commit everything already submitted, then end the thread."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
            self._queue.put(None)
        self._thread.join()

    def _run(self) -> None:
        stopping = False
        while not stopping:
            first = self._queue.get()
            if first is None:
                break
            batch = [first]
            while len(batch) < self.max_batch:
                try:
                    job = self._queue.get_nowait()
                except queue.Empty:
                    break
                if job is None:
                    stopping = True
                    break
                batch.append(job)
            self._commit(batch)

    def _commit(self, batch: list[_Job]) -> None:
        try:
            results = store_many(self.runtime, [arrival for arrival, _ in batch])
        except Exception as exc:  # the thread must survive anything
            log.exception("intake batch failed")
            results = [exc] * len(batch)
        self.commits += 1
        fresh = False
        for (_, future), result in zip(batch, results, strict=True):
            if isinstance(result, Exception):
                future.set_exception(result)
            else:
                fresh = fresh or not result.duplicate
                future.set_result(result)
        if fresh and self.on_stored is not None:
            self.on_stored()
