"""`corrbot ingest`: .eml files, mbox files and Maildir folders, streamed into intake.

An mbox is read in blocks, one message (and a block) in memory at a time, so memory
does not grow with the archive. It is read as mboxrd (what public-inbox and most archivers
write): every line starting "From " begins a message, and one ">" is removed from
lines reading ">From ", ">>From " and so on. A file is an mbox when it starts with
"From ", whatever its name; a folder must be a Maildir (new/ and cur/ are read,
tmp/ is not: it holds messages still being written).

Messages are stored in batches (one commit each), then the pipeline runs on them,
so the summary can say how many were quarantined. A large import has worker
processes read each batch (pipeline/read_ahead.py) while this one works on the
batch before it, and stores each batch in the transaction that processes the one
before. A crash loses nothing: the file is read again, what was stored is a
duplicate, and what was stored but not processed is processed by the next import
of new mail, `serve` or `tick`.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import BinaryIO

from sqlalchemy import event, func, select
from sqlalchemy.orm import Session

from corrbot.ingress.gc_tuning import fewer_collections
from corrbot.intake import Arrival, StoreResult, header_date, store_arrivals, store_many
from corrbot.model import Message
from corrbot.runtime import Runtime

# One ">" removed from each line reading ">From ", ">>From "...
_ESCAPED_FROM = re.compile(rb"^>(?=>*From )", re.MULTILINE)
_BLOCK = 1 << 17  # bytes read at a time from an mbox: a few of them in memory at most
BATCH_MESSAGES = 200
BATCH_BYTES = 16 * 1024 * 1024
# Batches with the workers before the oldest is stored: with one, a run of long
# patches (more reading for the same number of rows) had the runner wait for their
# keys, 0.15 s in all; two absorb it (linux-mips-10k, example group, four
# alternating pairs: 4.40/4.48/4.35/4.22 s with one, 4.26/4.31/4.19/4.19 with two).
BATCHES_AHEAD = 2


class SourceError(Exception):
    """A path given to ingest cannot be read; the message names it."""


@dataclass(frozen=True)
class Source:
    path: Path
    kind: str  # eml, mbox or maildir
    size: int  # bytes, for the progress bar


@dataclass
class IngestSummary:
    read: int = 0
    new: int = 0
    duplicate: int = 0
    quarantined: int = 0
    failed: int = 0

    def __str__(self) -> str:
        text = (
            f"read {self.read}, new {self.new}, duplicate {self.duplicate}, "
            f"quarantined {self.quarantined}"
        )
        return text + (f", failed {self.failed}" if self.failed else "")


def _maildir_files(path: Path) -> list[Path]:
    files: list[Path] = []
    for sub in ("new", "cur"):
        folder = path / sub
        if folder.is_dir():
            files += [f for f in folder.iterdir() if f.is_file() and not f.name.startswith(".")]
    # Maildir names begin with the delivery time: sorting keeps arrival order.
    return sorted(files, key=lambda f: f.name)


def find_sources(paths: Iterable[str]) -> list[Source]:
    """Check every path before anything is stored; SourceError names the first bad one."""
    sources = []
    for given in paths:
        path = Path(given)
        if path.is_dir():
            if not ((path / "new").is_dir() or (path / "cur").is_dir()):
                raise SourceError(f"{given}: a folder, but not a Maildir (no new/ or cur/)")
            size = sum(f.stat().st_size for f in _maildir_files(path))
            sources.append(Source(path, "maildir", size))
            continue
        try:
            with path.open("rb") as fh:
                start = fh.read(5)
            size = path.stat().st_size
        except FileNotFoundError:
            raise SourceError(f"{given}: no such file or folder") from None
        except OSError as exc:
            raise SourceError(f"{given}: cannot read: {exc.strerror}") from None
        sources.append(Source(path, "mbox" if start == b"From " else "eml", size))
    return sources


def _finish(text: bytes) -> bytes:
    """A message's lines, unescaped; the blank line before the next "From " line is not its."""
    if b">From " in text:  # the regex only when there is an escaped line at all
        text = _ESCAPED_FROM.sub(b"", text)
    if text.endswith(b"\n\n") or text == b"\n":
        return text[:-1]
    if text.endswith(b"\n\r\n") or text == b"\r\n":
        return text[:-2]
    return text


def read_mbox(fh: BinaryIO) -> Iterator[bytes]:
    """The messages of an mboxrd stream, one at a time, without the From_ lines."""
    pieces = _between_from_lines(fh)
    # Text before the first From_ line is kept as a message, from its first line
    # that is not blank.
    before = next(pieces)
    start = 0
    while start < len(before):
        stop = before.find(b"\n", start) + 1 or len(before)
        if before[start:stop].strip():
            yield _finish(before[start:])
            break
        start = stop
    for piece in pieces:
        yield _finish(piece)


def _between_from_lines(fh: BinaryIO) -> Iterator[bytes]:
    """The text before the first From_ line, then the text after each, up to the next.

    The file is read in large blocks and cut at each line starting "From "
    (searched as ``b"\\nFrom "``), rather than line by line: a line loop costs
    more than all the rest of an import's reading.
    """
    # A line break in front, so that a From_ line at the very start is found too.
    buffer = b"\n" + fh.read(_BLOCK)
    begin = 1  # where the current piece starts in buffer
    scan = 0  # where to look for the next From_ line
    while True:
        found = buffer.find(b"\nFrom ", scan)
        if found == -1:
            # At least as much as is kept: a huge message is then copied a few
            # times over as it grows, not once per block.
            more = fh.read(max(_BLOCK, len(buffer) - begin))
            if not more:
                yield buffer[begin:]
                return
            # Keep the piece (and the line break before it); a "\nFrom " may be
            # cut across the two blocks, so look again from its possible start.
            kept = buffer[begin - 1 :]
            scan = max(0, len(kept) - 5)
            buffer, begin = kept + more, 1
            continue
        yield buffer[begin : found + 1]
        # Skip the From_ line itself, reading on until its end.
        end = buffer.find(b"\n", found + 1)
        while end == -1:
            more = fh.read(_BLOCK)
            if not more:
                yield b""  # the file ends inside a From_ line: an empty message
                return
            searched = len(buffer) - found
            buffer, found = buffer[found:] + more, 0
            end = buffer.find(b"\n", searched)
        begin = end + 1
        scan = end  # the From_ line's own line break may begin the next one


def read_source(source: Source) -> Iterator[bytes]:
    if source.kind == "eml":
        data = source.path.read_bytes()
        if data.strip():  # an empty file (an empty mbox, too) holds no message
            yield data
    elif source.kind == "maildir":
        for file in _maildir_files(source.path):
            yield file.read_bytes()
    else:
        with source.path.open("rb") as fh:
            yield from read_mbox(fh)


def _quarantined(runtime: Runtime, row_ids: list[int]) -> int:
    count = 0
    with runtime.sessions() as session:
        for start in range(0, len(row_ids), 500):
            chunk = row_ids[start : start + 500]
            quarantined = Message.id.in_(chunk), Message.status == "quarantined"
            count += session.scalar(select(func.count()).where(*quarantined)) or 0
    return count


def _arrival(
    raw: bytes, no_deliver: bool, keys: tuple[str, str] | None, sent: datetime | None
) -> Arrival:
    """An arrival from a file, with what a worker read of it (``keys`` None: nothing)."""
    if keys is None:
        # Read at the time it was sent, so an archive replays with `tick --as-of`.
        sent = header_date(raw)
    return Arrival(raw, "file", no_deliver=no_deliver, posted_at=sent, keys=keys)


def ingest(
    runtime: Runtime,
    sources: Iterable[Source],
    *,
    no_deliver: bool,
    progress: Callable[[int], None] | None = None,
) -> IngestSummary:
    """Store every message of the sources, run the pipeline on them; the counts."""
    from corrbot.pipeline.parse_ahead import group_refs
    from corrbot.pipeline.read_ahead import Arriving, ReadAhead
    from corrbot.pipeline.runner import process_pending

    summary = IngestSummary()
    batch: list[bytes] = []
    batch_bytes = 0
    new_ids: list[int] = []
    # Worker processes read ahead once the import proves large (a full batch):
    # starting them costs a fraction of a second, which a few messages do not repay.
    ahead: ReadAhead | None = None
    # With it, each batch is handed to the workers as it is read (they read what
    # intake needs of each message, and the rest of it), stored BATCHES_AHEAD rounds
    # later, processed in the round after. So this process neither reads the
    # messages nor waits for the workers that read them. A round's store and its
    # processing share one transaction, so one commit (one fsync, the runner waiting).
    submitted: deque[tuple[list[bytes], int, Arriving | None]] = deque()
    waiting = 0  # messages stored, to be processed in the next round

    def arrivals(
        raws: list[bytes], arriving: Arriving | None
    ) -> tuple[list[Arrival], Arriving | None]:
        """The batch's arrivals, and ``arriving`` if the workers read them (their keys
        known; None when they failed)."""
        known = arriving.keys() if arriving is not None else None
        reads = known if known is not None else [(None, None)] * len(raws)
        batch = [_arrival(raw, no_deliver, *read) for raw, read in zip(raws, reads, strict=True)]
        return batch, arriving if known is not None else None

    def stored(
        results: Sequence[StoreResult | Exception], size: int, arriving: Arriving | None
    ) -> int:
        """Count a batch's results, and join the workers' readings (``arriving``: None
        when they read nothing) to its rows; how many messages it stored to be read."""
        ids: list[int | None] = []
        for result in results:
            row_id: int | None = None
            if isinstance(result, Exception):
                summary.failed += 1
            elif result.duplicate:
                summary.duplicate += 1
            else:
                summary.new += 1
                row_id = result.row_id
            ids.append(row_id)
        new_ids.extend(row_id for row_id in ids if row_id is not None)
        if progress is not None:
            progress(size)
        if arriving is not None:
            arriving.stored(ids)
        return sum(row_id is not None for row_id in ids)

    def store(raws: list[bytes], size: int, arriving: Arriving | None) -> int:
        """Store a batch in a transaction of its own."""
        batch, read = arrivals(raws, arriving)
        return stored(store_many(runtime, batch), size, read)

    def store_with_pending(raws: list[bytes], size: int, arriving: Arriving | None) -> int:
        """Store a batch in the transaction that processes the one before (one commit
        for both); in one of its own when that transaction does not commit it."""
        committed: list[tuple[list[StoreResult], Arriving | None]] = []

        def store_in(session: Session) -> None:
            batch, read = arrivals(raws, arriving)
            results = store_arrivals(session, runtime.group_id, batch, runtime.clock)
            event.listen(session, "after_commit", lambda _: committed.append((results, read)))

        process_pending(runtime, limit=waiting, batch=BATCH_MESSAGES, ahead=ahead, before=store_in)
        if not committed:
            return store(raws, size, arriving)
        results, read = committed[0]
        return stored(results, size, read)

    def flush() -> None:
        nonlocal batch, batch_bytes, ahead, waiting
        raws, size = batch, batch_bytes
        batch, batch_bytes = [], 0
        if ahead is None and len(raws) >= BATCH_MESSAGES:
            ahead = ReadAhead()
        if ahead is None:  # nothing reads ahead: nothing to wait for
            new = store(raws, size, None)
            if new:
                process_pending(runtime, limit=new, batch=BATCH_MESSAGES)
            return
        if raws:
            submitted.append((raws, size, ahead.submit_arrivals(raws, group_refs(runtime))))
        # The oldest batch is stored once more are with the workers, or when none is
        # read any more (the end: one round per batch, so the order stays the same).
        previous = None
        if submitted and (len(submitted) > BATCHES_AHEAD or not raws):
            previous = submitted.popleft()
        if previous is not None and waiting:  # read by the workers meanwhile
            waiting = store_with_pending(*previous)
            return
        new = 0 if previous is None else store(*previous)
        if waiting:
            process_pending(runtime, limit=waiting, batch=BATCH_MESSAGES, ahead=ahead)
        waiting = new

    try:
        with fewer_collections():  # forked workers inherit it
            for source in sources:
                for raw in read_source(source):
                    summary.read += 1
                    batch.append(raw)
                    batch_bytes += len(raw)
                    if len(batch) >= BATCH_MESSAGES or batch_bytes >= BATCH_BYTES:
                        flush()
            flush()
            while submitted:  # the last batches handed to the workers
                flush()
            if new_ids:  # the last batch, and any message a round left behind
                process_pending(runtime, batch=BATCH_MESSAGES, ahead=ahead)
                summary.quarantined = _quarantined(runtime, new_ids)
    finally:
        if ahead is not None:
            ahead.close()
    return summary
