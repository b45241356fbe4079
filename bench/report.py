"""Benchmark: an update report over 50,000 messages from 5,000 members and 200 issues.

Builds a fresh SQLite database with bulk inserts (members, issues, accepted posts,
task and issue tags, mapping entries and their items), then times the real path of
a deadline report: collect from the store and render text and HTML (the target:
under 5 seconds), then, for information, the whole send: claim, render, compose the
MIME email and queue one copy per recipient.

    .venv/bin/python bench/report.py [--messages 50000] [--members 5000] [--issues 200]
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

from benchgroup import build_group
from sqlalchemy import func, insert, select

from corrbot.clock import FixedClock
from corrbot.config import STAKEHOLDER_GROUPS
from corrbot.db import transaction
from corrbot.model import Deadline, Issue, Item, MappingEntry, Member, Message, OutboxEntry, Tag
from corrbot.reports.collect import collect_update
from corrbot.reports.due import send_one
from corrbot.reports.render import base_context, render
from corrbot.runtime import Runtime

START = datetime(2013, 10, 1, 9)
DUE = datetime(2013, 11, 29, 17)
TARGET_SECONDS = 5.0


def build(path: Path, messages: int, members: int, issues: int) -> Runtime:
    runtime = build_group(
        f"sqlite:///{path}",
        path.parent,
        FixedClock(START),
        tasks=[{"key": k, "title": f"Task {k}"} for k in "abcd"],
        deadlines=[{"key": "update-1", "kind": "update-report", "due": DUE}],
    )
    gid = runtime.group_id
    rng = random.Random(7)
    span = (DUE - START).total_seconds() - 60
    with transaction(runtime.sessions) as session:
        session.execute(
            insert(Member),
            [
                {
                    "group_id": gid,
                    "email": f"member{i}@org{i % 300}.example",
                    "name": f"Member {i}",
                    "org": f"Organisation {i % 300}",
                    "stakeholder": STAKEHOLDER_GROUPS[i % len(STAKEHOLDER_GROUPS)],
                    "joined_at": START,
                }
                for i in range(members)
            ],
        )
        session.execute(
            insert(Issue),
            [
                {"group_id": gid, "number": n, "title": f"Issue title {n}"}
                for n in range(1, issues + 1)
            ],
        )
        member_ids = list(session.scalars(select(Member.id).where(Member.group_id == gid)))
        issue_ids = list(session.scalars(select(Issue.id).order_by(Issue.number)))
        rows = []
        for i in range(messages):
            at = START + timedelta(seconds=span * (i + 1) / messages)
            sender = rng.choice(member_ids)
            rows.append(
                {
                    "group_id": gid,
                    "message_id": f"{i}.bench@mail.example",
                    "received_at": at,
                    "date": at,
                    "purpose": "post",
                    "stage": "processed",
                    "status": "accepted",
                    "subject": f"Re: [b] Mechanisms for issue {i % issues + 1}, part {i}",
                    "from_addr": f"member{sender}@org.example",
                    "from_name": f"Member {sender}",
                    "member_id": sender,
                    "on_behalf_of": "A coalition" if i % 17 == 0 else None,
                }
            )
        session.execute(insert(Message), rows)
        first = session.scalar(select(Message.id).order_by(Message.id)) or 1
        tags = []
        for i in range(messages):
            mid = first + i
            if i % 10 == 9:
                continue  # some posts are untagged
            tags.append(
                {"message_id": mid, "kind": "task", "key": "abcd"[i % 4], "source": "explicit"}
            )
            tags.append(
                {
                    "message_id": mid,
                    "kind": "issue",
                    "key": str(i % issues + 1),
                    "source": "explicit",
                }
            )
        session.execute(insert(Tag), tags)
        entries = []
        for n, issue_id in enumerate(issue_ids):
            for k in range(3):
                mid = first + n * 3 + k
                item = Item(
                    group_id=gid,
                    kind="mapping",
                    title=f"#{n + 1}: Mechanism {k}",
                    message_id=mid,
                    issue_id=issue_id,
                    opened_at=START,
                    closes_at=DUE + timedelta(days=k),
                    state=("open", "consensus", "open")[k],
                )
                session.add(item)
                session.flush()
                entries.append(
                    {
                        "group_id": gid,
                        "issue_id": issue_id,
                        "message_id": mid,
                        "item_id": item.id,
                        "mechanism": f"Mechanism {k} for issue {n + 1}",
                        "status": ("addressing", "partially", "unknown")[k],
                        "gap": "A gap" if k == 1 else None,
                        "created_at": START,
                    }
                )
        session.execute(insert(MappingEntry), entries)
    return runtime


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=50_000)
    parser.add_argument("--members", type=int, default=5_000)
    parser.add_argument("--issues", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        runtime = build(Path(tmp) / "bench.db", args.messages, args.members, args.issues)
        print(
            f"built {args.messages} messages, {args.members} members, {args.issues} issues "
            f"in {time.perf_counter() - t0:.1f}s"
        )
        runtime.clock = FixedClock(DUE)
        t1 = time.perf_counter()
        with runtime.sessions() as session:
            data = collect_update(session, runtime.group_id, START - timedelta(days=1), DUE)
        t2 = time.perf_counter()
        context = base_context(runtime, kind="update-report", key="update-1", now=DUE)
        context.update(data=data, due=DUE)
        rendered = render(runtime, "update-report", context)
        t3 = time.perf_counter()
        rendering = t3 - t1
        print(
            f"update report over {data.count} contributions rendered in {rendering:.2f}s "
            f"(collect {t2 - t1:.2f}s, text+html {t3 - t2:.2f}s; {len(rendered.text) // 1024} KiB "
            f"text, {len(rendered.html or '') // 1024} KiB html; target < {TARGET_SECONDS:.0f}s)"
        )
        with runtime.sessions() as session:
            deadline = session.scalars(select(Deadline)).one()
        t4 = time.perf_counter()
        assert send_one(runtime, deadline.id, deadline.key, deadline.kind, deadline.due)
        sending = time.perf_counter() - t4
        with runtime.sessions() as session:
            copies = session.scalar(select(func.count()).select_from(OutboxEntry))
            bodies = session.scalar(select(func.count(func.distinct(OutboxEntry.raw_sha256))))
        print(
            f"the whole send (claim, collect, render, MIME-encode, queue {copies} copies "
            f"sharing {bodies} stored body) took {sending:.2f}s"
        )
        runtime.close()
        return 0 if rendering < TARGET_SECONDS and data.count == args.messages else 1


if __name__ == "__main__":
    sys.exit(main())
