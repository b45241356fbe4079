"""Benchmark: real list mail through store and process, and the parse stage against mail-parser.

Reads messages from the linux-mips corpus (../shared/corpora, never copied here),
then:

1. parse stage, no database: the standard library's ``BytesParser(policy=compat32)``
   alone, corrbot's ``read_message`` (that parser plus decoding: subject, sender,
   date, references, text body, attachments) and ``mailparser.parse_from_bytes``,
   each over the same messages; prints messages/second and the ratio;
2. the pipeline on a fresh database: store in batches of 200 (as ``ingest`` and
   the listener do), then ``process_pending`` (parse, thread, rules, reading,
   consensus), as an archive import (``no_deliver``: nothing held or sent);
   prints messages/second for each and in all.

vger adds ``Precedence: bulk`` to every message of the archive, and the auto-reply
rule drops such mail before it is read; so that the pipeline run measures the
accepted path (reading, tags, consensus), that one header line is removed from the
copies fed to it (``--keep-precedence`` feeds the bytes unchanged).

    .venv/bin/python bench/ingest.py [--limit 1000] [--corpus PATH] [--db URL] [--keep-precedence]
"""

from __future__ import annotations

import argparse
import logging
import mailbox
import re
import tempfile
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import mailparser
from sqlalchemy import func, select

from corrbot.archive import unescape_mboxrd
from corrbot.clock import SystemClock
from corrbot.config import parse_settings
from corrbot.db import transaction
from corrbot.groups import sync_group
from corrbot.intake import Arrival, store_arrivals
from corrbot.migrate import upgrade
from corrbot.model import Message
from corrbot.pipeline.parse import read_message
from corrbot.pipeline.runner import process_pending
from corrbot.runtime import Runtime

CORPUS = (
    Path(__file__).resolve().parents[2] / "shared" / "corpora" / "linux-mips" / "linux-mips-1k.mbox"
)
BATCH = 200
_PRECEDENCE = re.compile(rb"^Precedence:[^\n]*\n", re.IGNORECASE | re.MULTILINE)


def without_precedence(raw: bytes) -> bytes:
    head, sep, body = raw.partition(b"\n\n")
    return _PRECEDENCE.sub(b"", head) + sep + body


def load(path: Path, limit: int) -> list[bytes]:
    box = mailbox.mbox(str(path), create=False)
    raws: list[bytes] = []
    for key in box.iterkeys():
        if len(raws) >= limit:
            break
        raws.append(unescape_mboxrd(box.get_bytes(key)))  # the archive is mboxrd
    return raws


def rate(label: str, raws: list[bytes], work: Callable[[bytes], object]) -> float:
    started = time.perf_counter()
    failures = 0
    for raw in raws:
        try:
            work(raw)
        except Exception:  # mail-parser may give up on a message; count it, go on
            failures += 1
    seconds = time.perf_counter() - started
    per_second = len(raws) / seconds
    note = f", {failures} raised" if failures else ""
    print(f"  {label:<42} {per_second:8.0f} msg/s  ({seconds:.2f} s{note})")
    return per_second


def parse_stage(raws: list[bytes]) -> None:
    from email.parser import BytesParser
    from email.policy import compat32

    print(f"parse stage, {len(raws)} messages, no database:")
    stdlib = rate(
        "BytesParser(policy=compat32) alone", raws, BytesParser(policy=compat32).parsebytes
    )
    ours = rate(
        "corrbot read_message (parse + decode)",
        raws,
        lambda raw: read_message(Message(message_id="bench", received_at=NOW), raw),
    )
    theirs = rate("mailparser.parse_from_bytes", raws, mailparser.parse_from_bytes)
    print(
        f"  corrbot / mail-parser: {ours / theirs:.1f}x as fast; "
        f"corrbot / bare stdlib parse: {ours / stdlib:.2f}"
    )


NOW = datetime(2019, 12, 1)


def build(url: str, home: Path) -> Runtime:
    settings = parse_settings(
        {
            "group": {
                "name": "Bench Group",
                "list_address": "cg@lists.example.org",
                "chair": "chair@example.org",
                "coordinators": ["coordinator@example.org"],
            },
            "database": {"url": url},
            "tasks": [{"key": k, "title": f"Task {k}"} for k in "abcd"],
        },
        home,
    )
    runtime = Runtime.build(settings, SystemClock())
    upgrade(runtime.engine)
    with transaction(runtime.sessions) as session:
        sync_group(session, settings, runtime.clock)
    return runtime


def pipeline(raws: list[bytes], url: str | None) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        runtime = build(url or f"sqlite:///{Path(tmp) / 'bench.db'}", Path(tmp))
        print(f"pipeline, {len(raws)} messages, {runtime.engine.dialect.name}:")
        started = time.perf_counter()
        for start in range(0, len(raws), BATCH):
            arrivals = [
                Arrival(raw, "file", envelope_to=("cg@lists.example.org",), no_deliver=True)
                for raw in raws[start : start + BATCH]
            ]
            with transaction(runtime.sessions) as session:
                store_arrivals(session, runtime.group_id, arrivals, runtime.clock)
        stored = time.perf_counter()
        done = process_pending(runtime)
        finished = time.perf_counter()
        with runtime.sessions() as session:
            statuses = dict(
                session.execute(
                    select(Message.status, func.count())
                    .where(Message.placeholder.is_(False))
                    .group_by(Message.status)
                ).all()
            )
        runtime.close()
    n = len(raws)
    print(f"  store   {n / (stored - started):8.0f} msg/s  ({stored - started:.2f} s)")
    print(f"  process {done / (finished - stored):8.0f} msg/s  ({finished - stored:.2f} s)")
    print(f"  in all  {n / (finished - started):8.0f} msg/s  statuses: {statuses}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--limit", type=int, default=1000)
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--db", default=None, help="SQLAlchemy URL (default: a temp SQLite)")
    parser.add_argument("--keep-precedence", action="store_true")
    args = parser.parse_args()
    logging.getLogger("mailparser").setLevel(logging.ERROR)  # one warning per PGP part
    raws = load(args.corpus, args.limit)
    parse_stage(raws)
    pipeline(raws if args.keep_precedence else [without_precedence(r) for r in raws], args.db)


if __name__ == "__main__":
    main()
