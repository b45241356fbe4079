"""The pipeline spine end to end on both databases: store, process once, never twice."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import func, select

from corrbot.model import Message
from corrbot.runtime import Runtime
from tests.mail import feed, make_mail


def test_message_is_stored_once_and_processed(
    db_url: str, make_runtime: Callable[..., Runtime]
) -> None:
    runtime = make_runtime(db_url)
    raw = make_mail("Ana <ana@example.org>", "Mechanisms for issue 3", "Hello", message_id="m1@x")
    first = feed(runtime, [raw])
    again = feed(runtime, [raw])
    assert first == again
    with runtime.sessions() as session:
        assert session.scalar(select(func.count()).select_from(Message)) == 1
        row = session.scalars(select(Message)).one()
        assert row.stage == "processed"
        assert row.from_addr == "ana@example.org"
