"""Threads and placeholders made in a runner transaction: ids at once, inserted together.

new_rows gives a row the id the database would have given it and stores it at the
next flush or statement; the rows must end as an INSERT ... RETURNING stored them.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from corrbot.db import transaction
from corrbot.model import Message, Thread
from corrbot.pipeline import new_rows, thread
from corrbot.runtime import Runtime
from tests.pipeline.conftest import statements


def _make(session: Session, group_id: int, name: str) -> tuple[Thread, Message]:
    made = {"group_id": group_id, "root_id": None, "subject_key": name}
    row = thread._insert(session, Thread, {**made, "created_at": datetime(2013, 10, 1)})
    placeholder = {"group_id": group_id, "message_id": f"{name}@x", "placeholder": True}
    return row, thread._insert(session, Message, placeholder)


def _stored(runtime: Runtime, row_ids: list[tuple[int, int]]) -> list[dict[str, Any]]:
    with runtime.sessions() as session:
        found = []
        for thread_id, message_id in row_ids:
            for row in (session.get(Thread, thread_id), session.get(Message, message_id)):
                assert row is not None
                found.append({c.key: getattr(row, c.key) for c in type(row).__table__.columns})
        return found


def test_rows_made_later_are_stored_as_an_insert_returning_stores_them(rt: Runtime) -> None:
    with transaction(rt.sessions) as session:
        now_thread, now_placeholder = _make(session, rt.group_id, "now")
        made_now = [(now_thread.id, now_placeholder.id)]
    with transaction(rt.sessions) as session:
        new_rows.remember(session)
        later_thread, later_placeholder = _make(session, rt.group_id, "later")
        held = {c.key: getattr(later_placeholder, c.key) for c in Message.__table__.columns}
        made_later = [(later_thread.id, later_placeholder.id)]
    now, later = _stored(rt, made_now), _stored(rt, made_later)
    for before, after in zip(now, later, strict=True):
        assert {**before, "id": 0, "subject_key": "", "message_id": ""} == {
            **after,
            "id": 0,
            "subject_key": "",
            "message_id": "",
        }
    assert later[1] == held  # the object held in the session, as stored
    assert later[1]["envelope_to"] == [] and later[1]["stage"] == "received"


def test_a_batch_of_new_rows_is_one_insert_per_table(rt: Runtime) -> None:
    with transaction(rt.sessions) as session:
        new_rows.remember(session)
        with statements(session, "INSERT") as inserts:
            made = [_make(session, rt.group_id, f"t{n}") for n in range(5)]
            assert inserts == []  # nothing sent yet
            with session.no_autoflush:  # a statement through the session sends them
                names = session.scalars(select(Message.message_id).order_by(Message.id))
                assert list(names) == [f"t{n}@x" for n in range(5)]
        assert len(inserts) == 2  # threads, then messages
        thread_ids = [row.id for row, _ in made]
        assert thread_ids == sorted(set(thread_ids))
        made_later = [(row.id, placeholder.id) for row, placeholder in made]
    assert [row["subject_key"] for row in _stored(rt, made_later)[::2]] == [
        f"t{n}" for n in range(5)
    ]


def test_sqlite_ids_are_the_ones_an_insert_would_have_given(runtime: Runtime) -> None:
    with runtime.sessions() as session:
        session.begin()
        given = [row.id for row in _make(session, runtime.group_id, "a")]  # inserted now
        session.rollback()
    with transaction(runtime.sessions) as session:
        new_rows.remember(session)
        made = [row.id for row in _make(session, runtime.group_id, "a")]
        more = [row.id for row in _make(session, runtime.group_id, "b")]
    assert made == given
    assert more == [given[0] + 1, given[1] + 1]


def test_a_flush_stores_them_before_the_rows_that_refer_to_them(rt: Runtime) -> None:
    with transaction(rt.sessions) as session:
        new_rows.remember(session)
        row, placeholder = _make(session, rt.group_id, "flushed")
        placeholder.thread_id = row.id  # a foreign key to a thread not stored yet
        session.flush()
        on_connection = select(Message.thread_id).where(Message.id == placeholder.id)
        assert session.connection().scalar(on_connection) == row.id  # bypasses the session
