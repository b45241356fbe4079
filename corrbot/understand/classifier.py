"""Automatic task tags for messages that carry none: no labelled data needed.

Each task is scored on the message's new text by two kinds of evidence:

- word overlap between the text and the task's title, description and keywords,
  weighted by how specific each word is to that task among the group's tasks
  (an IDF over tasks, so "issue", shared by three titles, counts for little);
- cue phrases for the four standard ToR themes (issues, mechanisms, status,
  gaps; see ``cues.py``), used only for a task whose title speaks of that theme.

The score becomes a confidence in [0, 1); a task far behind the best-scoring task
is discounted, because a message about gaps names mechanisms too. Tasks at or
above the threshold are returned, most confident first. The default threshold
was chosen for precision (a wrong automatic tag costs a coordinator's
correction; a missing one only a little recall).

``classify`` scans for a task's cues only until its score is known, or known to
stay below the least score that can reach the threshold; ``scores`` scans all.
What a text holds is found once per distinct token chunk (textwords.ChunkBits).
"""

from __future__ import annotations

import math
from collections.abc import Container, Sequence
from dataclasses import dataclass
from typing import NamedTuple

from corrbot.understand import cues, keywords
from corrbot.understand.refs import TaskRef
from corrbot.understand.textwords import ChunkBits, stem_clue, stems, token_chunks

DEFAULT_THRESHOLD = 0.5
# Score at which confidence reaches one half: one strong cue phrase.
_HALF = cues.STRONG
_OVERLAP_SCALE = 0.3
_MAX_BODY_HITS = 4
# Relative slack of _floor: far above any rounding of a score, far below any cue.
_MARGIN = 1e-9
# Distinct token chunks a classifier remembers (see ChunkBits): a 10,000-message
# import of linux-mips has about 35,000.
_CHUNKS_REMEMBERED = 1 << 16


@dataclass(frozen=True)
class _Profile:
    key: str
    weights: dict[str, float]
    theme: str | None
    # The ChunkBits bit of each word of weights, with its weight, in the same order.
    bits: tuple[tuple[int, float], ...] = ()


class TaskClassifier:
    """Scores texts against a group's tasks; build once, classify many."""

    def __init__(self, tasks: Sequence[TaskRef], threshold: float = DEFAULT_THRESHOLD) -> None:
        self.threshold = threshold
        bags = [_bag(task) for task in tasks]
        count = len(tasks)
        frequency: dict[str, int] = {}
        for bag in bags:
            for word in bag:
                frequency[word] = frequency.get(word, 0) + 1
        self._chunk_bits = ChunkBits(_STRINGS, cues.BODY_WORDS, list(frequency), _CHUNKS_REMEMBERED)
        self._profiles = [
            _profile(
                task,
                {
                    word: weight * math.log((count + 1) / frequency[word])
                    for word, weight in bag.items()
                },
                self._chunk_bits,
            )
            for task, bag in zip(tasks, bags, strict=True)
        ]
        # Shortest first: the likeliest to occur, and found soonest.
        self._clues = sorted({stem_clue(word) for word in frequency}, key=len)
        self._themed = any(profile.theme is not None for profile in self._profiles)

    def scores(self, text: str) -> dict[str, float]:
        """The raw evidence score of every task for ``text`` (0 when none)."""
        return self._scores(text, None)

    def classify(self, text: str, threshold: float | None = None) -> list[tuple[str, float]]:
        """Tasks whose confidence reaches the threshold, most confident first."""
        limit = self.threshold if threshold is None else threshold
        # Only tasks that may reach the threshold need their exact scores: the best
        # score, which discounts the others, is then one of theirs (see _floor).
        scores = self._scores(text, _floor(limit))
        best = max(scores.values(), default=0.0)
        found = []
        for key, score in scores.items():
            if score <= 0:
                continue
            confidence = score / (score + _HALF)
            # A task with half the best score or less is a side remark.
            confidence *= min(1.0, 0.5 + score / (2 * best))
            if confidence >= limit:
                found.append((key, round(confidence, 3)))
        found.sort(key=lambda item: (-item[1], item[0]))
        return found

    def _scores(self, text: str, floor: float | None) -> dict[str, float]:
        """Exact scores of the tasks that may score ``floor`` or more (all when None)."""
        lowered = keywords.lowered(text)  # the conventions' readers lowered it already
        if self._themed or any(map(lowered.__contains__, self._clues)):
            found = self._chunk_bits.bits(token_chunks(lowered))
        else:
            # Most texts hold no clue of any task word (a group of bare titles has one
            # word, "task"): then no stem of theirs is one, and no chunk need be seen.
            found = 0
        themes: dict[str, _Evidence] = {}
        result: dict[str, float] = {}
        for profile in self._profiles:
            overlap = _OVERLAP_SCALE * sum(weight for bit, weight in profile.bits if found & bit)
            evidence = None
            if profile.theme is not None:
                evidence = themes.get(profile.theme)
                if evidence is None:
                    evidence = _Evidence(profile.theme, text, lowered, found, _Found(found))
                    themes[profile.theme] = evidence
            if floor is not None and not _may_reach(overlap, evidence, floor):
                result.pop(profile.key, None)  # as a later task of the same key would
                continue
            result[profile.key] = overlap if evidence is None else overlap + evidence.score()
        return result


def _profile(task: TaskRef, weights: dict[str, float], chunk_bits: ChunkBits) -> _Profile:
    return _Profile(
        key=task.key,
        weights=weights,
        theme=cues.theme_of(task.title),
        bits=tuple((chunk_bits.stem_bit(word), weight) for word, weight in weights.items()),
    )


def _bag(task: TaskRef) -> dict[str, float]:
    """Word weights of a task: title and keywords count double the description."""
    bag: dict[str, float] = {}
    parts = ((task.title, 2.0), (" ".join(task.keywords), 2.0), (task.description, 1.0))
    for text, weight in parts:
        for word in stems(text):
            bag[word] = max(bag.get(word, 0.0), weight)
    return bag


def _floor(limit: float) -> float | None:
    """A score below which no task reaches confidence ``limit``; None to keep all.

    The confidence is at most ``score / (score + _HALF)``, below ``limit`` for a score
    below ``_HALF * limit / (1 - limit)``; the floor is a little lower still, so
    that no rounding of the sums and divisions can let a dropped task through.
    """
    if not 0.0 < limit < 1.0:
        return None
    lower = limit * (1 - _MARGIN)
    return _HALF * lower / (1 - lower) * (1 - _MARGIN)


def _may_reach(overlap: float, evidence: _Evidence | None, floor: float) -> bool:
    """Whether a task with ``overlap`` from words can score ``floor``; scans for
    ``evidence`` until the answer is known (a task that may is fully scanned)."""
    if evidence is None:
        return overlap >= floor
    while overlap + evidence.bound >= floor:
        if not evidence.settle():
            return True
    return False


# Every string a cue's needs or its scanner may look for: found in a text's chunks
# (ChunkBits) once for all cues, which then ask for theirs by bit.
_STRINGS = tuple(
    sorted(
        {
            string
            for cue in (
                *(cue for theme in cues.THEMES.values() for cue in theme),
                *cues.LINE_CUES.values(),
            )
            for string in (*cue.needs, *(cue.scanner.start_strings() if cue.scanner else ()))
        }
    )
)
_BIT = {string: 1 << index for index, string in enumerate(_STRINGS)}
# The bits ChunkBits gives the words of body names, after the strings'.
_BODY_BITS = sum(1 << index for index, _ in enumerate(cues.BODY_WORDS, len(_STRINGS)))


class _Found(Container[str]):
    """The strings of _STRINGS a text holds, told by their bits."""

    __slots__ = ("_bits",)

    def __init__(self, bits: int) -> None:
        self._bits = bits

    def __contains__(self, string: object) -> bool:
        return bool(self._bits & _BIT[string]) if isinstance(string, str) else False


class _Part(NamedTuple):
    """One term of a theme's cue evidence: a cue, the theme's line cue or the bodies."""

    place: int  # the term's place in the sum, which fixes its rounding
    most: float  # the most it can add
    cue: cues.Cue | None  # None for the bodies
    needs: int = 0  # the bits (_BIT) of the cue's needs
    line: bool = False

    def may_add(self, found: int, text: str) -> bool:
        """False only when the term is 0 in ``text``, whose lowered form holds the
        strings ``found``."""
        if found & self.needs:
            return True
        return self.cue is None and any(map(text.__contains__, cues.BODY_MARKS))

    def value(self, text: str, lowered: str, where: Container[str] | None) -> float:
        cue = self.cue
        if cue is None:
            if not cues.ANY_BODY_NAME.search(text):
                return 0.0
            weight, pattern = cues.BODIES
            # Naming one body is a remark; naming several is a list of mechanisms.
            named = min(_MAX_BODY_HITS, len(set(pattern.findall(text))))
            return weight * named * (named + 1) / 2
        if self.line:
            return cue.weight if cue.pattern.search(lowered) else 0.0
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


def _theme_parts(theme: str) -> tuple[_Part, ...]:
    """The terms of ``theme``'s cue score, in the order they are summed."""
    parts = [
        _Part(index, cue.weight * 1.5, cue, _needs(cue))
        for index, cue in enumerate(cues.THEMES[theme])
    ]
    line_cue = cues.LINE_CUES.get(theme)
    if line_cue is not None:
        parts.append(_Part(len(parts), line_cue.weight, line_cue, _needs(line_cue), line=True))
    if theme == "mechanisms":
        most = cues.BODIES[0] * _MAX_BODY_HITS * (_MAX_BODY_HITS + 1) / 2
        parts.append(_Part(len(parts), most, None, _BODY_BITS))
    return tuple(parts)


# Each theme's terms, the ones that may add most first: a task is dropped as soon as
# what it may still gain cannot lift it to the floor, and a strong cue that is
# absent (the common case) lowers that bound most.
_PARTS = {
    theme: tuple(sorted(_theme_parts(theme), key=lambda part: (-part.most, part.place)))
    for theme in cues.THEMES
}


class _Evidence:
    """The cue evidence for one theme in one text, scanned for only as far as asked."""

    __slots__ = ("_found", "_lowered", "_pending", "_text", "_where", "bound")

    def __init__(
        self, theme: str, text: str, lowered: str, found: int, where: Container[str] | None
    ) -> None:
        """``found``: the bits of the strings of _STRINGS that ``lowered`` holds;
        ``where``: for the scanners (see AltScanner.finditer)."""
        self._text = text
        self._lowered = lowered
        self._where = where
        parts = _PARTS[theme]
        self._found = [0.0] * len(parts)
        # Most texts (patches above all) contain none of a cue's words: skipping
        # the scan then changes no count and saves most of the classifier's time.
        pending = [part for part in parts if part.may_add(found, text)]
        pending.reverse()  # popped from the end
        self._pending = pending
        self.bound = 0.0  # the most the score can be
        for part in pending:
            self.bound += part.most

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


def _cue_score(theme: str, text: str, lowered: str) -> float:
    """The cue evidence for ``theme`` in ``text`` (``lowered`` is its lowering), found
    as ``scores`` finds it, for one theme alone: the tests hold it to the plain scan."""
    found = ChunkBits(_STRINGS, cues.BODY_WORDS, (), 1).bits(token_chunks(lowered))
    return _Evidence(theme, text, lowered, found, _Found(found)).score()
