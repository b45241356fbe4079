"""The listener's intake thread: arrivals committed in batches, each answered after its commit.

Arrivals that come in while a commit is running wait for the next one, so
concurrent clients share commits (one fsync for many messages) and none is
acknowledged before its own commit. The database work runs here, off aiosmtpd's
event loop, but under the same GIL: so the thread keeps one connection (no pool
check-out or PostgreSQL pre-ping per batch) and wakes the event loop once per
batch, not once per message.
"""

from __future__ import annotations

import asyncio
import logging
import queue
import threading
from collections.abc import Callable

from sqlalchemy import Connection

from corrbot import intake_sql
from corrbot.intake import Arrival, StoreResult, store_many
from corrbot.runtime import Runtime

log = logging.getLogger("corrbot.intake")

_Job = tuple[Arrival, asyncio.AbstractEventLoop, "asyncio.Future[StoreResult]"]
_Outcome = StoreResult | Exception


class GroupCommitter:
    """A thread that commits queued arrivals in batches and answers their awaiters."""

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
        self._conn: Connection | None = None  # used and closed by the intake thread only
        self.commits = 0  # how many transactions were committed (for tests and benches)

    def start(self) -> None:
        self._thread.start()

    async def store(self, arrival: Arrival) -> StoreResult:
        """Store the arrival; returns after its commit, or raises the error it met."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[StoreResult] = loop.create_future()
        with self._lock:
            if self._closed:
                raise RuntimeError("intake is shutting down")
            self._queue.put((arrival, loop, future))
        return await future

    def stop(self) -> None:
        """Commit everything already submitted, then end the thread."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
            self._queue.put(None)
        self._thread.join()

    def _run(self) -> None:
        try:
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
        finally:
            self._drop_connection()

    def _connection(self) -> Connection | None:
        if self._conn is None:
            try:
                self._conn = intake_sql.autocommit(self.runtime.engine).connect()
            except Exception:  # store_many's retries will meet and log it
                log.debug("intake cannot connect", exc_info=True)
        return self._conn

    def _drop_connection(self) -> None:
        if self._conn is not None:
            try:
                self._conn.close()
            except Exception:
                log.debug("closing the intake connection failed", exc_info=True)
            self._conn = None

    def _commit(self, batch: list[_Job]) -> None:
        arrivals = [arrival for arrival, _, _ in batch]
        results: list[_Outcome]
        try:
            results = list(store_many(self.runtime, arrivals, self._connection()))
        except Exception as exc:  # the thread must survive anything
            log.exception("intake batch failed")
            results = [exc] * len(batch)
        conn = self._conn
        if conn is not None and (conn.invalidated or conn.in_transaction()):
            # The connection broke (the retries used fresh ones): start afresh.
            self._drop_connection()
        self.commits += 1
        answers: dict[asyncio.AbstractEventLoop, list[tuple[asyncio.Future[StoreResult], _Outcome]]]
        answers = {}
        for (_, loop, future), result in zip(batch, results, strict=True):
            answers.setdefault(loop, []).append((future, result))
        for loop, pairs in answers.items():
            try:
                loop.call_soon_threadsafe(_answer, pairs)
            except RuntimeError:  # the loop is closed: nobody is waiting any more
                log.debug("event loop closed before %d answers", len(pairs))
        if self.on_stored is not None and any(
            isinstance(r, StoreResult) and not r.duplicate for r in results
        ):
            self.on_stored()


def _answer(pairs: list[tuple[asyncio.Future[StoreResult], _Outcome]]) -> None:
    """In the event loop: complete each awaiter (a client that left has cancelled its own)."""
    for future, result in pairs:
        if future.done():
            continue
        if isinstance(result, Exception):
            future.set_exception(result)
        else:
            future.set_result(result)
