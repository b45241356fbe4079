"""The value types of tagging: a group's tasks and issues, and a tag found.

They live apart from ``tags.py`` only so that ``classifier.py`` can use them
without an import cycle; ``tags.py`` re-exports them and is where callers find them.
``PerList`` makes what tagging needs of a list of them once per list.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Generic, Literal, TypeVar

TagSource = Literal["explicit", "title", "classifier", "inherited", "coordinator"]
_Ref = TypeVar("_Ref")
_Made = TypeVar("_Made")


@dataclass(frozen=True)
class TaskRef:
    """A ToR task: key ``a``, ``b``…, its title, and optional words that describe it."""

    key: str
    title: str
    description: str = ""
    keywords: tuple[str, ...] = ()


@dataclass(frozen=True)
class IssueRef:
    """An entry of the issue list: number, title and other names people use for it."""

    number: int
    title: str
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class FoundTag:
    """A tag on a message. ``key`` is a task key ("b") or an issue number ("12")."""

    kind: Literal["task", "issue"]
    key: str
    source: TagSource
    confidence: float = 1.0


class PerList(Generic[_Ref, _Made]):
    """``build(tuple(refs))``, made once per list of refs.

    Remembered by value (the last 64 lists), and the last tuple passed by identity
    too: the pipeline passes a group's same tuples for every message, and hashing
    one hashes every field of every ref (2.5 us a message for the example group's
    12 issues). A list may change in place, so it is looked up by value only.
    """

    __slots__ = ("_build", "_last")

    def __init__(self, build: Callable[[tuple[_Ref, ...]], _Made]) -> None:
        self._build = lru_cache(maxsize=64)(build)
        self._last: tuple[object, _Made] | None = None

    def __call__(self, refs: Sequence[_Ref]) -> _Made:
        last = self._last  # one read: another thread may replace it
        if last is not None and last[0] is refs:
            return last[1]
        made = self._build(tuple(refs))
        if type(refs) is tuple:
            self._last = (refs, made)
        return made

    def cache_clear(self) -> None:
        self._build.cache_clear()
        self._last = None
