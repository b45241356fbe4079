"""Fixtures for the pipeline tests: a runtime on each database, reading rows back."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from corrbot.model import Message
from corrbot.runtime import Runtime


@pytest.fixture
def rt(db_url: str, make_runtime: Callable[..., Runtime]) -> Runtime:
    """An initialised runtime on SQLite and on PostgreSQL."""
    return make_runtime(db_url)


def by_message_id(runtime: Runtime) -> dict[str, Message]:
    """Every message row (placeholders too), detached, keyed by Message-ID."""
    with runtime.sessions() as session:
        rows = list(session.scalars(select(Message)))
        session.expunge_all()
    return {row.message_id: row for row in rows}


@contextmanager
def statements(session: Session, start: str) -> Iterator[list[str]]:
    """The SQL statements beginning with ``start`` sent on the session's engine meanwhile."""
    sent: list[str] = []

    def note(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        if statement.lstrip().upper().startswith(start):
            sent.append(statement)

    engine = session.get_bind()
    event.listen(engine, "before_cursor_execute", note)
    try:
        yield sent
    finally:
        event.remove(engine, "before_cursor_execute", note)
