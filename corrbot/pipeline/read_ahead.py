"""The worker processes of an archive import, and the readings they send back.

``ReadAhead`` runs ``parse_ahead.read_arrivals`` on each batch an import reads,
before it is stored, in a pool of forked processes at a lower priority: intake
takes the keys and Dates they read (``Arriving.keys``), and ``Readings`` keeps the
rest by the row each message was stored as (``Arriving.stored``), each waited for
only when the runner wants it, and lets go of it once the row is processed.
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import os
from collections.abc import Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from datetime import datetime

from corrbot.pipeline.found_tags import FoundTags
from corrbot.pipeline.parse_ahead import ArrivalReading, Prepared, Refs, read_arrivals

log = logging.getLogger("corrbot.pipeline")

# How much lower the workers' scheduling priority is than the runner's.
WORKER_NICENESS = 10


def _yield_to_runner() -> None:
    """Give the runner's process the CPU first: it is the one path every message
    waits for (its database work, one transaction at a time), while the workers
    read ahead of it; and a `serve` on the same machine keeps its share too. On two
    cores, runner and two workers had shared them evenly. linux-mips-10k, plain
    group (where the runner is the longer path): 0.1-0.4 s faster in most runs,
    within the noise in some; the example group's unchanged.
    """
    # Not on Windows; and a sandbox may refuse: reading ahead works all the same.
    if hasattr(os, "nice"):
        with contextlib.suppress(OSError):
            os.nice(WORKER_NICENESS)


class ReadAhead:
    """Worker processes preparing messages; ``close`` ends them.

    ``readings`` holds what they read (or are reading) of every row submitted.
    As many workers as cores, up to four: the runner waits for the database part
    of the time, and on two cores two workers beat one (linux-mips with the example
    group's tasks: 12.5 against 15.2 s; bench/README.md). They run at a lower
    priority, so they take what the runner leaves (see _yield_to_runner).
    """

    # Messages per task: half an import batch, so that two workers read one batch
    # at once. Each task costs the runner's process its own round trip through the
    # pool's threads (an item queued and pickled, a result received, unpickled and
    # its future set) while its main thread waits for the lock they share, and the
    # runner looks up the senders and parents of a task's readings together
    # (runner._warm). It works a batch behind the workers, so it seldom waits for a
    # task's last reading. linux-mips-10k, example group, tasks of 10 -> 50 messages:
    # those threads' CPU 0.35 -> 0.20 s, the workers' outside prepare 0.6 -> 0.4 s;
    # 50 -> 100: runner's process 4.91 -> 4.77 s (four alternating pairs).
    CHUNK = 100
    MAX_WORKERS = 4

    def __init__(self) -> None:
        # fork where there is one: "spawn" would re-import the caller's main module,
        # which breaks any script without a __main__ guard. A forked worker only
        # runs the pure functions above; it never touches the database connections
        # it inherits, and a pool worker leaves through os._exit, closing nothing.
        methods = multiprocessing.get_all_start_methods()
        context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
        workers = max(1, min(self.MAX_WORKERS, os.cpu_count() or 1))
        self._pool = ProcessPoolExecutor(
            max_workers=workers, mp_context=context, initializer=_yield_to_runner
        )
        self._broken = False
        self.readings = Readings()

    def submit_arrivals(self, raws: list[bytes], refs: Refs | None = None) -> Arriving | None:
        """Queue messages not stored yet (``parse_ahead.read_arrivals``); None once the
        worker has failed (intake and the runner then read everything themselves)."""
        tasks: list[tuple[slice, Future[list[ArrivalReading]]]] = []
        for start in range(0, len(raws), self.CHUNK):
            if self._broken:
                return None
            try:
                span = slice(start, start + self.CHUNK)
                tasks.append((span, self._pool.submit(read_arrivals, raws[span], refs)))
            except Exception:  # a broken pool, or one shut down
                log.warning("reading ahead stopped; reading in the runner", exc_info=True)
                self._broken = True
                return None
        return Arriving(self.readings, tasks, refs)

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)


class Arriving:
    """A batch handed to the workers before it is stored: what intake needs of each
    message (``keys``), then, once stored, its readings by row id (``stored``)."""

    def __init__(
        self,
        readings: Readings,
        tasks: list[tuple[slice, Future[list[ArrivalReading]]]],
        refs: Refs | None,
    ) -> None:
        self._readings = readings
        self._tasks = tasks  # the part of the batch each task reads, and its future
        self._refs = refs

    def keys(self) -> list[tuple[tuple[str, str] | None, datetime | None]] | None:
        """Each message's intake keys and Date, in order (None for one the worker could
        not read); waits for them. None when the workers failed."""
        try:
            return [(keys, sent) for _, f in self._tasks for keys, sent, _ in f.result()]
        except Exception:  # a dead worker: intake reads them itself
            log.warning("reading ahead failed; reading in the runner", exc_info=True)
            return None

    def stored(self, ids: list[int | None]) -> None:
        """The row each message was stored as, in order (None: not to be read, such as
        a duplicate); their readings join ``Readings``."""
        for span, future in self._tasks:
            self._readings.add(ids[span], future, self._refs)


class Readings:
    """The worker's readings by row id, each waited for only when it is wanted.

    So the runner starts on a batch's first messages as soon as the worker has read
    them, rather than after a whole transaction's worth.
    """

    # find_tags results kept for tagging again (found_tags.py): over linux-mips,
    # every reply tagged again was read fewer than 32 messages before.
    FOUND_KEPT = 2048

    def __init__(self) -> None:
        self._where: dict[int, tuple[int, _Task]] = {}
        self._failed = False
        # The tags read this way, kept past their row's transaction: a reply read
        # before its parent is tagged again when the parent arrives, usually later.
        self.found = FoundTags(self.FOUND_KEPT)

    def add(
        self,
        ids: Sequence[int | None],
        future: Future[list[ArrivalReading]],
        refs: Refs | None = None,
    ) -> None:
        """The rows one task of the workers reads, in its order (None: a message not
        to be read), with what it was given."""
        task = _Task(future, refs)
        self._where.update(
            (row_id, (place, task)) for place, row_id in enumerate(ids) if row_id is not None
        )

    def forget(self, ids: list[int]) -> None:
        """Let go of rows processed (a large import would otherwise keep every reading)."""
        for row_id in ids:
            self._where.pop(row_id, None)

    def has(self, row_id: int) -> bool:
        """Whether the worker was given this row (its reading may still be on its way)."""
        return row_id in self._where and not self._failed

    def ready(self, row_id: int) -> bool:
        """Whether ``get`` would answer this row at once (its chunk is read)."""
        found = self._where.get(row_id)
        return found is not None and not self._failed and found[1].done()

    def get(self, row_id: int) -> Prepared | None:
        """The reading of this row; None when there is none (the runner reads it itself)."""
        found = self._where.get(row_id)
        if found is None or self._failed:
            return None
        place, task = found
        try:
            return task.readings()[place]
        except Exception:  # a dead worker: the runner reads the rest itself
            log.warning("reading ahead failed; reading in the runner", exc_info=True)
            self._failed = True
            return None


class _Task:
    """One task of the workers: its future, the refs it was given, and its readings.

    The readings are kept once fetched, with the refs set: the runner asks about
    each row several times (ready, then get twice), and each question to the
    future takes its lock.
    """

    __slots__ = ("_fetched", "future", "refs")

    def __init__(self, future: Future[list[ArrivalReading]], refs: Refs | None) -> None:
        self.future = future
        self.refs = refs
        self._fetched: list[Prepared | None] | None = None

    def done(self) -> bool:
        return self._fetched is not None or self.future.done()

    def readings(self) -> list[Prepared | None]:
        """Waits for them; raises what the worker raised."""
        if self._fetched is None:
            fetched = [reading for _, _, reading in self.future.result()]
            if self.refs is not None:
                for reading in fetched:
                    if reading is not None:
                        reading.refs = self.refs
            self._fetched = fetched
        return self._fetched
