"""Tagging reuses what was read before only for the same inputs.

A reply read before its parent is tagged again when the parent arrives, with the
``find_tags`` result noted for it (an import's worker read it); understand takes a
worker's reading only when the worker had the transaction's tasks, issues and
threshold (compared by value once, then by identity); ``tag_refs`` hands out the
same tuples while the transaction's cache holds them.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from corrbot.db import transaction
from corrbot.members import add_member
from corrbot.model import Issue, Message, Tag
from corrbot.pipeline import runner, tag_rows, tagging, understand
from corrbot.pipeline.found_tags import FoundTags, note_found, remember_found
from corrbot.pipeline.parse_ahead import Refs
from corrbot.runtime import Runtime
from corrbot.understand import FoundTag, IssueRef, TaskRef
from tests.mail import feed, make_mail

ANA = "Ana Duarte <ana@gov.example.br>"
KOFI = "Kofi Mensah <kofi@ngo.example.org>"
# Not what find_tags reads in the reply below: seen only if the noted result is used.
NOTED = [FoundTag("task", "d", "classifier", 0.51)]


@pytest.fixture
def members(runtime: Runtime) -> Runtime:
    """The runtime, with ANA and KOFI members (so their posts are read)."""
    with transaction(runtime.sessions) as session:
        for email, name in [("ana@gov.example.br", "Ana"), ("kofi@ngo.example.org", "Kofi")]:
            add_member(
                session,
                runtime.group_id,
                runtime.clock,
                email=email,
                name=name,
                stakeholder="government",
                org="Org",
            )
    return runtime


def _note(runtime: Runtime, memory: FoundTags, row_id: int, text_of: str | None = None) -> None:
    """Note NOTED in ``memory`` as the reply's find_tags, for its stored inputs (or
    another text)."""
    with transaction(runtime.sessions) as session:
        remember_found(session, memory)
        row = session.get(Message, row_id)
        assert row is not None and row.new_text is not None
        tasks, issues = tagging.tag_refs(session, runtime.group_id)
        threshold = runtime.settings.tagging.classifier_threshold
        text = row.new_text if text_of is None else text_of
        refs = (tasks, issues, threshold)
        note_found(session, row_id, row.subject or "", text, refs, NOTED)


def _tags(runtime: Runtime, row_id: int) -> dict[tuple[str, str], tuple[str, float]]:
    with runtime.sessions() as session:
        rows = session.scalars(select(Tag).where(Tag.message_id == row_id, Tag.active))
        return {(r.kind, r.key): (r.source, r.confidence) for r in rows}


@pytest.mark.parametrize("same_inputs", [True, False])
def test_a_late_parent_retags_its_reply_with_what_was_noted_for_the_same_inputs(
    members: Runtime, monkeypatch: pytest.MonkeyPatch, same_inputs: bool
) -> None:
    runtime = members
    # What an import keeps in its Readings and hands each of its transactions.
    memory = FoundTags(8)
    real_prepare = runner._prepare

    def prepare(session: Session) -> None:
        real_prepare(session)
        remember_found(session, memory)

    monkeypatch.setattr(runner, "_prepare", prepare)
    reply = make_mail(KOFI, "Re: a late one", "Fine by me.\n", in_reply_to="late@x")
    [reply_id] = feed(runtime, [reply])
    assert _tags(runtime, reply_id) == {}
    _note(runtime, memory, reply_id, None if same_inputs else "Fine by me!\n")
    [parent_id] = feed(runtime, [make_mail(ANA, "A late one", "Here.\n", message_id="late@x")])
    assert _tags(runtime, parent_id) == {}  # so the reply inherits nothing
    expected = {("task", "d"): ("classifier", 0.51)} if same_inputs else {}
    assert _tags(runtime, reply_id) == expected


def test_found_tags_answer_only_for_the_inputs_noted_and_forget_the_oldest() -> None:
    tasks = (TaskRef("a", "Mechanisms"),)
    issues = (IssueRef(1, "Spam"),)
    found = FoundTag("task", "a", "classifier", 0.5)
    memory = FoundTags(2)
    memory.note(1, ("s", "t", tasks, issues, 0.3), [found])
    assert memory.get(1, ("s", "t", tasks, issues, 0.3)) == [found]
    assert memory.get(1, ("s", "t", (TaskRef("a", "Mechanisms"),), (IssueRef(1, "Spam"),), 0.3))
    for other in [
        ("S", "t", tasks, issues, 0.3),
        ("s", "t ", tasks, issues, 0.3),
        ("s", "t", (TaskRef("a", "Mechanism"),), issues, 0.3),
        ("s", "t", tasks, (IssueRef(1, "Spam", ("junk",)),), 0.3),
        ("s", "t", tasks, issues, 0.31),
    ]:
        assert memory.get(1, other) is None
    assert memory.get(2, ("s", "t", tasks, issues, 0.3)) is None
    memory.note(2, ("s", "t", tasks, issues, 0.3), [])
    memory.note(1, ("s", "t", tasks, issues, 0.3), [found])  # noted again: the newest
    memory.note(3, ("s", "t", tasks, issues, 0.3), [])
    assert memory.get(2, ("s", "t", tasks, issues, 0.3)) is None
    assert memory.get(1, ("s", "t", tasks, issues, 0.3)) == [found]


def test_a_workers_refs_count_only_while_they_hold_the_transactions() -> None:
    session = Session()
    tasks = (TaskRef("a", "Mechanisms"),)
    issues = (IssueRef(1, "Spam"),)
    read = Refs(tasks, issues, 0.3)
    same = understand._same_refs
    assert same(session, read, ((TaskRef("a", "Mechanisms"),), (IssueRef(1, "Spam"),), 0.3))
    assert same(session, read, (tasks, issues, 0.3))
    assert not same(session, read, (tasks, issues, 0.31))
    assert not same(session, read, ((TaskRef("a", "Mechanism"),), issues, 0.3))
    assert not same(session, read, (tasks, (IssueRef(1, "Spam", ("junk",)),), 0.3))
    assert same(session, read, (tasks, issues, 0.3))
    assert not same(session, Refs(tasks, issues, 0.4), (tasks, issues, 0.3))
    assert not same(session, Refs((), issues, 0.3), (tasks, issues, 0.3))


def test_tag_refs_are_the_same_tuples_until_a_change(runtime: Runtime) -> None:
    group = runtime.group_id
    with transaction(runtime.sessions) as session:
        tagging.cache_refs(session)
        tasks, issues = tagging.tag_refs(session, group)
        assert (list(tasks), list(issues)) == (
            tagging.task_refs(session, group),
            tagging.issue_refs(session, group),
        )
        again = tagging.tag_refs(session, group)
        assert again[0] is tasks and again[1] is issues
        session.add(Issue(group_id=group, number=99, title="Added in this transaction"))
        changed = tagging.tag_refs(session, group)
        assert 99 in [ref.number for ref in changed[1]]
        assert 99 not in [ref.number for ref in issues]


def test_tags_written_for_a_fresh_message_read_as_a_rewrite_reads_them(runtime: Runtime) -> None:
    # write_tags makes a message's first rows without comparing them to rows held;
    # what it returns and holds must be what rewriting held rows gives.
    tags = [
        FoundTag("issue", "12", "explicit"),
        FoundTag("task", "b", "classifier", 0.61),
        FoundTag("issue", "12", "title"),  # the same tag again: the last one counts
        FoundTag("task", "a", "inherited", 0.7),
    ]
    with transaction(runtime.sessions) as session:
        fresh, rewritten = (Message(group_id=runtime.group_id, message_id=f"{n}@x") for n in "fr")
        session.add_all([fresh, rewritten])
        session.flush()
        tag_rows.remember(session)
        first = tagging.write_tags(session, fresh.id, tags)
        tagging.write_tags(session, rewritten.id, [FoundTag("task", "c", "classifier", 0.5)])
        session.flush()
        again = tagging.write_tags(session, rewritten.id, tags)  # c deleted, the rest new
        expected = [tags[2], tags[1], tags[3]]
        assert first == again == expected
        held = [
            (r.kind, r.key, r.source, r.confidence) for r in tag_rows.rows_of(session, fresh.id)
        ]
        assert held == [(t.kind, t.key, t.source, t.confidence) for t in expected]
        assert tag_rows.rows_of(session, rewritten.id) == sorted(
            tag_rows.rows_of(session, rewritten.id), key=tag_rows.id_order
        )
    with runtime.sessions() as session:
        stored = session.scalars(select(Tag).where(Tag.message_id == fresh.id).order_by(Tag.id))
        # Every column as given (tagging._add puts the values in place, not through
        # the constructor), the defaults' too.
        assert [
            (r.message_id, r.kind, r.key, r.source, r.confidence, r.active) for r in stored
        ] == [
            (fresh.id, "issue", "12", "title", 1.0, True),
            (fresh.id, "task", "b", "classifier", 0.61, True),
            (fresh.id, "task", "a", "inherited", 0.7, True),
        ]


def test_only_a_session_given_an_imports_memory_notes_tags() -> None:
    found = [FoundTag("task", "a", "classifier", 0.5)]
    refs = ((TaskRef("a", "Mechanisms"),), (IssueRef(1, "Spam"),), 0.3)
    memory = FoundTags(8)
    note_found(Session(), 1, "s", "t", refs, found)  # live mail: nowhere to keep it
    assert memory.get(1, ("s", "t", *refs)) is None
    session = Session()
    remember_found(session, memory)
    note_found(session, 1, "s", "t", refs, found)
    assert memory.get(1, ("s", "t", *refs)) == found
    # A reply with tags of its own is never tagged again: not kept.
    note_found(session, 2, "s", "t", refs, [FoundTag("issue", "1", "explicit")])
    assert memory.get(2, ("s", "t", *refs)) is None
