"""Fixtures for the pipeline tests: a runtime on each database, reading rows back."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy import select

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
