"""What tagging needs of a group's task and issue lists, made once per pair of lists.

An import reads every message with the same group's lists: the classifier, the
issues' numbers, the task keys by their lowering and the issue names' bits are
made from them once, and one ``ChunkBits`` tells both the classifier and the
issue names what a post holds (one look at each of its token chunks, not two).
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

from corrbot.understand.classifier import TaskClassifier
from corrbot.understand.issuenames import NameBits, letter_runs_of
from corrbot.understand.refs import IssueRef, TaskRef
from corrbot.understand.textwords import ChunkBits, chunks_of

# Distinct token chunks remembered when there is no classifier (see ChunkBits).
_CHUNKS_REMEMBERED = 1 << 16


class TagLists:
    """A group's tasks and issues, and what tagging makes of them."""

    __slots__ = (
        *("_chunk_bits", "classifier", "issue_bit", "issues", "keys_by_lower"),
        *("names", "numbers", "tasks"),
    )

    def __init__(self, tasks: tuple[TaskRef, ...], issues: tuple[IssueRef, ...]) -> None:
        self.tasks = tasks
        self.issues = issues
        self.numbers = frozenset(issue.number for issue in issues)
        self.keys_by_lower = {task.key.lower(): task.key for task in tasks}
        runs = letter_runs_of(issues) if issues else None
        words = sorted(runs.words) if runs is not None else []
        self.classifier = TaskClassifier(tasks, words=words) if tasks else None
        if self.classifier is not None:
            self._chunk_bits = self.classifier.chunk_bits
        else:
            self._chunk_bits = ChunkBits(("issue",), words, (), _CHUNKS_REMEMBERED)
        # Whether the lowered text holds "issue" (tags.py's issue numbers), when the
        # bits tell it (the classifier's do: a cue needs it).
        self.issue_bit = self._chunk_bits.string_bit("issue")
        self.names = NameBits(runs, self._chunk_bits.word_bit) if runs is not None else None

    def found(self, text: str) -> int:
        """The bits (the classifier's, with the issue names' words) of ``text``."""
        return self._chunk_bits.bits(chunks_of(text))


class _PerPair:
    """``TagLists`` of a pair of lists: by value (the last 64 pairs), and the last pair
    of tuples by identity too, as refs.PerList does for one list."""

    __slots__ = ("_build", "_last")

    def __init__(self) -> None:
        self._build = lru_cache(maxsize=64)(TagLists)
        self._last: tuple[object, object, TagLists] | None = None

    def __call__(self, tasks: Sequence[TaskRef], issues: Sequence[IssueRef]) -> TagLists:
        last = self._last  # one read: another thread may replace it
        if last is not None and last[0] is tasks and last[1] is issues:
            return last[2]
        made = self._build(tuple(tasks), tuple(issues))
        if type(tasks) is tuple and type(issues) is tuple:
            self._last = (tasks, issues, made)
        return made

    def cache_clear(self) -> None:
        self._build.cache_clear()
        self._last = None


tag_lists = _PerPair()
