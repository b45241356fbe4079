"""classify drops the tasks that cannot reach the threshold, and finds what it found.

``TaskClassifier.classify`` scans only as far as it takes to know that a task's
score stays below the least one that can reach the threshold, and looks for body
names only in a text that holds a word of one (cues.BODY_WORDS, BODY_MARKS). Both
are checked against the full scores, on texts written to sit at the edges (a
single strong cue is exactly the default threshold) and on the corpora.
"""

from __future__ import annotations

import random
import re
from collections.abc import Sequence

import pytest

from corrbot.understand import altscan, classifier, cueevidence, cues
from corrbot.understand.classifier import TaskClassifier
from corrbot.understand.refs import TaskRef
from corrbot.understand.textwords import ChunkBits, token_chunks
from tests.understand.test_cue_needs import BODY_PHRASES, PHRASES, _texts
from tests.understand.test_text_chunks import TASK_SETS, TRICKY

THRESHOLDS = [0.5, 0.0, 1.0, -1.0, 1e-12, 0.3, 0.4999999, 0.5000001, 0.6, 0.75, 0.999999]


def _classify_from_scores(
    scorer: TaskClassifier, text: str, limit: float
) -> list[tuple[str, float]]:
    """classify as it was: every task scored, then the same arithmetic."""
    scores = scorer.scores(text)
    best = max(scores.values(), default=0.0)
    found = []
    for key, score in scores.items():
        if score <= 0:
            continue
        confidence = score / (score + classifier._HALF)
        confidence *= min(1.0, 0.5 + score / (2 * best))
        if confidence >= limit:
            found.append((key, round(confidence, 3)))
    found.sort(key=lambda item: (-item[1], item[0]))
    return found


def _written() -> list[str]:
    """Phrases alone, in pairs, negated and shouted: scores near every edge."""
    lines = [line for line in (PHRASES + BODY_PHRASES).splitlines() if line.strip()]
    rng = random.Random(7)
    texts = [*TRICKY, *lines]
    for _ in range(600):
        picked = rng.sample(lines, rng.randint(1, 3))
        text = " ".join(rng.choice(line.split("; ")) for line in picked)
        if rng.random() < 0.3:
            text = "no " + text
        if rng.random() < 0.2:
            text = text.upper()
        texts.append(text)
    return texts


# A key given twice: the later task's score is the key's, as it was.
TWICE = (
    TaskRef("a", "Identify gaps where issues are not adequately addressed"),
    TaskRef("b", "Identify existing mechanisms addressing each issue"),
    TaskRef("a", "Draft the final report"),
)


@pytest.mark.parametrize(
    "tasks", [*TASK_SETS, TWICE], ids=["standard", "bare", "odd words", "key twice"]
)
def test_classify_as_from_all_scores(tasks: Sequence[TaskRef]) -> None:
    scorer = TaskClassifier(tasks)
    tagged = 0
    for text in _written():
        for limit in THRESHOLDS:
            expected = _classify_from_scores(scorer, text, limit)
            assert scorer.classify(text, limit) == expected, (limit, text)
            tagged += bool(expected)
    assert tagged > 0  # hundreds for the standard tasks


def test_classify_as_from_all_scores_on_the_corpora() -> None:
    scorer = TaskClassifier(TASK_SETS[0])
    tagged = 0
    for text in _texts():
        expected = _classify_from_scores(scorer, text, 0.5)
        assert scorer.classify(text) == expected, text[:200]
        tagged += bool(expected)
    assert tagged > 50


@pytest.mark.parametrize("limit", [1e-9, 0.1, 0.5, 0.7, 0.9, 0.99, 0.999999])
def test_below_the_floor_no_confidence_reaches_the_limit(limit: float) -> None:
    floor = classifier._floor(limit)
    assert floor is not None
    for score in (floor, floor * (1 - 1e-12), floor - 1e-9):
        assert score / (score + classifier._HALF) < limit
    # Not so low that it keeps every task: just below the least passing score.
    least = classifier._HALF * limit / (1 - limit)
    assert least * 0.999 < floor < least


def test_no_floor_outside_zero_one() -> None:
    for limit in (0.0, 1.0, -0.5, 2.0, float("nan")):
        assert classifier._floor(limit) is None


def _name_instances(branch: str) -> list[str]:
    """Texts that a name alternative of cues._BODIES matches, in each spelling."""
    spellings = [branch]
    for pattern, options in (
        (r"\s+", [" ", "\n  "]),
        (r"(?:-[TDR])?", ["", "-T"]),
        (r"s?", ["", "s"]),
        (r"\d+", ["108"]),
    ):
        spellings = [
            spelling.replace(pattern, option) for spelling in spellings for option in options
        ]
    return spellings


def _may_name_a_body(text: str, bits: ChunkBits) -> bool:
    found = bits.bits(token_chunks(text.lower()))
    return bool(found & cueevidence.BODY_BITS) or any(mark in text for mark in cues.BODY_MARKS)


def test_every_body_name_has_a_word_or_mark() -> None:
    bits = ChunkBits(classifier._STRINGS, cues.BODY_WORDS, [], 100)
    branches = altscan.split_alternatives(cues._BODIES)
    assert branches is not None and len(branches) > 40
    for branch in branches:
        for name in _name_instances(branch):
            for text in (name, f"({name})", f"x-{name}'s", f"«{name}»", f"1{name}_2", f"é {name}"):
                if cues.BODIES[1].search(text):
                    assert _may_name_a_body(text, bits), (branch, text)
                else:
                    assert text.startswith("1")  # a digit before is a letter of the word


def test_body_words_on_the_corpora() -> None:
    bits = ChunkBits(classifier._STRINGS, cues.BODY_WORDS, [], 1 << 16)
    named = skipped = 0
    for text in _texts():
        if cues.BODIES[1].search(text):
            assert _may_name_a_body(text, bits), text[:200]
            named += 1
        skipped += not _may_name_a_body(text, bits)
    assert named > 10
    assert skipped > 100  # and the words tell something


def test_words_in_chunks() -> None:
    bits = ChunkBits([], ["gac", "itu"], [], 100)
    gac, itu = 1, 2
    assert bits.bits(token_chunks("the gac met")) == gac
    assert bits.bits(token_chunks("legacy, situation")) == 0
    assert bits.bits(token_chunks("itu-t and gac's view")) == gac | itu
    assert bits.bits(token_chunks("gac2 _itu_")) == gac | itu
    assert bits.bits(token_chunks("gacé ßitu")) == 0  # letters either side
    assert bits.bits(token_chunks("«gac» itu²")) == gac | itu  # kept, not letters
    with pytest.raises(ValueError):
        ChunkBits([], ["w3c"], [], 100)
    assert re.search(r"\bGAC\b", "«GAC»")
