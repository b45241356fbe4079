"""Intake on its own: batches, de-duplication, placeholders, odd Message-ID headers."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import select

from corrbot.db import transaction
from corrbot.intake import Arrival, StoreResult, header_message_id, store_many
from corrbot.model import Message, RawBlob
from corrbot.runtime import Runtime
from tests.mail import make_mail

MakeRuntime = Callable[..., Runtime]


def test_a_batch_stores_each_message_once_in_the_order_given(
    db_url: str, make_runtime: MakeRuntime
) -> None:
    runtime = make_runtime(db_url)
    first = make_mail("a@example.org", "One", "body", message_id="one@x")
    resent = make_mail("a@example.org", "One again", "other", message_id="one@x")
    no_id = b"From: b@example.org\nSubject: no id\n\nbody\n"
    other = make_mail("c@example.org", "Two", "body", message_id="two@x")
    arrivals = [
        Arrival(raw, "smtp", "s@example.org\x00", ("cg@lists.example.org",))
        for raw in (first, resent, no_id, no_id, other)
    ]
    results = store_many(runtime, arrivals)
    assert all(isinstance(r, StoreResult) for r in results)
    ids = [r.row_id for r in results if isinstance(r, StoreResult)]
    dups = [r.duplicate for r in results if isinstance(r, StoreResult)]
    assert dups == [False, True, False, True, False]
    assert ids[0] == ids[1] and ids[2] == ids[3] and len(set(ids)) == 3
    assert ids[0] < ids[2] < ids[4]  # arrival order
    again = store_many(runtime, arrivals[::-1])
    assert [r.duplicate for r in again if isinstance(r, StoreResult)] == [True] * 5
    with runtime.sessions() as session:
        rows = session.scalars(select(Message).order_by(Message.id)).all()
        assert [r.envelope_from for r in rows] == ["s@example.org"] * 3  # NUL removed
        assert rows[1].message_id.startswith("sha256-")
        assert len(session.scalars(select(RawBlob.sha256)).all()) == 3


def test_a_placeholder_is_filled_when_its_message_arrives(
    db_url: str, make_runtime: MakeRuntime
) -> None:
    runtime = make_runtime(db_url)
    with transaction(runtime.sessions) as session:
        ghost = Message(group_id=runtime.group_id, message_id="parent@x", placeholder=True)
        session.add(ghost)
        session.flush()
        ghost_id = ghost.id
    raw = make_mail("a@example.org", "Parent", "body", message_id="parent@x")
    (result,) = store_many(runtime, [Arrival(raw, "file")])
    assert result == StoreResult(ghost_id, False)
    with runtime.sessions() as session:
        row = session.get(Message, ghost_id)
        assert row is not None and not row.placeholder and row.stage == "received"
        assert row.via == "file" and row.sha256 is not None


def test_message_id_header_forms() -> None:
    assert header_message_id(b"Message-ID: <a@b>\r\n\r\nbody") == "a@b"
    assert header_message_id(b"Subject: x\nMessage-Id:\n <folded@b>\n\nbody") == "folded@b"
    assert header_message_id(b"message-id: bare@b (comment)\n\n") == "bare@b"
    assert header_message_id(b"Subject: x\n\nMessage-ID: <in-body@b>\n") is None
    assert header_message_id(b"Message-ID: <>\n\n") is None
    assert header_message_id(b"Message-ID: <" + b"x" * 2000 + b">\n\n") == "x" * 900
