"""A member's stance in a reply: ``+1``, ``-1``, ``0``, ``Position:`` or "I support…".

Only the new text is read (quotes are already gone). Line forms count anywhere in
the text; the sentence forms ("I support…", "I object…") only on the first line
that says something, after an optional salutation, because further down the same
words are usually part of an argument. Lines that contradict each other yield no
position and a conflict that names them, so a coordinator can ask.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Literal

from corrbot.understand.keywords import LineStarts

Stance = Literal["support", "object", "abstain"]


@dataclass(frozen=True)
class FoundPosition:
    """A stance, optionally for one option (its letter, uppercased)."""

    stance: Stance
    option: str | None = None


@dataclass(frozen=True)
class PositionReading:
    """The position read from a message, or a reason why none could be."""

    position: FoundPosition | None
    conflict: str | None = None


_OPTION = r"(?:\s*[(\[]?\s*(?:option\s+)?([A-Za-z])\s*[)\]]?)?"
# "+1", "-1", "0" alone on a line; "+1 B" and "+1 (option B)" name an option.
_VOTE = re.compile(r"^\s*([+-]1|0)" + _OPTION + r"\s*[.!]?\s*$", re.I)
_POSITION = re.compile(
    r"^\s*position\s*:\s*([a-z-]+)(?:\s+(?:to|for|of|on))?" + _OPTION + r"\s*[.!]?\s*$", re.I
)
_POSITION_WORDS: dict[str, Stance] = {
    "support": "support",
    "supports": "support",
    "supported": "support",
    "agree": "support",
    "object": "object",
    "objects": "object",
    "objection": "object",
    "oppose": "object",
    "abstain": "abstain",
    "abstains": "abstain",
    "abstention": "abstain",
}
_VOTES: dict[str, Stance] = {"+1": "support", "-1": "object", "0": "abstain"}
# "I (strongly) support", "I do not object", "I can live with", "I cannot agree".
_SENTENCE = re.compile(
    r"^\s*I\s+(?:(?:would|also|fully|strongly|too|therefore)\s+)*"
    r"(do\s+not\s+|don't\s+|don’t\s+|cannot\s+|can't\s+|can’t\s+|can\s+not\s+)?"
    r"(support|agree|object|disagree|abstain|can\s+live\s+with|live\s+with)\b",
    re.I,
)
_SENTENCE_OPTION = re.compile(r"\boption\s+([A-Z])\b|\b(?:support|agree with)\s+([A-Z])\b")
# Greetings only ("Dear colleagues,"): a first line of thanks already says something.
_SALUTATION = re.compile(
    r"^\s*(?:dear|hi|hello|good\s+(?:morning|afternoon|evening)|greetings|colleagues|"
    r"all)\b[^.;]{0,60}[,:!]?\s*$",
    re.I,
)


def find_position(new_text: str) -> PositionReading:
    """Read the stance of a message's new text (see the module docstring)."""
    if not newlines_only(new_text):
        return _read(new_text.splitlines())
    return position_at(new_text, _vote_starts(new_text))


def position_at(text: str, starts: Iterable[int]) -> PositionReading:
    """find_position of a text whose only line boundary is "\\n", trying only the lines
    that begin at ``starts``: increasing offsets, each 0 or just after a "\\n", among
    them every line a vote or a ``Position:`` line could be (others are harmless).
    """
    found = [
        (number, line.strip(), position) for number, line, position in _line_votes(text, starts)
    ]
    first = _first_sentence_line(enumerate(_newline_lines(text), start=1))
    return _combined(found, first)


def _read(lines: list[str]) -> PositionReading:
    """The plain reading: each line tried."""
    found: list[tuple[int, str, FoundPosition]] = []
    for number, line in enumerate(lines, start=1):
        position = _line_position(line)
        if position:
            found.append((number, line.strip(), position))
    return _combined(found, _first_sentence_line(enumerate(lines, start=1)))


def _combined(
    found: list[tuple[int, str, FoundPosition]], first: tuple[int, str] | None
) -> PositionReading:
    """``found``, the line positions, and the first line's sentence, combined."""
    if first is not None and not any(n == first[0] for n, _, _ in found):
        position = _sentence_position(first[1])
        if position:
            found.append((first[0], first[1].strip(), position))
            found.sort(key=lambda item: item[0])
    if not found:
        return PositionReading(None)
    return _combine(found)


# The line boundaries of str.splitlines other than "\n"; the last three are not ASCII.
_OTHER_BREAKS = "\r\x0b\x0c\x1c\x1d\x1e"
_OTHER_WIDE_BREAKS = "\x85\u2028\u2029"


def newlines_only(text: str) -> bool:
    """Whether "\\n" is the only line boundary in ``text``, as in every post of the
    linux-mips corpus.

    A test per character: a search for a set of characters scans far slower.
    """
    if any(char in text for char in _OTHER_BREAKS):
        return False
    return text.isascii() or not any(char in text for char in _OTHER_WIDE_BREAKS)


# Where _VOTE or _POSITION can match a line: its first non-space characters spell
# "+1", "-1", "0" or "position" (in any case, as re.I reads it). The "\n" in front
# is a literal the regex engine finds by a fast search; the first line is matched
# on its own. Most lines of a post, patches and logs among them, hold ":", "0" or
# "1" somewhere, so the two full patterns were tried on nearly every line.
# conventions.py looks for VOTE_KEYS with the other readers' keys.
VOTE_KEYS = "[+-]1|0|position"
_vote_starts = LineStarts("[^\\S\\n]*(?i:" + VOTE_KEYS + ")")


def _line_votes(text: str, starts: Iterable[int]) -> Iterator[tuple[int, str, FoundPosition]]:
    """(number, line, position) of each line beginning at ``starts`` that
    ``_line_position`` reads, in order (see position_at)."""
    number, counted = 1, 0
    for start in starts:
        number += text.count("\n", counted, start)
        counted = start
        end = text.find("\n", start)
        line = text[start:] if end < 0 else text[start:end]
        position = _line_position(line)
        if position:
            yield number, line, position


def _newline_lines(text: str) -> Iterator[str]:
    """The lines of a text whose only line boundary is "\\n", as far as they are read.

    One more, empty, line follows a final "\\n", which splitlines leaves out; blank
    lines are skipped by the only reader.
    """
    start = 0
    while (end := text.find("\n", start)) >= 0:
        yield text[start:end]
        start = end + 1
    yield text[start:]


def _line_position(line: str) -> FoundPosition | None:
    if ":" not in line and "1" not in line and "0" not in line:
        return None  # neither pattern can match: most lines, tried cheaply
    vote = _VOTE.match(line)
    if vote:
        return FoundPosition(_VOTES[vote.group(1)], _letter(vote.group(2)))
    declared = _POSITION.match(line)
    if declared and declared.group(1).lower() in _POSITION_WORDS:
        return FoundPosition(_POSITION_WORDS[declared.group(1).lower()], _letter(declared.group(2)))
    return None


def _first_sentence_line(lines: Iterable[tuple[int, str]]) -> tuple[int, str] | None:
    """The first (number, line) that says something."""
    for number, line in lines:
        if not line.strip():
            continue
        # A short salutation ("Dear colleagues,") comes before what is meant.
        if _SALUTATION.match(line) and len(line.strip()) <= 60 and not _SENTENCE.match(line):
            continue
        return number, line
    return None


def _sentence_position(line: str) -> FoundPosition | None:
    match = _SENTENCE.match(line)
    if not match:
        return None
    negated = bool(match.group(1))
    verb = " ".join(match.group(2).lower().split())
    stance: Stance
    if verb in ("support", "agree", "can live with", "live with"):
        stance = "object" if negated else "support"
    elif verb in ("object", "disagree"):
        # "I do not object" is the no-objection the consensus rule asks for.
        stance = "support" if negated else "object"
    else:
        if negated:
            return None
        stance = "abstain"
    option = _SENTENCE_OPTION.search(line)
    letter = _letter((option.group(1) or option.group(2)) if option else None)
    return FoundPosition(stance, letter)


def _letter(value: str | None) -> str | None:
    return value.upper() if value else None


def _combine(found: list[tuple[int, str, FoundPosition]]) -> PositionReading:
    stances = {p.stance for _, _, p in found}
    options = {p.option for _, _, p in found if p.option}
    if len(stances) == 1 and len(options) <= 1:
        stance = found[0][2].stance
        return PositionReading(FoundPosition(stance, next(iter(options), None)))
    described = "; ".join(
        f"line {n} {text!r} says {p.stance}" + (f" option {p.option}" if p.option else "")
        for n, text, p in found
    )
    return PositionReading(None, f"contradictory positions: {described}")
