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
from collections.abc import Iterator, Sequence

from corrbot.understand.classifier import DEFAULT_THRESHOLD, TaskClassifier
from corrbot.understand.issuenames import named_issues
from corrbot.understand.keywords import folds_ascii, may_hold
from corrbot.understand.keywords import lowered as lowered_text
from corrbot.understand.refs import FoundTag, IssueRef, PerList, TagSource, TaskRef
from corrbot.understand.taglists import TagLists, tag_lists

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
# "Task: b", "Tasks: b, c", "Task: (b)": the lines ^\s*tasks?\s*:\s*(.+?)\s*$ (re.I,
# re.M) finds, looked for from the "\n" before them (a literal the regex engine
# finds by a fast search; ^ is tried at every position) and on the first line.
_TASK_REST = r"\s*tasks?\s*:\s*(.+?)\s*$"
_TASK_FIRST = re.compile(_TASK_REST, re.I | re.M)
_TASK_AFTER_NEWLINE = re.compile("\n" + _TASK_REST, re.I | re.M)
# "#12", but not "&#12;" nor "#12a"; "Issue 12", "issue #12", "Issues 3, 4 and 7".
# Checked just after the "#" it matched, the look back sees the character before it;
# starting with a literal, the pattern is looked for by a fast search of "#", where
# a look back first was tried at every position of the text (0.48 against 0.01 s
# over the 3,095 linux-mips texts holding a "#").
_HASH = re.compile(r"#(?<![\w&#]#)(\d{1,4})(?![\w;])")
_ISSUE_WORD = re.compile(
    r"\bissues?\s+(?:no\.?\s*|number\s+)?#?(\d{1,4}(?:\s*(?:,|and|&|et|y|or)\s*#?\d{1,4})*)\b",
    re.I,
)
# A cheap first look: every _ISSUE_WORD match holds "issue" in some case. It starts
# with the set of characters re.I matches "i" with, which the regex engine scans
# for fast, where a case-insensitive pattern is tried at every position.
_ISSUE_ANY_CASE = re.compile("[iI\u0130\u0131](?i:ssue)")


def find_tags(
    subject: str,
    new_text: str,
    tasks: Sequence[TaskRef],
    issues: Sequence[IssueRef],
    threshold: float = DEFAULT_THRESHOLD,
) -> list[FoundTag]:
    """All tags of a message, explicit first, then issue titles, then the classifier."""
    lists = tag_lists(tasks, issues)
    found, bits = _own_tags(subject, new_text, lists)
    if any(tag.kind == "task" for tag in found) or lists.classifier is None:
        return found
    return _with_guesses(found, lists.classifier.classify(new_text, threshold, bits))


def own_tags(
    subject: str, new_text: str, tasks: Sequence[TaskRef], issues: Sequence[IssueRef]
) -> list[FoundTag]:
    """The tags the sender gave: explicit tasks and issues, then issues named by title."""
    return _own_tags(subject, new_text, tag_lists(tasks, issues))[0]


def _own_tags(subject: str, new_text: str, lists: TagLists) -> tuple[list[FoundTag], int | None]:
    """``own_tags``, and the bits of the new text (``TagLists.found``) if they were read."""
    found: list[FoundTag] = []
    seen: set[tuple[str, str]] = set()

    def add(kind: str, key: str, source: TagSource, confidence: float = 1.0) -> None:
        if (kind, key) not in seen:
            seen.add((kind, key))
            found.append(FoundTag("task" if kind == "task" else "issue", key, source, confidence))

    for key in _explicit_task_keys(subject, new_text, lists.keys_by_lower):
        add("task", key, "explicit")
    bits = None
    issues = lists.issues
    if issues:  # without an issue list no number or title can count: skip the scans
        known = lists.numbers
        haystack = f"{subject}\n{new_text}"
        # Lowering stops at the "\n" (a final sigma looks no further), and the new
        # text's lowering is shared with the other readers of the post.
        subject_lowered = subject.lower()
        lowered = f"{subject_lowered}\n{lowered_text(new_text)}"
        names = lists.names
        # What rules the names out (see named_issues), and the classifier reads too.
        if names is not None and subject.isascii() and not folds_ascii(new_text):
            bits = lists.found(new_text)
        said = None  # whether the lowered text holds "issue", when the bits tell
        if bits is not None and lists.issue_bit is not None:
            said = "issue" in subject_lowered or bool(bits & lists.issue_bit)
        for number in _explicit_issue_numbers(haystack, lowered, said):
            if number in known:
                add("issue", str(number), "explicit")
        for issue in named_issues(haystack, lowered, issues, subject, names, bits):
            add("issue", str(issue.number), "title")
    return found, bits


def add_guesses(
    found: list[FoundTag], new_text: str, tasks: Sequence[TaskRef], threshold: float
) -> list[FoundTag]:
    """``found`` and, when it tags no task, the classifier's tasks (no key repeats:
    ``found`` holds no task then)."""
    if any(tag.kind == "task" for tag in found) or not tasks:
        return found
    return _with_guesses(found, _classifier(tasks).classify(new_text, threshold))


def _with_guesses(found: list[FoundTag], guesses: list[tuple[str, float]]) -> list[FoundTag]:
    return [*found, *(FoundTag("task", key, "classifier", score) for key, score in guesses)]


def explicit_task_keys(subject: str, new_text: str, tasks: Sequence[TaskRef]) -> list[str]:
    """Known task keys tagged by the sender, in the order written."""
    return _explicit_task_keys(subject, new_text, {task.key.lower(): task.key for task in tasks})


def _explicit_task_keys(subject: str, new_text: str, by_lower: dict[str, str]) -> list[str]:
    keys: list[str] = []
    sources = [m.group(1) for m in _SUBJECT_TASKS.finditer(subject)]
    if may_hold(new_text, "task"):  # a full scan tries the pattern at every position
        sources += _task_lines(new_text)
    for source in sources:
        for token in re.split(r"[\s,;/()\[\]]+|\band\b", source):
            key = by_lower.get(token.strip().lower())
            if key is not None and key not in keys:
                keys.append(key)
    return keys


def _task_lines(text: str) -> list[str]:
    """The values the pattern ``^\\s*tasks?\\s*:\\s*(.+?)\\s*$`` (re.I, re.M) finds, in order.

    Where that pattern starts at a line start, its \\s* runs on to the end of that
    whitespace run, which holds the "\\n" before it or the text's start; the
    rest, and so what is found, depends only on where "task" begins. Each
    match ends before a "\\n" or at the text's end, where the next may start.
    """
    first = _TASK_FIRST.match(text)
    found = [first.group(1)] if first else []
    after = _TASK_AFTER_NEWLINE.finditer(text, first.end() if first else 0)
    return found + [match.group(1) for match in after]


def _explicit_issue_numbers(text: str, lowered: str, said: bool | None = None) -> list[int]:
    """Issue numbers written as ``#12`` or ``Issue 12``, in order of appearance.

    ``lowered`` is ``text.lower()``; ``said``, when not None, whether it holds "issue".
    """
    hits: list[tuple[int, int]] = []
    if "#" in text:  # a byte search; most posts have none
        hits = [(m.start(), int(m.group(1))) for m in _HASH.finditer(text)]
    # On ASCII text, ignoring case means only ASCII case, so "issue" shows in the
    # lowered text; elsewhere "ı" and "ſ" also match "i" and "s", so look with re.I.
    if ("issue" in lowered if said is None else said) or (
        not text.isascii() and _ISSUE_ANY_CASE.search(text)
    ):
        for match in _issue_words(text, lowered):
            for number in re.findall(r"\d+", match.group(1)):
                hits.append((match.start(), int(number)))
    numbers: list[int] = []
    for _, number in sorted(hits, key=lambda hit: hit[0]):
        if number not in numbers:
            numbers.append(number)
    return numbers


def _issue_words(text: str, lowered: str) -> Iterator[re.Match[str]]:
    """``_ISSUE_WORD.finditer(text)``; ``lowered`` is ``text.lower()``.

    In ASCII text every match starts where the lowered text shows "issue": the
    pattern is tried there only (its leading \\b still sees the character before),
    as finditer would, past the end of the previous match.
    """
    if not text.isascii():
        yield from _ISSUE_WORD.finditer(text)
        return
    start = lowered.find("issue")
    while start >= 0:
        match = _ISSUE_WORD.match(text, start)
        if match:
            yield match
        start = lowered.find("issue", match.end() if match else start + 1)


@PerList
def _classifier(tasks: tuple[TaskRef, ...]) -> TaskClassifier:
    # Building the IDF profile is cheap but not free; a group's tasks rarely change.
    return TaskClassifier(tasks)
