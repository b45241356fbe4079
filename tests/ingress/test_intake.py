"""Intake on its own: batches, de-duplication, placeholders, odd Message-ID headers."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import select

from corrbot.db import transaction
from corrbot.intake import Arrival, StoreResult, header_message_id, store_arrivals, store_many
from corrbot.model import Message, RawBlob
from corrbot.runtime import Runtime
from tests.mail import LIST, make_mail

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
    assert result == StoreResult(ghost_id, False, "parent@x")
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


def _columns(runtime: Runtime, row_id: int) -> dict[str, object]:
    """A stored row's columns, less those that differ between two messages anyway."""
    with runtime.sessions() as session:
        row = session.get(Message, row_id)
        assert row is not None
        blob = session.get(RawBlob, row.sha256)
        assert blob is not None and blob.size == len(blob.data)
        skip = {"id", "message_id", "sha256"}
        return {
            c.key: getattr(row, c.key) for c in Message.__mapper__.column_attrs if c.key not in skip
        }


def test_a_batch_writes_the_rows_a_session_writes(db_url: str, make_runtime: MakeRuntime) -> None:
    """store_many's batch statements (one on PostgreSQL) and store_arrivals agree, column
    for column, on new rows, repeats and a placeholder filled in the same batch."""
    runtime = make_runtime(db_url)
    with transaction(runtime.sessions) as session:
        for tag in ("m", "s"):
            session.add(
                Message(group_id=runtime.group_id, message_id=f"{tag}-parent@x", placeholder=True)
            )
    stored = make_mail("z@example.org", "Old", "body", message_id="old@x")
    assert isinstance(store_many(runtime, [Arrival(stored, "imap")])[0], StoreResult)

    def arrivals(tag: str) -> list[Arrival]:
        mails = [
            make_mail("a@example.org", f"{tag} {n}", "body", message_id=f"{tag}{n}@x")
            for n in range(3)
        ]
        parent = make_mail("p@example.org", "Parent", "body", message_id=f"{tag}-parent@x")
        no_id = f"From: b@example.org\nSubject: {tag}\n\nbody\n".encode()
        return [
            Arrival(mails[0], "smtp", "s@example.org", (LIST, "cg-owner@lists.example.org")),
            Arrival(parent, "lmtp", None, (LIST,)),
            Arrival(stored, "smtp", "s@example.org", (LIST,)),
            Arrival(mails[1], "file", no_deliver=True),
            Arrival(no_id, "smtp", "\x00odd@example.org"),
            Arrival(mails[0], "smtp"),
            Arrival(mails[2], "smtp", "s@example.org", (LIST,)),
        ]

    batch = store_many(runtime, arrivals("m"))
    with transaction(runtime.sessions) as session:
        single = store_arrivals(session, runtime.group_id, arrivals("s"), runtime.clock)
    assert all(isinstance(r, StoreResult) for r in batch)
    for results in (batch, single):
        ok = [r for r in results if isinstance(r, StoreResult)]
        assert [r.duplicate for r in ok] == [False, False, True, False, False, True, False]
        assert ok[5].row_id == ok[0].row_id
        new = [ok[i].row_id for i in (0, 3, 4, 6)]
        assert new == sorted(new)  # arrival order
    for one, other in zip(batch, single, strict=True):
        assert isinstance(one, StoreResult) and isinstance(other, StoreResult)
        assert _columns(runtime, one.row_id) == _columns(runtime, other.row_id)
    filled = batch[1]
    assert isinstance(filled, StoreResult)
    parent = _columns(runtime, filled.row_id)
    assert parent["placeholder"] is False and parent["via"] == "lmtp"
