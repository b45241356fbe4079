"""The runner's per-transaction memory answers as the database would, changes unflushed included.

tagging.cache_refs keeps the group's tasks and issues, tag_rows the rows that may
have replies: both must notice a change made in the transaction before it is
flushed (the query they stand in for would have flushed it first).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import event, select
from sqlalchemy.orm import Session

from corrbot.consensus import openers
from corrbot.db import transaction
from corrbot.model import Issue, Item, Message, Tag, Task
from corrbot.pipeline import tag_rows, tagging, thread
from corrbot.runtime import Runtime
from corrbot.understand import FoundTag
from tests.pipeline.conftest import statements


def test_cached_tasks_and_issues_follow_unflushed_changes(runtime: Runtime) -> None:
    group = runtime.group_id
    with transaction(runtime.sessions) as session:
        tagging.cache_refs(session)
        before = tagging.task_refs(session, group)
        assert before, "the example config has tasks"
        task = session.scalars(select(Task).where(Task.key == before[0].key)).one()
        task.title = "Renamed by the chair"
        assert tagging.task_refs(session, group)[0].title == "Renamed by the chair"
        assert 99 not in [ref.number for ref in tagging.issue_refs(session, group)]  # cached
        session.add(Issue(group_id=group, number=99, title="Added in this transaction"))
        assert 99 in [ref.number for ref in tagging.issue_refs(session, group)]
        session.flush()
        task.title = "Renamed again"  # after a flush too
        assert tagging.task_refs(session, group)[0].title == "Renamed again"
        added = session.scalars(select(Issue).where(Issue.number == 99)).one()
        session.delete(added)  # not flushed
        assert 99 not in [ref.number for ref in tagging.issue_refs(session, group)]


def test_a_parent_given_in_the_transaction_may_have_replies(runtime: Runtime) -> None:
    with transaction(runtime.sessions) as session:
        rows = [
            Message(group_id=runtime.group_id, message_id=f"m{n}@x", received_at=datetime.now())
            for n in range(3)
        ]
        session.add_all(rows)
        session.flush()
        tag_rows.remember(session)
        tag_rows.preload(session, [row.id for row in rows])
        assert not tag_rows.may_have_replies(session, rows[0].id)
        rows[2].parent_id = rows[0].id  # not flushed
        assert tag_rows.may_have_replies(session, rows[0].id)
        assert not tag_rows.may_have_replies(session, rows[1].id)
        late = Message(group_id=runtime.group_id, message_id="late@x", parent_id=rows[1].id)
        session.add(late)  # a new row, not flushed, naming a parent
        assert tag_rows.may_have_replies(session, rows[1].id)


def _tags(*keys: str) -> list[FoundTag]:
    return [FoundTag("task", key, "classifier", 0.7) for key in keys]


def test_tags_rewritten_before_a_flush_end_as_written(runtime: Runtime) -> None:
    # write_tags leaves new rows to the next flush: rewriting them in the same
    # transaction (a reply re-tagged when its parent arrives) must neither insert a
    # row twice nor insert one before the delete of the same tag.
    with transaction(runtime.sessions) as session:
        message = Message(group_id=runtime.group_id, message_id="t@x")
        session.add(message)
        session.flush()
        tag_rows.remember(session)
        tagging.write_tags(session, message.id, _tags("a", "b"))
        session.flush()  # a and b stored
        tagging.write_tags(session, message.id, _tags("b", "c"))  # a deleted, c pending
        assert [r.key for r in tag_rows.rows_of(session, message.id)] == ["b", "c"]
        tagging.write_tags(session, message.id, _tags("a", "d"))  # a back; c never stored
        held = [r.key for r in tag_rows.rows_of(session, message.id)]
    with runtime.sessions() as session:
        stored = session.scalars(select(Tag).where(Tag.message_id == message.id).order_by(Tag.id))
        assert [row.key for row in stored] == held == ["a", "d"]


def test_an_item_added_in_the_transaction_counts_before_its_flush(runtime: Runtime) -> None:
    with transaction(runtime.sessions) as session:
        posts = [Message(group_id=runtime.group_id, message_id=f"p{n}@x") for n in range(2)]
        session.add_all(posts)
        session.flush()
        openers.remember(session)
        assert openers.none_opened(session)
        assert not openers.may_have_opened(session, posts[0].id)
        now = datetime(2013, 10, 1, 9, 0)
        item = Item(
            group_id=runtime.group_id,
            kind="proposal",
            title="Add a mechanism",
            message_id=posts[0].id,
            opened_at=now,
            closes_at=now,
        )
        session.add(item)  # not flushed: the memory must not answer "none"
        assert not openers.none_opened(session)
        assert openers.may_have_opened(session, posts[0].id)
        session.flush()  # known from the flush on
        assert not openers.none_opened(session)
        assert openers.may_have_opened(session, posts[0].id)
        assert not openers.may_have_opened(session, posts[1].id)


def test_an_id_found_missing_gets_its_placeholder_without_a_second_look(
    rt: Runtime,
) -> None:
    # preload_rows notes the Message-IDs it did not find; _row then makes their
    # placeholders at once, and answers stored ones (and the placeholder made) from
    # memory, with no query of its own.
    with transaction(rt.sessions) as session:
        stored = Message(group_id=rt.group_id, message_id="here@x")
        session.add(stored)
        session.flush()
        thread.remember_rows(session)
        found = thread.preload_rows(session, rt.group_id, ["here@x", "gone@x"])
        assert found == [stored]
        with statements(session, "SELECT") as selects:
            made = thread._row(session, rt.group_id, "gone@x")
            assert thread._row(session, rt.group_id, "here@x") is stored
            assert thread._row(session, rt.group_id, "gone@x") is made
        assert made.placeholder and made.id is not None
        assert selects == []
    with rt.sessions() as session:
        row = session.scalars(select(Message).where(Message.message_id == "gone@x")).one()
        assert row.placeholder


def _read_replies_query(session: Session, parents: list[int]) -> list[Message]:
    query = select(Message).where(
        Message.parent_id.in_(parents),
        Message.placeholder.is_(False),
        Message.stage == "processed",
        Message.new_text.is_not(None),
    )
    return sorted(session.scalars(query), key=lambda row: row.id)


def test_read_replies_are_found_as_a_flushed_query_finds_them(rt: Runtime) -> None:
    with transaction(rt.sessions) as session:
        rows = [
            Message(group_id=rt.group_id, message_id=f"r{n}@x", stage="processed") for n in range(7)
        ]
        session.add_all(rows)
        session.flush()
        top, other, stored, moved, texted, read_now, unread = rows
        stored.parent_id, stored.new_text = top.id, "stored reply"
        moved.parent_id, moved.new_text = top.id, "stored, then moved away"
        texted.parent_id = top.id  # stored without its text
        session.flush()
        tag_rows.remember(session)
        session.flush()
        no_flush: list[object] = []
        event.listen(session, "before_flush", lambda *_: no_flush.append(1))
        moved.parent_id = other.id
        texted.new_text = "read in this transaction"
        read_now.parent_id, read_now.new_text = top.id, "read in this transaction"
        unread.parent_id = top.id  # no new text: not read yet
        found = tag_rows.replies(session, [top.id, other.id])
        assert no_flush == []
        assert found == [stored, moved, texted, read_now]
        assert found == _read_replies_query(session, [top.id, other.id])  # flushes now
        assert tag_rows.replies(session, [other.id]) == [moved]


def test_a_flush_stores_its_new_tags_in_one_insert(rt: Runtime) -> None:
    # Tag._sentinel: without it SQLite's flush inserts every new tag by itself.
    with transaction(rt.sessions) as session:
        message = Message(group_id=rt.group_id, message_id="many@x")
        session.add(message)
        session.flush()
        with statements(session, "INSERT INTO TAG") as inserts:
            tagging.write_tags(session, message.id, _tags("a", "b", "c", "d"))
            session.flush()
        rows = tag_rows.rows_of(session, message.id)
        assert len(inserts) == 1
        assert [row.key for row in sorted(rows, key=lambda row: row.id)] == ["a", "b", "c", "d"]
