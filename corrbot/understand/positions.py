"""A member's stance in a reply: ``+1``, ``-1``, ``0``, ``Position:`` or "I support…".

Only the new text is read (quotes are already gone). Line forms count anywhere in
the text; the sentence forms ("I support…", "I object…") only on the first line
that says something, after an optional salutation, because further down the same
words are usually part of an argument. Lines that contradict each other yield no
position and a conflict that names them, so a coordinator can ask.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

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
    lines = new_text.splitlines()
    found: list[tuple[int, str, FoundPosition]] = []
    for number, line in enumerate(lines, start=1):
        position = _line_position(line)
        if position:
            found.append((number, line.strip(), position))
    first = _first_sentence_line(lines)
    if first is not None and not any(n == first for n, _, _ in found):
        position = _sentence_position(lines[first - 1])
        if position:
            found.append((first, lines[first - 1].strip(), position))
            found.sort(key=lambda item: item[0])
    if not found:
        return PositionReading(None)
    return _combine(found)


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


def _first_sentence_line(lines: list[str]) -> int | None:
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        # A short salutation ("Dear colleagues,") comes before what is meant.
        if _SALUTATION.match(line) and len(line.strip()) <= 60 and not _SENTENCE.match(line):
            continue
        return number
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
