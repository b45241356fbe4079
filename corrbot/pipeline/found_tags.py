"""What an import's workers found of each post's tags, kept for tagging it again.

A reply read before its parent is tagged again when the parent arrives
(tagging.reinherit_children), usually in a later transaction of the import. Its
own tags are ``find_tags`` of its subject and new text, which a worker read
(pipeline/parse_ahead.py): kept here, they need not be worked out again in the
runner's process. The import keeps one ``FoundTags`` (read_ahead.Readings.found)
and hands it to each of its transactions (``remember_found``); a transaction
without one (live mail) notes and finds nothing.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.orm import Session

from corrbot.understand import FoundTag, IssueRef, TaskRef

# What find_tags was given: subject, new text, tasks, issues, threshold.
_Inputs = tuple[str, str, tuple[TaskRef, ...], tuple[IssueRef, ...], float]
# tasks, issues, threshold
Refs = tuple[Sequence[TaskRef], Sequence[IssueRef], float]

_FOUND = "corrbot.found_tags"  # session.info: the import's FoundTags


class FoundTags:
    """``find_tags`` results by message row id, each given back only for the inputs it
    was read from (``find_tags`` depends on nothing else), the oldest forgotten first."""

    def __init__(self, limit: int) -> None:
        self._limit = limit
        self._found: dict[int, tuple[_Inputs, list[FoundTag]]] = {}

    def note(self, message_id: int, inputs: _Inputs, found: list[FoundTag]) -> None:
        self._found.pop(message_id, None)  # re-noted: now the newest
        self._found[message_id] = (inputs, found)
        if len(self._found) > self._limit:
            del self._found[next(iter(self._found))]

    def get(self, message_id: int, inputs: _Inputs) -> list[FoundTag] | None:
        entry = self._found.get(message_id)
        return entry[1] if entry is not None and entry[0] == inputs else None


def remember_found(session: Session, found: FoundTags) -> None:
    """This transaction notes and reuses ``find_tags`` results in ``found`` (an import's,
    kept from one transaction to the next)."""
    session.info[_FOUND] = found


def note_found(
    session: Session,
    message_id: int,
    subject: str,
    new_text: str,
    refs: Refs,
    found: list[FoundTag],
) -> None:
    """``found`` is ``find_tags(subject, new_text, *refs)``: keep it for this message's
    tagging again while it has no tags of its own, when the session keeps such
    results (``remember_found``)."""
    store: FoundTags | None = session.info.get(_FOUND)
    # Only a reply with no tags of its own is ever tagged again: only those are noted.
    if store is None or any(tag.source in ("explicit", "title") for tag in found):
        return
    store.note(message_id, _inputs(subject, new_text, refs), found)


def noted_for(
    session: Session, message_id: int, subject: str, new_text: str, refs: Refs
) -> list[FoundTag] | None:
    """``find_tags(subject, new_text, *refs)`` as noted for this message, if it was."""
    store: FoundTags | None = session.info.get(_FOUND)
    return None if store is None else store.get(message_id, _inputs(subject, new_text, refs))


def _inputs(subject: str, new_text: str, refs: Refs) -> _Inputs:
    tasks, issues, threshold = refs
    return subject, new_text, tuple(tasks), tuple(issues), threshold
