"""preload_rows leaves out what the runner never reads of earlier messages; read, it loads."""

from __future__ import annotations

import mailbox
import re
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import event, inspect, select

from corrbot.db import transaction
from corrbot.ingress import files
from corrbot.model import Message
from corrbot.pipeline import thread
from corrbot.runtime import Runtime
from tests.mail import make_mail

LISTS = {
    "envelope_to": ["cg@lists.example.org"],
    "attachments": [{"filename": "a.txt", "type": "text/plain", "size": 3}],
    "defects": ["body: something odd"],
}


def test_a_preloaded_row_reads_as_a_full_load_does(rt: Runtime) -> None:
    with transaction(rt.sessions) as session:
        session.add(
            Message(group_id=rt.group_id, message_id="old@x", text_body="t", references=["r@x"])
        )
        session.add(Message(group_id=rt.group_id, message_id="lists@x", new_text="n", **LISTS))
    with rt.sessions() as session:
        full = {
            row.message_id: {c.key: getattr(row, c.key) for c in Message.__table__.columns}
            for row in session.scalars(select(Message))
        }
    with transaction(rt.sessions) as session:
        thread.remember_rows(session)
        rows = thread.preload_rows(session, rt.group_id, ["old@x", "lists@x"])
        assert {"references", "parent_id", "thread_id"} <= set(inspect(rows[0]).dict)
        assert {row.message_id for row in rows} == set(full)
        for row in rows:
            assert {c.key: getattr(row, c.key) for c in Message.__table__.columns} == full[
                row.message_id
            ]


def test_an_import_never_loads_them_afterwards(
    make_runtime: Callable[..., Runtime], sqlite_url: str, tmp_path: Path
) -> None:
    box = mailbox.mbox(tmp_path / "archive.mbox")
    # Large enough to read ahead; the second batch answers the first.
    for n in range(files.BATCH_MESSAGES + 40):
        above = n - files.BATCH_MESSAGES if n >= files.BATCH_MESSAGES else n - 1
        parent = {"in_reply_to": f"m{above}@x"} if n % 4 else {}
        box.add(
            make_mail(
                "ana@example.org", f"Re: note {n // 4}", "Text.\n", message_id=f"m{n}@x", **parent
            )
        )
    box.close()
    runtime = make_runtime(sqlite_url)
    lazy: list[str] = []
    left_out = re.compile(r"^SELECT message\.(attachments|defects|envelope_to) ")

    def note(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        if left_out.match(statement):
            lazy.append(statement)

    event.listen(runtime.engine, "before_cursor_execute", note)
    summary = files.ingest(
        runtime, files.find_sources([str(tmp_path / "archive.mbox")]), no_deliver=True
    )
    assert summary.read == files.BATCH_MESSAGES + 40
    assert lazy == []
