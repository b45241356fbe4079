"""Benchmark: `corrbot ingest --no-deliver` of a real archive, against the parse floor.

Reads the linux-mips corpus (../shared/corpora, never copied here; the largest, 10k
messages, by default), then:

1. parse stage, no database, the same messages each: the standard library's
   ``BytesParser(policy=compat32)`` alone (the floor), corrbot's ``read_message``
   (that parser plus decoding: subject, sender, date, references, text body,
   attachments) and ``mailparser.parse_from_bytes``; messages/second and ratios;
2. the full ingest, as ``corrbot ingest --no-deliver`` runs it
   (``corrbot.ingress.files.ingest``: store in batches, then parse, thread, rules,
   reading and tags, consensus) into a fresh SQLite file; messages/second, and its
   time as a multiple of the parse floor (issue 3's goal: within 3x), the floor
   being the mean of the bare parse timed just before and just after the ingest.

vger adds ``Precedence: bulk`` to every message of the archive; an archive import
reads such mail anyway (the sign is the list's, not the author's), so the bytes are
fed unchanged and the ingest measures the accepted path (reading, tags).

    .venv/bin/python bench/ingest.py [--limit N] [--corpus PATH] [--db URL] [--group G]
"""

from __future__ import annotations

import argparse
import logging
import mailbox
import tempfile
import time
import tomllib
from collections.abc import Callable
from datetime import datetime
from email.parser import BytesParser
from email.policy import compat32
from pathlib import Path

import mailparser
from benchgroup import build_group
from sqlalchemy import func, select

from corrbot.archive import escape_mboxrd, unescape_mboxrd
from corrbot.db import transaction
from corrbot.ingress.files import find_sources, ingest
from corrbot.issue_list import import_issues, read_issue_list
from corrbot.model import Message
from corrbot.pipeline.parse import read_message
from corrbot.runtime import Runtime

CORPUS = (
    Path(__file__).resolve().parents[2]
    / "shared"
    / "corpora"
    / "linux-mips"
    / "linux-mips-10k.mbox"
)
GOAL = 3.0  # full ingest within this multiple of the bare parse time
# The floor: the standard library's parse alone, as the parse stage and the ingest's
# own floor both time it.
bare = BytesParser(policy=compat32).parsebytes


def load(path: Path, limit: int) -> list[bytes]:
    box = mailbox.mbox(str(path), create=False)
    raws: list[bytes] = []
    for key in box.iterkeys():
        if limit and len(raws) >= limit:
            break
        raws.append(unescape_mboxrd(box.get_bytes(key)))  # the archive is mboxrd
    return raws


def rate(label: str, raws: list[bytes], work: Callable[[bytes], object]) -> tuple[float, float]:
    """(messages per second, seconds)."""
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
    return per_second, seconds


def parse_stage(raws: list[bytes]) -> None:
    """Print the parse rates."""
    print(f"parse stage, {len(raws)} messages, no database:")
    stdlib, _ = rate("BytesParser(policy=compat32) alone", raws, bare)
    ours, _ = rate(
        "corrbot read_message (parse + decode)",
        raws,
        lambda raw: read_message(Message(message_id="bench", received_at=NOW), raw),
    )
    theirs, _ = rate("mailparser.parse_from_bytes", raws, mailparser.parse_from_bytes)
    print(
        f"  corrbot / mail-parser: {ours / theirs:.1f}x as fast; "
        f"corrbot / bare stdlib parse: {ours / stdlib:.2f}"
    )


NOW = datetime(2019, 12, 1)


REPO = Path(__file__).resolve().parents[1]


def build(url: str, home: Path, group: str) -> Runtime:
    """The group the archive is read into.

    ``example``: the four ToR tasks of config.example.toml and the demo's issue list
    (what a correspondence group has: tagging then runs its cue phrases and issue
    names on every message); ``plain``: four tasks with bare titles and no issue list
    (this benchmark's group before 2026-11-26, for comparison).
    """
    if group == "plain":
        return build_group(url, home, tasks=[{"key": k, "title": f"Task {k}"} for k in "abcd"])
    example = tomllib.loads((REPO / "config.example.toml").read_text())
    runtime = build_group(url, home, tasks=example["tasks"])
    with transaction(runtime.sessions) as session:
        rows = read_issue_list(REPO / "corrbot" / "demo" / "data" / "issues.csv")
        import_issues(session, runtime.group_id, rows)
    return runtime


def bare_parse(raws: list[bytes]) -> float:
    """Seconds the floor takes: ``bare`` over every message."""
    started = time.perf_counter()
    for raw in raws:
        bare(raw)
    return time.perf_counter() - started


def pipeline(raws: list[bytes], url: str | None, group: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        archive = Path(tmp) / "archive.mbox"
        with archive.open("wb") as out:
            for raw in raws:
                out.write(b"From bench@example.org Thu Jan  1 00:00:00 1970\n")
                out.write(escape_mboxrd(raw))
                out.write(b"\n" if raw.endswith(b"\n") else b"\n\n")
        runtime = build(url or f"sqlite:///{Path(tmp) / 'bench.db'}", Path(tmp), group)
        print(
            f"ingest --no-deliver, {len(raws)} messages, {runtime.engine.dialect.name}, "
            f"{group} group:"
        )
        # The floor again, just before and just after: this machine's speed drifts
        # within a minute, and the parse stage above ends half a minute earlier.
        before = bare_parse(raws)
        started = time.perf_counter()
        summary = ingest(runtime, find_sources([str(archive)]), no_deliver=True)
        seconds = time.perf_counter() - started
        after = bare_parse(raws)
        with runtime.sessions() as session:
            statuses = dict(
                session.execute(
                    select(Message.status, func.count())
                    .where(Message.placeholder.is_(False))
                    .group_by(Message.status)
                ).all()
            )
        runtime.close()
    floor = (before + after) / 2
    multiple = seconds / floor
    verdict = "met" if multiple <= GOAL else "NOT met"
    print(f"  {summary}; statuses {statuses}")
    print(f"  ingest {len(raws) / seconds:8.0f} msg/s  ({seconds:.2f} s)")
    print(
        f"  bare parse just before and after it: {before:.2f} s and {after:.2f} s "
        f"(the floor: their mean, {floor:.2f} s)"
    )
    print(f"  = {multiple:.1f}x the bare parse time (goal: within {GOAL:.0f}x, {verdict})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--limit", type=int, default=0, help="at most this many (0: all)")
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--db", default=None, help="SQLAlchemy URL (default: a temp SQLite)")
    parser.add_argument(
        "--group",
        choices=["example", "plain"],
        default="example",
        help="example: the example config's ToR tasks and the demo's issue list; "
        "plain: four bare task titles, no issues",
    )
    args = parser.parse_args()
    logging.getLogger("mailparser").setLevel(logging.ERROR)  # one warning per PGP part
    raws = load(args.corpus, args.limit)
    parse_stage(raws)
    pipeline(raws, args.db, args.group)


if __name__ == "__main__":
    main()
