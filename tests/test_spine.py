"""The pipeline spine end to end on both databases: store, process once, never twice."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy import func, select

from corrbot.db import transaction
from corrbot.members import add_member
from corrbot.model import Message
from corrbot.pipeline.context import MessageContext
from corrbot.pipeline.runner import accepted_handlers as real_handlers
from corrbot.pipeline.runner import process_pending
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


def test_a_message_that_breaks_a_handler_is_quarantined_and_the_rest_go_on(
    db_url: str, make_runtime: Callable[..., Runtime], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Fault injection (a handler that raises on one Subject): the only stand-in here."""
    from corrbot.list import distribute
    from corrbot.pipeline import runner

    real = distribute.distribute

    def breaks_on_poison(ctx: MessageContext) -> None:
        if "poison" in (ctx.message.subject or ""):
            raise ValueError("handler bug")
        real(ctx)

    monkeypatch.setattr(
        runner,
        "accepted_handlers",
        lambda: [h if h is not real else breaks_on_poison for h in real_handlers()],
    )
    runtime = make_runtime(db_url)
    with transaction(runtime.sessions) as session:
        add_member(
            session,
            runtime.group_id,
            runtime.clock,
            email="ana@example.org",
            name="Ana",
            stakeholder="government",
        )
    raws = [
        make_mail("ana@example.org", subject, "Text.", message_id=f"{n}@x")
        for n, subject in enumerate(["first", "poison pill", "third"])
    ]
    feed(runtime, raws, process=False)
    assert process_pending(runtime, batch=10) == 3
    with runtime.sessions() as session:
        rows = {m.message_id: m for m in session.scalars(select(Message))}
    assert rows["1@x"].status == "quarantined"
    assert rows["1@x"].status_reason == "processing failed: ValueError"
    assert rows["0@x"].status == rows["2@x"].status == "accepted"
    assert all(m.stage == "processed" for m in rows.values())
    assert process_pending(runtime) == 0  # nothing left to retry forever
