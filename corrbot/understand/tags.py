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
from typing import NamedTuple

from corrbot.understand.classifier import DEFAULT_THRESHOLD, TaskClassifier
from corrbot.understand.keywords import may_hold
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
# Cheap first looks: every _HASH match holds "#" and a digit, every _ISSUE_WORD
# match "issue" in some case. Both start with a literal, which the regex engine
# finds by a fast search, where the full patterns are tried at every position.
_HASH_DIGIT = re.compile(r"#\d")
_ISSUE_ANY_CASE = re.compile(r"issue", re.I)
# str.translate table: each ASCII character that \w does not match becomes a space.
_NOT_WORD = "".join(c if re.match(r"\w", c) else " " for c in map(chr, range(128)))


def find_tags(
    subject: str,
    new_text: str,
    tasks: Sequence[TaskRef],
    issues: Sequence[IssueRef],
    threshold: float = DEFAULT_THRESHOLD,
) -> list[FoundTag]:
    """All tags of a message, explicit first, then issue titles, then the classifier."""
    return add_guesses(own_tags(subject, new_text, tasks, issues), new_text, tasks, threshold)


def own_tags(
    subject: str, new_text: str, tasks: Sequence[TaskRef], issues: Sequence[IssueRef]
) -> list[FoundTag]:
    """The tags the sender gave: explicit tasks and issues, then issues named by title."""
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
        haystack = f"{subject}\n{new_text}"
        lowered = haystack.lower()
        for number in _explicit_issue_numbers(haystack, lowered):
            if number in known:
                add("issue", str(number), "explicit")
        words = _word_set(lowered) if haystack.isascii() else None
        for issue in issues:
            if _names_issue(haystack, lowered, words, issue):
                add("issue", str(issue.number), "title")
    return found


def add_guesses(
    found: list[FoundTag], new_text: str, tasks: Sequence[TaskRef], threshold: float
) -> list[FoundTag]:
    """``found`` and, when it tags no task, the classifier's tasks (no key repeats:
    ``found`` holds no task then)."""
    if any(tag.kind == "task" for tag in found) or not tasks:
        return found
    guesses = _classifier(tuple(tasks)).classify(new_text, threshold)
    return [*found, *(FoundTag("task", key, "classifier", score) for key, score in guesses)]


def explicit_task_keys(subject: str, new_text: str, tasks: Sequence[TaskRef]) -> list[str]:
    """Known task keys tagged by the sender, in the order written."""
    by_lower = {task.key.lower(): task.key for task in tasks}
    keys: list[str] = []
    sources = [m.group(1) for m in _SUBJECT_TASKS.finditer(subject)]
    if may_hold(new_text, "task"):  # a full scan tries the pattern at every position
        sources += [m.group(1) for m in _TASK_LINE.finditer(new_text)]
    for source in sources:
        for token in re.split(r"[\s,;/()\[\]]+|\band\b", source):
            key = by_lower.get(token.strip().lower())
            if key is not None and key not in keys:
                keys.append(key)
    return keys


def _explicit_issue_numbers(text: str, lowered: str) -> list[int]:
    """Issue numbers written as ``#12`` or ``Issue 12``, in order of appearance.

    ``lowered`` is ``text.lower()``.
    """
    hits: list[tuple[int, int]] = []
    if _HASH_DIGIT.search(text):
        hits = [(m.start(), int(m.group(1))) for m in _HASH.finditer(text)]
    # On ASCII text, ignoring case means only ASCII case, so "issue" shows in the
    # lowered text; elsewhere "ı" and "ſ" also match "i" and "s", so look with re.I.
    if "issue" in lowered or (not text.isascii() and _ISSUE_ANY_CASE.search(text)):
        for match in _ISSUE_WORD.finditer(text):
            for number in re.findall(r"\d+", match.group(1)):
                hits.append((match.start(), int(number)))
    numbers: list[int] = []
    for _, number in sorted(hits, key=lambda hit: hit[0]):
        if number not in numbers:
            numbers.append(number)
    return numbers


def _names_issue(text: str, lowered: str, words: frozenset[str] | None, issue: IssueRef) -> bool:
    """Whether ``text`` names ``issue`` by its title or an alias.

    ``lowered`` is ``text.lower()``; ``words`` its ``_word_set`` when ``text`` is
    all ASCII, else None.
    """
    for name in (issue.title, *issue.aliases):
        if not name:
            continue
        finder = _name_finder(name)
        if words is not None and finder.runs is not None:
            # Between ASCII name and ASCII text, ignoring case is ASCII case only:
            # where the pattern matches, each \w run of the name is a whole \w run
            # of the text (and its longest word is in the lowered text, so the
            # test below would pass). Set lookups spare that test and most scans.
            if not finder.runs <= words:
                continue
        elif finder.needle not in lowered:
            # A name's longest word must occur somewhere: a substring test is far
            # cheaper than a word-boundary regex scan of a long text, per issue.
            # Other text keeps this test: under re.I "ſ" matches "s" and "ı" "i",
            # so word sets could miss what the pattern finds.
            continue
        if finder.pattern.search(text):
            return True
    return False


class _NameFinder(NamedTuple):
    needle: str  # the name's longest word, lowercased
    runs: frozenset[str] | None  # its lowercased \w runs, when the name is ASCII
    pattern: re.Pattern[str]


@lru_cache(maxsize=4096)
def _name_finder(name: str) -> _NameFinder:
    # Once per name, not once per message and issue.
    needle = max(name.lower().split(), key=len, default="")
    runs = frozenset(name.lower().translate(_NOT_WORD).split()) if name.isascii() else None
    # Whole words, any whitespace between them, case-insensitive.
    words = [re.escape(word) for word in name.split()]
    pattern = re.compile(r"(?<!\w)" + r"\s+".join(words) + r"(?!\w)", re.I)
    return _NameFinder(needle, runs, pattern)


def _word_set(lowered: str) -> frozenset[str]:
    """The maximal runs of \\w characters of an ASCII text (translate and split run in C)."""
    return frozenset(lowered.translate(_NOT_WORD).split())


@lru_cache(maxsize=64)
def _classifier(tasks: tuple[TaskRef, ...]) -> TaskClassifier:
    # Building the IDF profile is cheap but not free; a group's tasks rarely change.
    return TaskClassifier(tasks)
