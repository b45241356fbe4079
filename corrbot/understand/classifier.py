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
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from corrbot.understand import cues, keywords
from corrbot.understand.refs import TaskRef
from corrbot.understand.textwords import chunk_stems, stem_clue, stems, token_chunks

DEFAULT_THRESHOLD = 0.5
# Score at which confidence reaches one half: one strong cue phrase.
_HALF = cues.STRONG
_OVERLAP_SCALE = 0.3
_MAX_BODY_HITS = 4


@dataclass(frozen=True)
class _Profile:
    key: str
    weights: dict[str, float]
    theme: str | None


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
        self._profiles = [
            _Profile(
                key=task.key,
                weights={
                    word: weight * math.log((count + 1) / frequency[word])
                    for word, weight in bag.items()
                },
                theme=cues.theme_of(task.title),
            )
            for task, bag in zip(tasks, bags, strict=True)
        ]
        # Shortest first: the likeliest to occur, and found soonest.
        self._clues = sorted({stem_clue(word) for word in frequency}, key=len)
        self._themed = any(profile.theme is not None for profile in self._profiles)

    def scores(self, text: str) -> dict[str, float]:
        """The raw evidence score of every task for ``text`` (0 when none)."""
        lowered = keywords.lowered(text)  # the conventions' readers lowered it already
        # Most texts hold no clue of any task word (a group of bare titles has one
        # word, "task"): then no stem of theirs is one, and none need be found.
        named = any(map(lowered.__contains__, self._clues))
        chunks = token_chunks(lowered) if named or self._themed else set()
        words = chunk_stems(chunks) if named else set()
        # Cue needs are letters: found in the chunks as in the text, but faster.
        joined = " ".join(chunks) if self._themed else ""
        result: dict[str, float] = {}
        for profile in self._profiles:
            score = _OVERLAP_SCALE * sum(
                weight for word, weight in profile.weights.items() if word in words
            )
            if profile.theme is not None:
                score += _cue_score(profile.theme, text, lowered, joined)
            result[profile.key] = score
        return result

    def classify(self, text: str, threshold: float | None = None) -> list[tuple[str, float]]:
        """Tasks whose confidence reaches the threshold, most confident first."""
        limit = self.threshold if threshold is None else threshold
        scores = self.scores(text)
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


def _bag(task: TaskRef) -> dict[str, float]:
    """Word weights of a task: title and keywords count double the description."""
    bag: dict[str, float] = {}
    parts = ((task.title, 2.0), (" ".join(task.keywords), 2.0), (task.description, 1.0))
    for text, weight in parts:
        for word in stems(text):
            bag[word] = max(bag.get(word, 0.0), weight)
    return bag


def _cue_score(theme: str, text: str, lowered: str, chunked: str | None = None) -> float:
    """The cue evidence for ``theme``; ``chunked`` is the join of ``lowered``'s
    ``token_chunks``, where needs are found as in ``lowered`` (default), but faster."""
    needs_in = lowered if chunked is None else chunked
    score = 0.0
    for cue in cues.THEMES[theme]:
        # Most texts (patches above all) contain none of a cue's words: skipping
        # the scan then changes no count and saves most of the classifier's time.
        if not cue.may_match(needs_in):
            continue
        hits = 0
        for match in cue.finditer(lowered, chunked):
            if not cues.NEGATED.search(lowered, max(0, match.start() - 16), match.start()):
                hits += 1
                if hits > 1:
                    break  # the score tells one hit from several, not two from ten
        if hits:
            # A second hit of the same phrase adds a little; a tenth adds nothing.
            score += cue.weight * (1.5 if hits > 1 else 1.0)
    line_cue = cues.LINE_CUES.get(theme)
    if line_cue is not None and line_cue.may_match(needs_in) and line_cue.pattern.search(lowered):
        score += line_cue.weight
    if theme == "mechanisms" and cues.ANY_BODY_NAME.search(text):
        weight, pattern = cues.BODIES
        # Naming one body is a remark; naming several is a list of mechanisms.
        named = min(_MAX_BODY_HITS, len(set(pattern.findall(text))))
        score += weight * named * (named + 1) / 2
    return score
