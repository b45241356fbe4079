"""Benchmark: Postfix's smtp-source against corrbot's listener and a bare aiosmtpd handler.

In one run, ``smtp-source`` (Debian ``postfix``) sends the same number of messages
over the same number of concurrent connections to two listeners on free loopback
ports: a bare aiosmtpd handler whose DATA answers "250 OK" and stores nothing, then
corrbot's real listener (``corrbot.ingress.smtp.start_listener``: RCPT checked
against the group's addresses, 250 only after the batch holding the message is
committed) on a fresh SQLite file (or ``--db URL``, e.g. PostgreSQL). It prints
messages per second of each and the ratio corrbot / bare, then counts the stored
rows: every message that got a 250 must be in the store.

smtp-source's generated messages carry ``Message-Id: <pid.fd.n@host>`` (its process
id, the connection's descriptor, its message counter) and differ in those bytes, so
none is folded into another by corrbot's de-duplication: the row count at the end
checks it (5,000 rows for 5,000 acknowledged, with or without ``-d``).

Goal (issue 3): corrbot accepts, durably, at least half as fast as the bare handler;
the script exits non-zero when slower or when a message is missing.

    .venv/bin/python bench/smtp_accept.py [--messages 5000] [--sessions 20] [--db URL]
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session
from benchgroup import LIST, build_group, free_port
from sqlalchemy import delete, func, select, text

from corrbot.db import transaction
from corrbot.ingress.smtp import start_listener
from corrbot.model import Message, RawBlob
from corrbot.runtime import Runtime

GOAL_RATIO = 0.5
SOURCE = "/usr/sbin/smtp-source"


class BareHandler:
    """Accepts every message and keeps nothing: the floor corrbot is measured against."""

    def __init__(self) -> None:
        self.count = 0

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        self.count += 1
        return "250 OK"


def durability(runtime: Runtime) -> str:
    """The server settings that decide what a commit costs (the figures depend on them)."""
    if runtime.engine.dialect.name != "postgresql":
        return " (synchronous=FULL, WAL)"
    with runtime.engine.connect() as conn:
        fsync = conn.execute(text("SHOW fsync")).scalar()
        sync = conn.execute(text("SHOW synchronous_commit")).scalar()
    return f" (fsync={fsync}, synchronous_commit={sync})"


def smtp_source(port: int, messages: int, sessions: int, size: int) -> tuple[float, int]:
    """Seconds to send, and how many messages the server acknowledged (from `-c`)."""
    started = time.perf_counter()
    done = subprocess.run(
        [
            SOURCE,
            "-c",  # print a running count of messages acknowledged
            "-d",  # each session keeps its connection between messages
            "-s", str(sessions),
            "-m", str(messages),
            "-l", str(size),
            "-f", "member@example.org",
            "-t", LIST,
            f"127.0.0.1:{port}",
        ],
        capture_output=True,
        check=False,
    )  # fmt: skip
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"smtp-source failed: {done.stderr.decode().strip()}")
    counts = re.findall(rb"\d+", done.stdout)
    return seconds, int(counts[-1]) if counts else 0


def run_bare(messages: int, sessions: int, size: int) -> tuple[float, int, int]:
    handler = BareHandler()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        seconds, acked = smtp_source(controller.port, messages, sessions, size)
    finally:
        controller.stop()
    return seconds, acked, handler.count


def run_corrbot(
    runtime: Runtime, messages: int, sessions: int, size: int
) -> tuple[float, int, int, int]:
    """(seconds, acknowledged, Message rows, commits)."""
    listener = start_listener(runtime, host="127.0.0.1", port=free_port())
    try:
        seconds, acked = smtp_source(listener.port, messages, sessions, size)
    finally:
        listener.stop()
    with runtime.sessions() as session:
        rows = session.scalar(
            select(func.count()).select_from(Message).where(Message.group_id == runtime.group_id)
        )
    return seconds, acked, int(rows or 0), listener.committer.commits


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--messages", type=int, default=5000)
    parser.add_argument("--sessions", type=int, default=20, help="concurrent connections")
    parser.add_argument("--size", type=int, default=2000, help="body bytes (smtp-source -l)")
    parser.add_argument("--db", default=None, help="SQLAlchemy URL (default: a temp SQLite)")
    args = parser.parse_args()
    if not shutil.which(SOURCE):
        raise SystemExit(f"{SOURCE} is missing (Debian package postfix)")
    with tempfile.TemporaryDirectory() as tmp:
        url = args.db or f"sqlite:///{Path(tmp) / 'accept.db'}"
        runtime = build_group(url, Path(tmp))
        if args.db:  # a reused database: start from an empty store
            with transaction(runtime.sessions) as session:
                session.execute(delete(Message))
                session.execute(delete(RawBlob))
        dialect = runtime.engine.dialect.name
        print(
            f"smtp-source: {args.messages} messages of {args.size} body bytes "
            f"over {args.sessions} connections; corrbot on {dialect}{durability(runtime)}"
        )
        bare_s, bare_acked, bare_seen = run_bare(args.messages, args.sessions, args.size)
        ours_s, ours_acked, rows, commits = run_corrbot(
            runtime, args.messages, args.sessions, args.size
        )
        runtime.close()
    bare_rate = args.messages / bare_s
    ours_rate = args.messages / ours_s
    ratio = ours_rate / bare_rate
    print(f"  bare aiosmtpd (stores nothing): {bare_s:6.2f} s, {bare_rate:7.0f} msg/s")
    print(f"  corrbot listener (committed):   {ours_s:6.2f} s, {ours_rate:7.0f} msg/s")
    print(f"  acknowledged: bare {bare_acked} (handler saw {bare_seen}), corrbot {ours_acked}")
    print(f"  corrbot Message rows: {rows} in {commits} commits")
    print(f"  ratio corrbot / bare: {ratio:.2f}")
    all_stored = rows == ours_acked == args.messages
    verdict = "met" if ratio >= GOAL_RATIO else "NOT met"
    print(f"  goal: at least {GOAL_RATIO:.1f}x the bare rate, {verdict}; all stored: {all_stored}")
    return 0 if ratio >= GOAL_RATIO and all_stored else 1


if __name__ == "__main__":
    sys.exit(main())
