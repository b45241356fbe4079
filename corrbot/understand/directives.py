"""The other line conventions of a post: on behalf of, alternatives, closing
dates, the chair's decisions and a coordinator's tag corrections.

Each reader looks at whole lines of the new text, keys case-insensitive, and
ignores what it cannot read (an invalid date is no date) rather than failing,
since a person wrote it and the rest of the message still counts.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from functools import lru_cache

from corrbot.understand.keywords import may_hold

# Each reader's key (lowercase: lines are matched ignoring case); conventions.py
# calls the readers only for a text where a line begins with one of KEYS.
_BEHALF, _ALTERNATIVE, _CLOSES, _DECISION = r"on\s+behalf\s+of", "alternative", "closes", "decision"
_TAG, _UNTAG = "tags?", "untags?"
KEYS = (_BEHALF, _ALTERNATIVE, _CLOSES, _DECISION, _TAG, _UNTAG)


def _lines(new_text: str, key: str, word: str) -> list[tuple[int, str]]:
    """(index, value) of every ``KEY: value`` line, value stripped.

    ``word`` is a word (lowercase ASCII) that every line ``key`` matches spells.
    """
    if ":" not in new_text or not may_hold(new_text, word):  # most posts: no line can match
        return []
    pattern = re.compile(r"^\s*" + key + r"\s*:\s*(.*?)\s*$", re.I)
    found = []
    for index, line in enumerate(_split(new_text)):
        match = pattern.match(line) if ":" in line else None
        if match:
            found.append((index, match.group(1)))
    return found


@lru_cache(maxsize=4)
def _split(new_text: str) -> tuple[str, ...]:
    # Each post's new text is read for five or six keys in a row.
    return tuple(new_text.splitlines())


def on_behalf_of(new_text: str) -> str | None:
    """The organisation named on an ``On behalf of:`` line, if any (the first)."""
    for _, value in _lines(new_text, _BEHALF, "behalf"):
        if value:
            return value
    return None


def alternatives(new_text: str) -> list[str]:
    """The text of every ``Alternative:`` line, in order."""
    return [value for _, value in _lines(new_text, _ALTERNATIVE, "alternative") if value]


def closes(new_text: str) -> datetime.date | None:
    """The date of a ``Closes: YYYY-MM-DD`` line; ``None`` if absent or invalid."""
    for _, value in _lines(new_text, _CLOSES, "closes"):
        match = re.match(r"(\d{4}-\d{2}-\d{2})(?:$|[T\s])", value)
        if not match:
            return None
        try:
            return datetime.date.fromisoformat(match.group(1))
        except ValueError:
            return None
    return None


@dataclass(frozen=True)
class Decision:
    """The chair's decision on a referral: an option letter or ``return``."""

    choice: str
    note: str


_CHOICE = re.compile(
    r"^(?:option\s+)?([A-Za-z])\b[\s.:;,—–-]*(.*)$|^(return)\b[\s.:;,—–-]*(.*)$", re.I
)


def decision(new_text: str) -> Decision | None:
    """A ``Decision: B`` or ``Decision: return`` line and the note that follows it."""
    for index, value in _lines(new_text, _DECISION, "decision"):
        match = _CHOICE.match(value)
        if not match:
            continue
        if match.group(3):
            choice, rest = "return", match.group(4)
        else:
            choice, rest = match.group(1).upper(), match.group(2)
        note = [rest.strip()] if rest.strip() else []
        note += [line.strip() for line in _split(new_text)[index + 1 :] if line.strip()]
        return Decision(choice, "\n".join(note))
    return None


@dataclass(frozen=True)
class TagCorrection:
    """Tags a coordinator adds or removes: task keys ("b") and issues ("#12")."""

    add: tuple[str, ...]
    remove: tuple[str, ...]


def tag_correction(new_text: str) -> TagCorrection | None:
    """``Tag: b, #12`` and ``Untag: c`` lines; ``None`` when there are none."""
    if not _lines(new_text, f"(?:{_TAG}|{_UNTAG})", "tag"):
        return None
    return TagCorrection(
        _tokens(_lines(new_text, _TAG, "tag")), _tokens(_lines(new_text, _UNTAG, "untag"))
    )


def _tokens(found: list[tuple[int, str]]) -> tuple[str, ...]:
    tokens: list[str] = []
    for _, value in found:
        for token in re.split(r"[,;\s]+", value):
            token = token.strip("()[]")
            if re.fullmatch(r"[A-Za-z]", token):
                token = token.lower()
            elif re.fullmatch(r"#?\d+", token):
                token = "#" + str(int(token.lstrip("#")))
            else:
                continue
            if token not in tokens:
                tokens.append(token)
    return tuple(tokens)
