"""The value types of tagging: a group's tasks and issues, and a tag found.

They live apart from ``tags.py`` only so that ``classifier.py`` can use them
without an import cycle; ``tags.py`` re-exports them and is where callers find them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

TagSource = Literal["explicit", "title", "classifier", "inherited", "coordinator"]


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
