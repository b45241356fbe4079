"""The cue evidence of a theme in a text, scanned for only as far as the classifier asks.

A theme's score is a sum of terms: each cue phrase's hits, the theme's line cue
("Status: ...") and, for mechanisms, the bodies a text names. A term whose cue
needs none of the strings the text holds is 0 without a scan; what the others may
add bounds the score, which is what lets ``TaskClassifier.classify`` drop a task
before scanning for it. Which terms may add, and so that bound, depends only on
which of the theme's needs the text holds: it is worked out once per set of
needs (``plan``), not once per text and task.
"""

from __future__ import annotations

import re
from collections.abc import Container
from functools import lru_cache, reduce
from operator import or_
from typing import NamedTuple

from corrbot.understand import cues
from corrbot.understand.keywords import LineStarts

_MAX_BODY_HITS = 4

# Every string a cue's needs or its scanner may look for: found in a text's chunks
# (ChunkBits) once for all cues, which then ask for theirs by bit.
STRINGS = tuple(
    sorted(
        {
            string
            for cue in (
                *(cue for theme in cues.THEMES.values() for cue in theme),
                *cues.LINE_CUES.values(),
            )
            for string in (
                *cue.needs,
                *(cue.scanner.start_strings() if cue.scanner else ()),
                # Starts of the cues' words ("^" and letters: see ChunkBits).
                *(word for each in cue.words for word in each if word.startswith("^")),
            )
        }
    )
)
# The words ChunkBits tells after the strings (with no letter either side): those
# of body names first, then those of the cues' words (Cue.words), then the body
# marks of letters, lowered.
WORDS = tuple(
    dict.fromkeys(
        (
            *cues.BODY_WORDS,
            *(
                word
                for cue in (cue for theme in cues.THEMES.values() for cue in theme)
                for each in cue.words
                for word in each
                if not word.startswith(("~", "^"))
            ),
            *(mark.lower() for mark in cues.BODY_MARKS if mark.isalpha()),
        )
    )
)
_BIT = {string: 1 << index for index, string in enumerate(STRINGS)}
_WORD_BIT = {word: 1 << index for index, word in enumerate(WORDS, len(STRINGS))}
BODY_BITS = sum(_WORD_BIT[word] for word in set(cues.BODY_WORDS))
# Each of BODY_MARKS, and for a mark of letters the bit of its lowering: BODY_MARK
# finds such a mark only with no \w either side, where the lowered text holds that
# word with no letter either side, so its bit is set (0: looked for in any text).
_MARK_BITS = tuple(
    (mark, _WORD_BIT[mark.lower()] if mark.isalpha() else 0) for mark in cues.BODY_MARKS
)


class Found(Container[str]):
    """The strings of STRINGS a text holds, told by their bits (and its words)."""

    __slots__ = ("bits",)

    def __init__(self, bits: int) -> None:
        self.bits = bits

    def __contains__(self, string: object) -> bool:
        return bool(self.bits & _BIT[string]) if isinstance(string, str) else False


def _may_name_a_body(text: str, where: Container[str] | None) -> bool:
    """Whether ANY_BODY_NAME may find a name in ``text`` where BODIES finds one: the
    names that hold a body word the text holds (``where`` tells, when a Found) or a
    mark it holds (cues.BODY_NAMES)."""
    if not isinstance(where, Found):
        return bool(cues.ANY_BODY_NAME.search(text))
    keys = [word for word in cues.BODY_WORDS if where.bits & _WORD_BIT[word]]
    keys += [mark for mark in cues.BODY_MARKS if mark in text]
    return any(cues.BODY_NAMES[key].search(text) for key in keys)


def _line_search(pattern: re.Pattern[str]) -> LineStarts:
    """Whether a line cue's pattern, "^" and the rest under re.MULTILINE, matches:
    "^" matches at the text's start and after each "\\n" only, so the rest is tried
    there (keywords.LineStarts), where the regex engine tries "^" at every position
    (5x slower over a patch)."""
    source = pattern.pattern
    if not source.startswith("^") or not pattern.flags & re.MULTILINE or "|" in source:
        raise ValueError(f"not a line cue: {source!r}")
    return LineStarts(source[1:], pattern.flags)


class _Part(NamedTuple):
    """One term of a theme's cue evidence: a cue, the theme's line cue or the bodies."""

    place: int  # the term's place in the sum, which fixes its rounding
    most: float  # the most it can add
    cue: cues.Cue | None  # None for the bodies
    needs: int = 0  # the bits (_BIT) of the cue's needs
    line: LineStarts | None = None  # for a line cue
    words: tuple[int, ...] = ()  # the bits of each tuple of the cue's words

    def may_add(self, found: int, marks: bool) -> bool:
        """False only when the term is 0 in a text whose lowered form holds the
        strings and words ``found`` (``marks``: whether the text holds one of
        BODY_MARKS)."""
        if found & self.needs:
            return not self.words or any(found & each == each for each in self.words)
        return self.cue is None and marks

    def value(self, text: str, lowered: str, where: Container[str] | None) -> float:
        cue = self.cue
        if cue is None:
            if not _may_name_a_body(text, where):
                return 0.0
            weight, _ = cues.BODIES
            # Naming one body is a remark; naming several is a list of mechanisms.
            names = {match.group() for match in cues.BODY_SCANNER.finditer(text)}
            named = min(_MAX_BODY_HITS, len(names))
            return weight * named * (named + 1) / 2
        if self.line is not None:
            return cue.weight if self.line.any_in(lowered) else 0.0
        hits = 0
        for match in cue.finditer(lowered, where):
            if not cues.NEGATED.search(lowered, max(0, match.start() - 16), match.start()):
                hits += 1
                if hits > 1:
                    break  # the score tells one hit from several, not two from ten
        # A second hit of the same phrase adds a little; a tenth adds nothing.
        return cue.weight * (1.5 if hits > 1 else 1.0) if hits else 0.0


def _needs(cue: cues.Cue) -> int:
    bits = 0
    for need in cue.needs:
        bits |= _BIT[need]
    return bits


def _words(cue: cues.Cue) -> tuple[int, ...]:
    """The bits of each tuple of ``cue.words`` ("~" and a need: that need's; "^" and
    letters: that string's)."""
    return tuple(
        reduce(
            or_,
            (_BIT[word.removeprefix("~")] if word[0] in "~^" else _WORD_BIT[word] for word in each),
            0,
        )
        for each in cue.words
    )


def _theme_parts(theme: str) -> tuple[_Part, ...]:
    """The terms of ``theme``'s cue score, in the order they are summed."""
    parts = [
        _Part(index, cue.weight * 1.5, cue, _needs(cue), words=_words(cue))
        for index, cue in enumerate(cues.THEMES[theme])
    ]
    line_cue = cues.LINE_CUES.get(theme)
    if line_cue is not None:
        line = _line_search(line_cue.pattern)
        parts.append(_Part(len(parts), line_cue.weight, line_cue, _needs(line_cue), line))
    if theme == "mechanisms":
        most = cues.BODIES[0] * _MAX_BODY_HITS * (_MAX_BODY_HITS + 1) / 2
        parts.append(_Part(len(parts), most, None, BODY_BITS))
    return tuple(parts)


# Each theme's terms, the ones that may add most first: a task is dropped as soon as
# what it may still gain cannot lift it to the floor, and a strong cue that is
# absent (the common case) lowers that bound most.
_PARTS = {
    theme: tuple(sorted(_theme_parts(theme), key=lambda part: (-part.most, part.place)))
    for theme in cues.THEMES
}
# The bits any of a theme's terms needs; whether one is the bodies'.
_NEEDS = {
    theme: reduce(or_, (part.needs | reduce(or_, part.words, 0) for part in parts), 0)
    for theme, parts in _PARTS.items()
}
_BODIES_PART = {theme: any(part.cue is None for part in parts) for theme, parts in _PARTS.items()}


class Plan(NamedTuple):
    """The terms of a theme that may add to a text's score, and their sum."""

    parts: tuple[_Part, ...]  # in the order they are scanned for, last first
    bound: float  # the most the score can be
    size: int  # how many terms the theme has


def plan(theme: str, found: int, text: str) -> Plan:
    """``theme``'s terms that may add in ``text``, whose lowered form holds the strings
    ``found``."""
    needs = found & _NEEDS[theme]
    # Only a text holding no body word is looked at for BODY_MARKS.
    marks = (
        _BODIES_PART[theme]
        and not needs & BODY_BITS
        and _may_hold_mark(text, found)
        and cues.BODY_MARK.search(text) is not None  # as BODIES has it: FIRST_USER_ADDR no
    )
    return _plan(theme, needs, marks)


def _may_hold_mark(text: str, found: int) -> bool:
    """Whether ``text`` holds one of BODY_MARKS, by a substring test; False also where
    it holds one only where BODY_MARK cannot find it (``found``: see plan)."""
    return any((not bit or found & bit) and mark in text for mark, bit in _MARK_BITS)


@lru_cache(maxsize=4096)
def _plan(theme: str, needs: int, marks: bool) -> Plan:
    # Most texts (patches above all) contain none of a cue's words: skipping
    # the scan then changes no count and saves most of the classifier's time.
    parts = [part for part in _PARTS[theme] if part.may_add(needs, marks)]
    parts.reverse()  # popped from the end
    bound = 0.0
    for part in parts:
        bound += part.most
    return Plan(tuple(parts), bound, len(_PARTS[theme]))


class Evidence:
    """The cue evidence for one theme in one text, scanned for only as far as asked."""

    __slots__ = ("_found", "_lowered", "_pending", "_text", "_where", "bound")

    def __init__(
        self, planned: Plan, text: str, lowered: str, where: Container[str] | None
    ) -> None:
        """``planned``: the theme's ``plan`` for ``text`` (``lowered`` is its lowering);
        ``where``: for the scanners (see AltScanner.finditer)."""
        self._text = text
        self._lowered = lowered
        self._where = where
        self._found = [0.0] * planned.size
        self._pending = list(planned.parts)
        self.bound = planned.bound

    def settle(self) -> bool:
        """Scan for the next term; False when all are known."""
        if not self._pending:
            return False
        part = self._pending.pop()
        found = part.value(self._text, self._lowered, self._where)
        self._found[part.place] = found
        self.bound -= part.most - found
        return True

    def score(self) -> float:
        """The exact score: every term found, summed in order."""
        while self.settle():
            pass
        score = 0.0
        for found in self._found:
            score += found
        return score
