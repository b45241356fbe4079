"""thread._insert's rows are the session's own, as if a query had loaded them."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import inspect, select
from sqlalchemy.orm import Session, make_transient_to_detached

from corrbot.db import transaction
from corrbot.model import Message, Thread
from corrbot.pipeline import new_rows, thread
from corrbot.runtime import Runtime
from tests.pipeline.conftest import statements


def _columns(row: Message | Thread) -> dict[str, object]:
    return {c.key: getattr(row, c.key) for c in type(row).__table__.columns}


def _as_constructed(row: Message | Thread) -> Message | Thread:
    """What the constructor makes of the same values (how _insert made them before)."""
    made = type(row)(**_columns(row))
    make_transient_to_detached(made)
    return made


def _make(session: Session, group_id: int) -> tuple[Thread, Message]:
    made = {"group_id": group_id, "root_id": None, "subject_key": "k"}
    row = thread._insert(session, Thread, {**made, "created_at": datetime(2013, 10, 1)})
    placeholder = {"group_id": group_id, "message_id": "p@x", "placeholder": True}
    return row, thread._insert(session, Message, placeholder)


@pytest.mark.parametrize("later", [False, True])
def test_a_new_row_is_complete_unchanged_and_writes_its_changes(rt: Runtime, later: bool) -> None:
    with transaction(rt.sessions) as session:
        if later:
            new_rows.remember(session)
        made = _make(session, rt.group_id)
        for row in made:
            state = inspect(row)
            assert state.persistent and not state.modified and row in session
            assert state.unloaded == set()  # nothing to load: reading it sends nothing
            with statements(session, "SELECT") as selects:
                held = _columns(row)
            assert selects == []
            constructed = _as_constructed(row)
            assert held == _columns(constructed)
            assert state.key == inspect(constructed).key
        row, placeholder = made
        assert session.get(Message, placeholder.id) is placeholder
        placeholder.thread_id = row.id
        row.root_id = placeholder.id
        session.flush()
        connection = session.connection()  # bypasses the session: what is stored
        assert (
            connection.scalar(select(Message.thread_id).where(Message.id == placeholder.id))
            == row.id
        )
        assert (
            connection.scalar(select(Thread.root_id).where(Thread.id == row.id)) == placeholder.id
        )
