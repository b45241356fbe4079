"""Tag rows for one message: the sender's own tags, else its parent's, else the classifier's.

Order of evidence (SPEC "Conventions inside posts"):

1. the sender's own tags: ``[b]``/``Task: b``, ``#12``/``Issue 12`` and issue titles
   or aliases, in the subject or the new text (sources ``explicit`` and ``title``);
2. a reply with none of those inherits its parent's active tags (``inherited``):
   the sender did not say, so the thread's subject matter still applies;
3. when still no task is tagged, the automatic classifier's tasks at or above
   ``tagging.classifier_threshold`` (``classifier``, with its confidence).

A coordinator's corrections (source ``coordinator``, see retag.py) outlive any
re-reading of the message, so rewriting a message's tags never touches them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Literal, TypeVar

from sqlalchemy import event, inspect, select
from sqlalchemy.orm import Session, object_session
from sqlalchemy.orm.attributes import instance_state

from corrbot.db import holding
from corrbot.model import Issue, Message, Tag, Task
from corrbot.pipeline import tag_rows
from corrbot.pipeline.found_tags import noted_for
from corrbot.understand import FoundTag, IssueRef, TagSource, TaskRef
from corrbot.understand.tags import add_guesses, own_tags

R = TypeVar("R")

# session.info keys: the per-transaction cache of task and issue refs (cache_refs),
# and a Task or Issue row changed since the last flush.
_REFS = "corrbot.tagging.refs"
_CHANGED = "corrbot.tagging.refs_changed"


def cache_refs(session: Session) -> None:
    """Read the group's tasks and issues once per transaction instead of once per message.

    The runner turns this on for one transaction (a message, or a batch of an archive
    import). A Task or Issue row added, changed or deleted in this session (a chair's
    decision may open an issue) empties the cache, so the next message sees it; other
    transactions' changes are seen by the next transaction, as before.
    """
    cache: dict[tuple[str, int], Any] = {}
    session.info[_REFS] = cache

    def forget(flushed: Session, _context: object) -> None:
        if flushed.info.pop(_CHANGED, False) or _deleted(flushed):
            cache.clear()

    def added(adding: Session, row: object) -> None:
        # Noted as it is added: session.new also holds every Tag row waiting for the
        # next flush, too many to look through for each message of a batch.
        if isinstance(row, (Task, Issue)):
            adding.info[_CHANGED] = True

    event.listen(session, "after_flush", forget)
    event.listen(session, "transient_to_pending", added)


def _deleted(session: Session) -> bool:
    # Deleted rows are flushed at once (write_tags), so this set stays small; an added
    # Task or Issue is noted as it is added (``added`` above).
    return any(isinstance(row, (Task, Issue)) for row in session.deleted)


def _note_change(target: Task | Issue, *_: object) -> None:
    """A Task or Issue row changed: its session's cached refs are stale until read again.

    Noted as it happens, because finding changed rows later means looking at every
    changed row of the session, for each message of a batch.
    """
    session = object_session(target)
    if session is not None:
        session.info[_CHANGED] = True


for _model in (Task, Issue):
    for _column in _model.__mapper__.column_attrs:
        event.listen(getattr(_model, _column.key), "set", _note_change)


def _cached(session: Session, key: tuple[str, int]) -> Any:
    cache: dict[tuple[str, int], Any] | None = session.info.get(_REFS)
    if cache is None:
        return None
    if session.info.get(_CHANGED) or _deleted(session):
        cache.clear()  # not flushed yet: the query would flush and see it
        return None
    return cache.get(key)


def _remember(session: Session, key: tuple[str, int], value: Any) -> None:
    cache: dict[tuple[str, int], Any] | None = session.info.get(_REFS)
    if cache is not None:
        cache[key] = value


def _refs(session: Session, key: tuple[str, int], read: Callable[[], list[R]]) -> list[R]:
    """The transaction's cached list under key, read once; a copy the caller may change."""
    found: list[R] | None = _cached(session, key)
    if found is None:
        found = read()
        _remember(session, key, found)
    return list(found)


def tag_refs(session: Session, group_id: int) -> tuple[tuple[TaskRef, ...], tuple[IssueRef, ...]]:
    """``task_refs`` and ``issue_refs`` as tuples, the same ones while the transaction's
    cache holds them (so a comparison with them can be remembered by identity)."""
    key = ("tag_refs", group_id)
    found: tuple[tuple[TaskRef, ...], tuple[IssueRef, ...]] | None = _cached(session, key)
    if found is None:
        found = (tuple(task_refs(session, group_id)), tuple(issue_refs(session, group_id)))
        _remember(session, key, found)
    return found


def task_refs(session: Session, group_id: int) -> list[TaskRef]:
    return _refs(session, ("tasks", group_id), lambda: _read_tasks(session, group_id))


def issue_refs(session: Session, group_id: int) -> list[IssueRef]:
    return _refs(session, ("issues", group_id), lambda: _read_issues(session, group_id))


def _read_tasks(session: Session, group_id: int) -> list[TaskRef]:
    rows = session.scalars(select(Task).where(Task.group_id == group_id).order_by(Task.key))
    return [
        TaskRef(
            key=row.key,
            title=row.title,
            description=row.description or "",
            keywords=tuple(k.strip() for k in (row.keywords or "").split(";") if k.strip()),
        )
        for row in rows
    ]


def _read_issues(session: Session, group_id: int) -> list[IssueRef]:
    rows = session.scalars(select(Issue).where(Issue.group_id == group_id).order_by(Issue.number))
    return [IssueRef(row.number, row.title, tuple(row.alias_list)) for row in rows]


def parent_of(session: Session, message: Message) -> Message | None:
    """The message this one answers: the threading link, else In-Reply-To/References."""
    if message.parent_id is not None:
        parent = _message(session, message.parent_id)
        return parent if parent is not None and not parent.placeholder else None
    # No threading link (yet): In-Reply-To, else the nearest stored reference.
    for ref in [message.in_reply_to, *reversed(message.references or [])]:
        if not ref:
            continue
        found = session.scalar(
            select(Message).where(Message.group_id == message.group_id, Message.message_id == ref)
        )
        if found is not None and found.id != message.id and not found.placeholder:
            return found
    return None


def _message(session: Session, message_id: int) -> Message | None:
    """``session.get(Message, message_id)``: the row held, when it is, looked up directly
    (session.get took 3 us to find it, for most messages of an import)."""
    key = Message.__mapper__.identity_key_from_primary_key((message_id,))
    held = session.identity_map.get(key)
    if isinstance(held, Message) and not instance_state(held).expired:  # else get reloads it
        return held
    return session.get(Message, message_id)


def active_tags(session: Session, message_id: int) -> list[FoundTag]:
    rows = tag_rows.rows_of(session, message_id)
    return [
        FoundTag(_kind(row.kind), row.key, "inherited", row.confidence)
        for row in rows
        if row.active
    ]


def choose_tags(
    subject: str,
    new_text: str,
    tasks: Sequence[TaskRef],
    issues: Sequence[IssueRef],
    threshold: float,
    inherited: list[FoundTag],
    found: list[FoundTag] | None = None,
) -> list[FoundTag]:
    """The message's tags by the order of evidence in the module docstring.

    ``found``: ``find_tags`` of exactly these arguments, when already known (an
    import's worker read it ahead).
    """
    if found is None:
        given = own_tags(subject, new_text, tasks, issues)
        if not given and any(tag.kind == "task" for tag in inherited):
            return [*inherited]  # as below, and no classifier to run for guesses unused
        found = add_guesses(given, new_text, tasks, threshold)
    own = [tag for tag in found if tag.source in ("explicit", "title")]
    if own:
        return found
    if inherited:
        has_task = any(tag.kind == "task" for tag in inherited)
        guessed = [] if has_task else [tag for tag in found if tag.source == "classifier"]
        return [*inherited, *guessed]
    return found


def write_tags(session: Session, message_id: int, tags: list[FoundTag]) -> list[FoundTag]:
    """Make the message's tag rows match ``tags``, keeping a coordinator's rows.

    Returns the message's active tags as stored: the active rows, in row order.
    """
    held = tag_rows.rows_of(session, message_id)
    wanted = {(tag.kind, tag.key): tag for tag in tags}
    if not held:  # a message read for the first time: its rows are the tags, in order
        tag_rows.written(
            session, message_id, [_add(session, message_id, t) for t in wanted.values()]
        )
        return [_found(t.kind, t.key, t.source, t.confidence) for t in wanted.values()]
    existing = {(row.kind, row.key): row for row in held}
    deleted = False
    for key, old in existing.items():
        if old.source != "coordinator" and key not in wanted:
            tag_rows.changing(session, old)
            if inspect(old).pending:  # added earlier in this transaction, never written
                session.expunge(old)
            else:
                session.delete(old)
                deleted = True
    rows = [old for key, old in existing.items() if old.source == "coordinator" or key in wanted]
    for key, tag in wanted.items():
        row = existing.get(key)
        if row is None:
            rows.append(_add(session, message_id, tag))
        elif row.source != "coordinator":
            row.source, row.confidence, row.active = tag.source, tag.confidence, True
    # New rows wait for the transaction's next flush (they need no id here: see
    # tag_rows.id_order). A deleted row goes now: a later write of the same tag in
    # this transaction would otherwise be inserted before it is deleted.
    if deleted:
        session.flush()
    rows.sort(key=tag_rows.id_order)
    tag_rows.written(session, message_id, rows)
    return [_found(r.kind, r.key, r.source, r.confidence) for r in rows if r.active]


def _add(session: Session, message_id: int, tag: FoundTag) -> Tag:
    """A new active row for ``tag``, added to the session (inserted at its next flush).

    Made by ``db.holding``: the constructor's six sets, with their events, took about
    half of this, and an import makes a row for most messages.
    """
    row = holding(
        Tag,
        {
            "message_id": message_id,
            "kind": tag.kind,
            "key": tag.key,
            "source": tag.source,
            "confidence": tag.confidence,
            "active": True,
        },
    )
    tag_rows.changing(session, row)
    session.add(row)
    return row


def _found(kind: str, key: str, source: str, confidence: float) -> FoundTag:
    """The FoundTag of a row with these values."""
    return FoundTag(_kind(kind), key, _source(source), confidence)


def reinherit_children(
    session: Session,
    parent_id: int,
    tasks: Sequence[TaskRef],
    issues: Sequence[IssueRef],
    threshold: float,
) -> int:
    """Re-tag read replies below ``parent_id`` that carry no tags of their own.

    A reply can be read before its parent (a late parent fills its placeholder
    row), and a coordinator can correct a parent's tags after its replies were
    read: in both cases what the replies inherited is refreshed, level by level
    and without recursion. Returns how many replies were re-tagged.
    """
    if not tag_rows.may_have_replies(session, parent_id):
        return 0
    done = 0
    seen = {parent_id}
    level = [parent_id]
    refs = (tuple(tasks), tuple(issues), threshold)
    while level:
        children = tag_rows.replies(session, level)
        if children is None:
            children = list(
                session.scalars(
                    select(Message).where(
                        Message.parent_id.in_(level),
                        Message.placeholder.is_(False),
                        Message.stage == "processed",
                        Message.new_text.is_not(None),
                    )
                )
            )
        level = []
        for child in children:
            if child.id in seen or _has_own_tags(session, child.id):
                continue
            seen.add(child.id)
            assert child.parent_id is not None
            inherited = active_tags(session, child.parent_id)
            subject, text = child.subject or "", child.new_text or ""
            found = noted_for(session, child.id, subject, text, refs)
            tags = choose_tags(subject, text, tasks, issues, threshold, inherited, found)
            write_tags(session, child.id, tags)
            level.append(child.id)
            done += 1
    return done


def _has_own_tags(session: Session, message_id: int) -> bool:
    own = ("explicit", "title", "coordinator")
    return any(row.source in own for row in tag_rows.rows_of(session, message_id))


def _kind(value: str) -> Literal["task", "issue"]:
    return "task" if value == "task" else "issue"


def _source(value: str) -> TagSource:
    sources: tuple[TagSource, ...] = ("explicit", "title", "classifier", "inherited", "coordinator")
    return next((s for s in sources if s == value), "explicit")
