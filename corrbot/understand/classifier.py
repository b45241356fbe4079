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
from collections.abc import Sequence
from dataclasses import dataclass

from corrbot.understand import cueevidence, cues, keywords
from corrbot.understand.cueevidence import Evidence, Found, plan
from corrbot.understand.refs import TaskRef
from corrbot.understand.textwords import ChunkBits, chunks_of, stem_clue, stems, token_chunks

DEFAULT_THRESHOLD = 0.5
# Score at which confidence reaches one half: one strong cue phrase.
_HALF = cues.STRONG
_OVERLAP_SCALE = 0.3
# Relative slack of _floor: far above any rounding of a score, far below any cue.
_MARGIN = 1e-9
# Distinct token chunks a classifier remembers (see ChunkBits): a 10,000-message
# import of linux-mips has about 35,000.
_CHUNKS_REMEMBERED = 1 << 16
_STRINGS = cueevidence.STRINGS


@dataclass(frozen=True)
class _Profile:
    key: str
    weights: dict[str, float]
    theme: str | None
    # The ChunkBits bit of each word of weights, with its weight, in the same order.
    bits: tuple[tuple[int, float], ...] = ()
    mask: int = 0  # all of them: most texts hold none (78% of the linux-mips ones)


class TaskClassifier:
    """Scores texts against a group's tasks; build once, classify many."""

    def __init__(
        self,
        tasks: Sequence[TaskRef],
        threshold: float = DEFAULT_THRESHOLD,
        words: Sequence[str] = (),
    ) -> None:
        """``words``: more words (letters) for ``chunk_bits`` to tell, for other readers
        of the same texts (tags.py: the issue names'), which the scores ignore."""
        self.threshold = threshold
        bags = [_bag(task) for task in tasks]
        count = len(tasks)
        frequency: dict[str, int] = {}
        for bag in bags:
            for word in bag:
                frequency[word] = frequency.get(word, 0) + 1
        # The cues' words first, where cueevidence expects their bits.
        told = list(dict.fromkeys((*cueevidence.WORDS, *words)))
        self.chunk_bits = ChunkBits(_STRINGS, told, list(frequency), _CHUNKS_REMEMBERED)
        self._profiles = [
            _profile(
                task,
                {
                    word: weight * math.log((count + 1) / frequency[word])
                    for word, weight in bag.items()
                },
                self.chunk_bits,
            )
            for task, bag in zip(tasks, bags, strict=True)
        ]
        # Shortest first: the likeliest to occur, and found soonest.
        self._clues = sorted({stem_clue(word) for word in frequency}, key=len)
        self._themed = any(profile.theme is not None for profile in self._profiles)

    def scores(self, text: str) -> dict[str, float]:
        """The raw evidence score of every task for ``text`` (0 when none)."""
        return self._scores(text, None, None)

    def classify(
        self, text: str, threshold: float | None = None, found: int | None = None
    ) -> list[tuple[str, float]]:
        """Tasks whose confidence reaches the threshold, most confident first.

        ``found``: ``chunk_bits.bits`` of the token chunks of ``text``'s lowering,
        when the caller has them."""
        limit = self.threshold if threshold is None else threshold
        # Only tasks that may reach the threshold need their exact scores: the best
        # score, which discounts the others, is then one of theirs (see _floor).
        scores = self._scores(text, _floor(limit), found)
        best = max(scores.values(), default=0.0)
        chosen = []
        for key, score in scores.items():
            if score <= 0:
                continue
            confidence = score / (score + _HALF)
            # A task with half the best score or less is a side remark.
            confidence *= min(1.0, 0.5 + score / (2 * best))
            if confidence >= limit:
                chosen.append((key, round(confidence, 3)))
        chosen.sort(key=lambda item: (-item[1], item[0]))
        return chosen

    def _scores(self, text: str, floor: float | None, found: int | None) -> dict[str, float]:
        """Exact scores of the tasks that may score ``floor`` or more (all when None)."""
        lowered = keywords.lowered(text)  # the conventions' readers lowered it already
        if found is None:
            found = self._found(text, lowered)
        where = Found(found)
        themes: dict[str, Evidence] = {}
        result: dict[str, float] = {}
        for profile in self._profiles:
            overlap = 0.0
            if found & profile.mask:
                overlap = _OVERLAP_SCALE * sum(
                    weight for bit, weight in profile.bits if found & bit
                )
            theme = profile.theme
            evidence = None
            if theme is not None:
                evidence = themes.get(theme)
                if evidence is None:
                    planned = plan(theme, found, text)
                    if floor is not None and overlap + planned.bound < floor:
                        # What _may_reach finds before any scan: not a term is looked for.
                        result.pop(profile.key, None)
                        continue
                    evidence = themes[theme] = Evidence(planned, text, lowered, where)
            if floor is not None and not _may_reach(overlap, evidence, floor):
                result.pop(profile.key, None)  # as a later task of the same key would
                continue
            result[profile.key] = overlap if evidence is None else overlap + evidence.score()
        return result

    def _found(self, text: str, lowered: str) -> int:
        """``chunk_bits.bits`` of the chunks of ``text`` (``lowered`` is its lowering),
        or 0 where the scores need none: a text with no clue of any task word holds
        no stem of one (a caller's bits, read anyway, then have no stem bit either),
        and without a theme no other bit is read."""
        if self._themed or any(map(lowered.__contains__, self._clues)):
            return self.chunk_bits.bits(chunks_of(text))
        # Most texts hold no clue of any task word (a group of bare titles has one
        # word, "task"): then no stem of theirs is one, and no chunk need be seen.
        return 0


def _profile(task: TaskRef, weights: dict[str, float], chunk_bits: ChunkBits) -> _Profile:
    bits = tuple((chunk_bits.stem_bit(word), weight) for word, weight in weights.items())
    return _Profile(
        key=task.key,
        weights=weights,
        theme=cues.theme_of(task.title),
        bits=bits,
        mask=sum({bit for bit, _ in bits}),
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


def _may_reach(overlap: float, evidence: Evidence | None, floor: float) -> bool:
    """Whether a task with ``overlap`` from words can score ``floor``; scans for
    ``evidence`` until the answer is known (a task that may is fully scanned)."""
    if evidence is None:
        return overlap >= floor
    while overlap + evidence.bound >= floor:
        if not evidence.settle():
            return True
    return False


def _cue_score(theme: str, text: str, lowered: str) -> float:
    """The cue evidence for ``theme`` in ``text`` (``lowered`` is its lowering), found
    as ``scores`` finds it, for one theme alone: the tests hold it to the plain scan."""
    found = ChunkBits(_STRINGS, cueevidence.WORDS, (), 1).bits(token_chunks(lowered))
    return Evidence(plan(theme, found, text), text, lowered, Found(found)).score()
