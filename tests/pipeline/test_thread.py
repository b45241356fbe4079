"""JWZ threading: parents, placeholders filled in late, subject orphans, loops, deep chains."""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import datetime

import pytest
from sqlalchemy import delete, func, select, update

from corrbot.db import transaction
from corrbot.intake import Arrival, store_arrivals
from corrbot.model import Group, Member, Message, RawBlob, Thread
from corrbot.pipeline import parse, thread
from corrbot.pipeline.context import MessageContext
from corrbot.runtime import Runtime
from tests.mail import feed, make_mail
from tests.pipeline.conftest import by_message_id

ANA, BO = "Ana <ana@example.org>", "Bo <bo@example.org>"


def root_of(runtime: Runtime, row: Message) -> str:
    with runtime.sessions() as session:
        found = session.get(Thread, row.thread_id)
        assert found is not None and found.root_id is not None
        root = session.get(Message, found.root_id)
        assert root is not None
        return root.message_id


def parent_of(rows: dict[str, Message], row: Message) -> str | None:
    for other in rows.values():
        if other.id == row.parent_id:
            return other.message_id
    return None


def assert_no_dangling(runtime: Runtime) -> None:
    """No message names a thread, member or parent row that is not there: what the
    foreign keys of message.thread_id, member_id and parent_id checked until
    migrations 0002 and 0004 dropped them (threads are deleted when they merge)."""
    with runtime.sessions() as session:
        for column, table in (
            (Message.thread_id, Thread.__table__),
            (Message.member_id, Member.__table__),
            (Message.parent_id, Message.__table__),
        ):
            named = set(session.scalars(select(column).where(column.is_not(None))))
            held = set(session.scalars(select(table.c.id).where(table.c.id.in_(named))))
            assert named - held == set(), column


def test_reply_joins_its_parents_thread(rt: Runtime) -> None:
    feed(
        rt,
        [
            make_mail(ANA, "Issue 3", "Start.", message_id="a@x"),
            make_mail(BO, "Re: Issue 3", "Reply.", message_id="b@x", in_reply_to="a@x"),
            make_mail(
                ANA,
                "Re: Issue 3",
                "Again.",
                message_id="c@x",
                in_reply_to="b@x",
                references=["a@x"],
            ),
            make_mail(BO, "Something else", "New.", message_id="d@x"),
        ],
    )
    rows = by_message_id(rt)
    assert parent_of(rows, rows["a@x"]) is None
    assert parent_of(rows, rows["b@x"]) == "a@x"
    assert parent_of(rows, rows["c@x"]) == "b@x"
    assert rows["a@x"].thread_id == rows["b@x"].thread_id == rows["c@x"].thread_id
    assert rows["d@x"].thread_id != rows["a@x"].thread_id
    assert root_of(rt, rows["c@x"]) == "a@x"
    assert root_of(rt, rows["d@x"]) == "d@x"
    assert not any(row.placeholder for row in rows.values())


def test_late_parent_fills_its_placeholder_and_keeps_its_children(rt: Runtime) -> None:
    # The grandchild names both ancestors; neither has arrived yet.
    feed(
        rt,
        [
            make_mail(
                BO, "Re: Plan", "Third.", message_id="c@x", in_reply_to="b@x", references=["a@x"]
            )
        ],
    )
    rows = by_message_id(rt)
    assert rows["a@x"].placeholder and rows["b@x"].placeholder
    assert parent_of(rows, rows["c@x"]) == "b@x"
    assert parent_of(rows, rows["b@x"]) == "a@x"
    assert root_of(rt, rows["c@x"]) == "a@x"

    feed(rt, [make_mail(ANA, "Re: Plan", "Second.", message_id="b@x", in_reply_to="a@x")])
    feed(rt, [make_mail(ANA, "Plan", "First.", message_id="a@x")])
    after = by_message_id(rt)
    assert not any(row.placeholder for row in after.values())
    assert len(after) == 3
    assert after["a@x"].id == rows["a@x"].id  # the placeholder row itself was filled in
    assert after["a@x"].subject == "Plan"
    assert parent_of(after, after["c@x"]) == "b@x"
    assert parent_of(after, after["b@x"]) == "a@x"
    assert {row.thread_id for row in after.values()} == {rows["c@x"].thread_id}
    assert root_of(rt, after["c@x"]) == "a@x"


def test_two_threads_merge_when_a_shared_ancestor_arrives(rt: Runtime) -> None:
    feed(rt, [make_mail(BO, "Re: T", "x", message_id="b@x", in_reply_to="a@x")])
    feed(rt, [make_mail(BO, "Unrelated", "x", message_id="r@x")])
    # r@x had no references; its own reply later reveals that it answered a@x too.
    feed(
        rt,
        [
            make_mail(
                ANA, "Re: T", "x", message_id="s@x", in_reply_to="r@x", references=["a@x", "r@x"]
            )
        ],
    )
    rows = by_message_id(rt)
    assert parent_of(rows, rows["r@x"]) == "a@x"
    assert len({row.thread_id for row in rows.values()}) == 1
    with rt.sessions() as session:
        assert session.scalar(select(func.count()).select_from(Thread)) == 1
    assert_no_dangling(rt)


def test_orphan_reply_joins_by_subject(rt: Runtime) -> None:
    feed(
        rt,
        [
            make_mail(ANA, "[b] Mechanisms for spam", "Start.", message_id="a@x"),
            # An Outlook-style reply that dropped In-Reply-To and References.
            make_mail(BO, "RE: [CG] Re: [b] Mechanisms for SPAM", "Reply.", message_id="b@x"),
            # Same words, no reply prefix: a new topic.
            make_mail(BO, "Mechanisms for spam", "Fresh post.", message_id="c@x"),
        ],
    )
    rows = by_message_id(rt)
    assert rows["b@x"].thread_id == rows["a@x"].thread_id
    assert parent_of(rows, rows["b@x"]) == "a@x"
    assert rows["c@x"].thread_id != rows["a@x"].thread_id
    assert rows["c@x"].parent_id is None


def test_subject_join_only_for_recent_threads(rt: Runtime) -> None:
    feed(rt, [make_mail(ANA, "Gaps", "Start.", message_id="a@x", date=datetime(2013, 10, 2))])
    feed(rt, [make_mail(BO, "Re: Gaps", "Late.", message_id="b@x", date=datetime(2013, 12, 20))])
    rows = by_message_id(rt)
    assert rows["b@x"].thread_id != rows["a@x"].thread_id


def test_reference_loops_are_not_followed(rt: Runtime) -> None:
    feed(
        rt,
        [
            make_mail(ANA, "Loop", "x", message_id="a@x", in_reply_to="b@x"),
            make_mail(BO, "Re: Loop", "y", message_id="b@x", in_reply_to="a@x"),
            make_mail(BO, "Re: Other", "z", message_id="c@x", in_reply_to="c@x"),
        ],
    )
    rows = by_message_id(rt)
    assert parent_of(rows, rows["a@x"]) == "b@x"
    assert rows["b@x"].parent_id is None  # linking it to a@x would close a loop
    assert rows["c@x"].parent_id is None
    assert rows["a@x"].thread_id == rows["b@x"].thread_id
    assert root_of(rt, rows["a@x"]) == "b@x"


def thread_only(runtime: Runtime, raws: Sequence[bytes]) -> None:
    """Store in one batch, then parse and thread each message (no other handlers)."""
    with transaction(runtime.sessions) as session:
        stored = store_arrivals(
            session, runtime.group_id, [Arrival(raw, "file") for raw in raws], runtime.clock
        )
    with transaction(runtime.sessions) as session:
        group = session.get(Group, runtime.group_id)
        assert group is not None
        # Loaded up front (and held) so that the loop measures threading, not loading.
        messages = {m.id: m for m in session.scalars(select(Message))}
        blobs = list(session.scalars(select(RawBlob)))
        assert len(blobs) == len(stored)
        for result in stored:
            message = messages[result.row_id]
            ctx = MessageContext(runtime=runtime, session=session, group=group, message=message)
            message.stage = "processed"
            assert parse.parse(ctx)
            thread.thread(ctx)


def chain(depth: int) -> list[bytes]:
    return [
        make_mail(
            ANA, "Re: deep", f"{n}", message_id=f"m{n}@x", in_reply_to=f"m{n - 1}@x" if n else None
        )
        for n in range(depth)
    ]


def assert_one_chain(runtime: Runtime, depth: int) -> None:
    with runtime.sessions() as session:
        links = dict(session.execute(select(Message.id, Message.parent_id)).all())
        names = dict(session.execute(select(Message.id, Message.message_id)).all())
        threads = session.scalars(select(Thread)).all()
        placeholders = session.scalar(
            select(func.count()).select_from(Message).where(Message.placeholder.is_(True))
        )
    assert len(links) == depth and placeholders == 0
    assert len(threads) == 1 and names[threads[0].root_id or 0] == "m0@x"
    assert_no_dangling(runtime)
    for row_id, parent in links.items():
        n = int(names[row_id][1:-2])
        assert (names[parent] if parent else None) == (f"m{n - 1}@x" if n else None)


# A hang guard, not a timing goal: this takes seconds; a recursive walk would fail
# outright and a quadratic one would take far longer than the limit.
@pytest.mark.timeout(240)
def test_ten_thousand_deep_chain_in_order_and_reversed(rt: Runtime) -> None:
    depth = 10_000
    raws = chain(depth)
    thread_only(rt, raws)
    assert_one_chain(rt, depth)
    with transaction(rt.sessions) as session:
        session.execute(update(Message).values(parent_id=None, thread_id=None))
        session.execute(delete(Thread))
        session.execute(delete(Message))
    thread_only(rt, list(reversed(raws)))  # every parent arrives after its child
    assert_one_chain(rt, depth)


def test_very_long_subjects_still_thread(rt: Runtime) -> None:
    # PostgreSQL bounds index entries; the subject key is cut, the subject kept whole.
    words = random.Random(3)
    subject = "Mechanisms " + "".join(chr(words.randrange(0x4E00, 0x9FFF)) for _ in range(3000))
    feed(
        rt,
        [
            make_mail(ANA, subject, "Start.", message_id="a@x"),
            make_mail(BO, "Re: " + subject, "Reply.", message_id="b@x"),
        ],
    )
    rows = by_message_id(rt)
    assert rows["b@x"].thread_id == rows["a@x"].thread_id
    assert rows["a@x"].subject == subject
