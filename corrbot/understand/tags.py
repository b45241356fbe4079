"""Which tasks and issues a message is about.

Explicit tags come first and are always right when the key is known: ``[b]`` in
the subject, a ``Task: b`` / ``Tasks: b, c`` line, ``#12`` or ``Issue 12`` (also
"issues 3 and 4") in the subject or the new text. Then issues named by their
title or an alias (source "title"). Last, and only when the sender tagged no
task, the automatic classifier proposes tasks with a confidence (source
"classifier"). Unknown keys and numbers are ignored; each tag appears once, from
its strongest source.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

from corrbot.understand.classifier import DEFAULT_THRESHOLD, TaskClassifier
from corrbot.understand.refs import FoundTag, IssueRef, TagSource, TaskRef

__all__ = [
    "DEFAULT_THRESHOLD",
    "FoundTag",
    "IssueRef",
    "TagSource",
    "TaskRef",
    "explicit_task_keys",
    "find_tags",
]

# "[b]" or "[b, c]" in a subject.
_SUBJECT_TASKS = re.compile(r"\[\s*([A-Za-z](?:\s*[,/;]\s*[A-Za-z])*)\s*\]")
# "Task: b", "Tasks: b, c", "Task: (b)".
_TASK_LINE = re.compile(r"^\s*tasks?\s*:\s*(.+?)\s*$", re.I | re.M)
# "#12", but not "&#12;" nor "#12a"; "Issue 12", "issue #12", "Issues 3, 4 and 7".
_HASH = re.compile(r"(?<![\w&#])#(\d{1,4})(?![\w;])")
_ISSUE_WORD = re.compile(
    r"\bissues?\s+(?:no\.?\s*|number\s+)?#?(\d{1,4}(?:\s*(?:,|and|&|et|y|or)\s*#?\d{1,4})*)\b",
    re.I,
)


def find_tags(
    subject: str,
    new_text: str,
    tasks: Sequence[TaskRef],
    issues: Sequence[IssueRef],
    threshold: float = DEFAULT_THRESHOLD,
) -> list[FoundTag]:
    """All tags of a message, explicit first, then issue titles, then the classifier."""
    found: list[FoundTag] = []
    seen: set[tuple[str, str]] = set()

    def add(kind: str, key: str, source: TagSource, confidence: float = 1.0) -> None:
        if (kind, key) not in seen:
            seen.add((kind, key))
            found.append(FoundTag("task" if kind == "task" else "issue", key, source, confidence))

    for key in explicit_task_keys(subject, new_text, tasks):
        add("task", key, "explicit")
    if issues:  # without an issue list no number or title can count: skip the scans
        known = {issue.number for issue in issues}
        for number in _explicit_issue_numbers(f"{subject}\n{new_text}"):
            if number in known:
                add("issue", str(number), "explicit")
        haystack = f"{subject}\n{new_text}"
        lowered = haystack.lower()
        for issue in issues:
            if _names_issue(haystack, lowered, issue):
                add("issue", str(issue.number), "title")
    if not any(tag.kind == "task" for tag in found) and tasks:
        for key, confidence in _classifier(tuple(tasks)).classify(new_text, threshold):
            add("task", key, "classifier", confidence)
    return found


def explicit_task_keys(subject: str, new_text: str, tasks: Sequence[TaskRef]) -> list[str]:
    """Known task keys tagged by the sender, in the order written."""
    by_lower = {task.key.lower(): task.key for task in tasks}
    keys: list[str] = []
    sources = [m.group(1) for m in _SUBJECT_TASKS.finditer(subject)]
    sources += [m.group(1) for m in _TASK_LINE.finditer(new_text)]
    for source in sources:
        for token in re.split(r"[\s,;/()\[\]]+|\band\b", source):
            key = by_lower.get(token.strip().lower())
            if key is not None and key not in keys:
                keys.append(key)
    return keys


def _explicit_issue_numbers(text: str) -> list[int]:
    """Issue numbers written as ``#12`` or ``Issue 12``, in order of appearance."""
    hits: list[tuple[int, int]] = [(m.start(), int(m.group(1))) for m in _HASH.finditer(text)]
    for match in _ISSUE_WORD.finditer(text):
        for number in re.findall(r"\d+", match.group(1)):
            hits.append((match.start(), int(number)))
    numbers: list[int] = []
    for _, number in sorted(hits, key=lambda hit: hit[0]):
        if number not in numbers:
            numbers.append(number)
    return numbers


def _names_issue(text: str, lowered: str, issue: IssueRef) -> bool:
    for name in (issue.title, *issue.aliases):
        if not name:
            continue
        # A name's longest word must occur somewhere: a substring test is far
        # cheaper than a word-boundary regex scan of a long text, per issue.
        needle = max(name.lower().split(), key=len, default="")
        if needle in lowered and _name_pattern(name).search(text):
            return True
    return False


@lru_cache(maxsize=4096)
def _name_pattern(name: str) -> re.Pattern[str]:
    # Whole words, any whitespace between them, case-insensitive.
    words = [re.escape(word) for word in name.split()]
    return re.compile(r"(?<!\w)" + r"\s+".join(words) + r"(?!\w)", re.I)


@lru_cache(maxsize=64)
def _classifier(tasks: tuple[TaskRef, ...]) -> TaskClassifier:
    # Building the IDF profile is cheap but not free; a group's tasks rarely change.
    return TaskClassifier(tasks)
