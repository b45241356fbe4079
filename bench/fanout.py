"""Benchmark: one post to a group of 5,000 members, delivered through Postfix's smtp-sink.

Starts ``smtp-sink`` (Debian ``postfix``) on a free loopback port, builds a fresh
group with corrbot's own functions (``sync_group`` for the chair and coordinators,
``members.add_member`` for the rest, so 5,000 active members in all), sets
``[delivery] mode = "smtp"`` to the sink, stores one post from a member, and times
the whole fan-out: ``process_pending`` (parse, rules, distribute: one outbox row per
recipient) then ``outbound.deliver.deliver_due`` until every row is sent. In the same
run, ``smtp-source`` sends the same number of messages of the same size to the same
sink over one connection (``-s 1 -d``), the floor the ratio is measured against.
The sink's concurrency is the same for both: corrbot also uses one connection at a
time (reopened every ``recipients_per_connection`` copies).

Goal (issue 4): the whole fan-out under 5 seconds; the script exits non-zero when it
is slower or when a copy is missing.

    .venv/bin/python bench/fanout.py [--members 5000] [--db URL]
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from email.message import EmailMessage
from email.utils import make_msgid
from pathlib import Path

from benchgroup import LIST, build_group, free_port
from sqlalchemy import delete, func, select

from corrbot.db import transaction
from corrbot.intake import store_message
from corrbot.members import add_member
from corrbot.model import OutboxEntry
from corrbot.outbound.deliver import deliver_due
from corrbot.pipeline.runner import process_pending
from corrbot.runtime import Runtime

GOAL_SECONDS = 5.0
SINK = "/usr/sbin/smtp-sink"
SOURCE = "/usr/sbin/smtp-source"
BODY = (
    "Dear all,\n\nthe draft of section 3 is attached to the tracker; please send\n"
    "comments on the terminology before the call on Thursday.\n\n" * 8
) + "Regards,\nMember One\n"


def start_sink(port: int) -> subprocess.Popen[bytes]:
    # -c: a running count on stdout, which we do not read (it goes to /dev/null).
    # As root, smtp-sink insists on dropping to an unprivileged user after binding.
    user = ["-u", "postfix"] if os.geteuid() == 0 else []
    sink = subprocess.Popen(
        [SINK, *user, "-c", f"127.0.0.1:{port}", "1000"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return sink
        except OSError:
            if sink.poll() is not None:
                err = sink.stderr.read().decode() if sink.stderr else ""
                raise SystemExit(f"smtp-sink did not start: {err.strip()}") from None
            time.sleep(0.05)
    sink.terminate()
    raise SystemExit("smtp-sink did not listen within 5 seconds")


def build(url: str, home: Path, port: int, members: int) -> Runtime:
    delivery = {"mode": "smtp", "host": "127.0.0.1", "port": port}
    runtime = build_group(url, home, delivery=delivery)
    with transaction(runtime.sessions) as session:
        officers = 1 + len(runtime.settings.group.coordinators)
        for n in range(1, members - officers + 1):
            add_member(
                session,
                runtime.group_id,
                runtime.clock,
                email=f"member{n:05d}@example{n % 97}.org",
                name=f"Member {n}",
                stakeholder="civil-society",
            )
    return runtime


def fanout(runtime: Runtime) -> tuple[float, float, float, int, int]:
    """(seconds in all, of which pipeline, of which delivery; rows sent; raw size)."""
    post = EmailMessage()
    post["From"] = "Member One <member00001@example1.org>"
    post["To"] = LIST
    post["Subject"] = "Section 3 terminology"
    post["Date"] = "Wed, 02 Oct 2013 10:00:00 +0000"
    post["Message-ID"] = make_msgid(domain="example1.org")
    post.set_content(BODY)
    raw = post.as_bytes()
    with transaction(runtime.sessions) as session:
        store_message(
            session, runtime.group_id, raw, via="smtp", clock=runtime.clock, envelope_to=[LIST]
        )
    started = time.perf_counter()
    process_pending(runtime)
    queued = time.perf_counter()
    sent = 0
    while True:
        got = deliver_due(runtime)
        if got == 0:
            break
        sent += got
    done = time.perf_counter()
    with runtime.sessions() as session:
        size = session.scalar(select(func.max(func.length(OutboxEntry.raw)))) or 0
    return done - started, queued - started, done - queued, sent, int(size)


def states(runtime: Runtime) -> dict[str, int]:
    with runtime.sessions() as session:
        rows = session.execute(
            select(OutboxEntry.state, func.count()).group_by(OutboxEntry.state)
        ).all()
    return {str(state): int(n) for state, n in rows}


def smtp_source(port: int, count: int, size: int) -> float:
    started = time.perf_counter()
    subprocess.run(
        [
            SOURCE,
            "-s", "1",  # one session at a time, as corrbot
            "-d",  # keep the connection between messages
            "-m", str(count),
            "-l", str(size),
            "-f", "cg-bounces@lists.example.org",
            "-t", "member@example.org",
            f"127.0.0.1:{port}",
        ],
        check=True,
    )  # fmt: skip
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--members", type=int, default=5000, help="active members in all")
    parser.add_argument("--db", default=None, help="SQLAlchemy URL (default: a temp SQLite)")
    args = parser.parse_args()
    for tool in (SINK, SOURCE):
        if not shutil.which(tool):
            raise SystemExit(f"{tool} is missing (Debian package postfix)")
    port = free_port()
    sink = start_sink(port)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            url = args.db or f"sqlite:///{Path(tmp) / 'fanout.db'}"
            runtime = build(url, Path(tmp), port, args.members)
            if args.db:  # a reused PostgreSQL database: start from an empty outbox
                with transaction(runtime.sessions) as session:
                    session.execute(delete(OutboxEntry))
            dialect = runtime.engine.dialect.name
            print(f"fan-out of one post to {args.members} members, {dialect}, smtp-sink :{port}")
            total, pipeline, delivery, sent, size = fanout(runtime)
            counts = states(runtime)
            runtime.close()
        floor = smtp_source(port, sent, size)
    finally:
        sink.terminate()
        sink.wait(timeout=10)
    print(f"  outbox states: {counts}")
    print(f"  pipeline (parse, rules, distribute, queue): {pipeline:6.2f} s")
    print(f"  delivery (deliver_due until empty):        {delivery:6.2f} s")
    print(f"  whole fan-out, {sent} copies of {size} bytes: {total:6.2f} s")
    print(f"  smtp-source, same count and size, 1 session: {floor:6.2f} s")
    print(f"  ratio fan-out / smtp-source: {total / floor:.1f}x")
    ok = total < GOAL_SECONDS and sent == args.members and counts == {"sent": sent}
    verdict = "met" if total < GOAL_SECONDS else "NOT met"
    print(f"  goal: under {GOAL_SECONDS:.0f} s, {verdict}; all copies sent: {sent == args.members}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
