"""The classifier's shortcuts over a text's token chunks give the same scores.

``TaskClassifier.scores`` looks for cue needs in the join of the text's
``token_chunks`` instead of the whole lowered text, and finds the stems of a text
only when a ``stem_clue`` of some task word occurs in it. Both rest on facts about
strings checked here on the corpora of test_cue_needs.py and on written texts
that put needs and words where a shortcut could slip: at either end, touching
punctuation, digits or underscores, overlapping, around non-ASCII characters.
"""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from corrbot.understand import classifier, cues
from corrbot.understand.classifier import TaskClassifier
from corrbot.understand.refs import TaskRef
from corrbot.understand.textwords import (
    _TOKEN,
    _content_stem,
    stem_clue,
    stem_set,
    token_chunks,
)
from tests.understand.test_cue_needs import _texts

TRICKY = [
    "",
    "gap",
    "status",
    "gap: the list",
    "Status:gap;mechanism,issue.item!list?",
    "2gap3 foo_status_bar x9mechanism9 _list_ -gap- 'gap' gap's re-list",
    "mechanismsmechanism listedlist issueissues therewould wellwork",
    "mécanismes existants; vacío; существуют следующие механизмы; пробел",
    "MÉCANISMES\u00a0GAP\u2028STATUS\u2029Lack\x1cmissing\x85nobody\u3000one",
    "İssue İSSUE ıssue ſtatus ﬁnish ﬂaw Straße STRASSE",
    "g\u200bap sta\u00adtus li-st is’sue mechan’ism «gap» “status”",
    "Policies and policy; identified identify; replying reply; relational creation",
    "don’t can't O’Brien’s o'brien re-state PCI-e café naïve ÉCOLE",
    "tasks tasking task_struct TASK Task-force multitask",
    "The existing mechanisms are ICANN, the RIRs and the IETF. There is no forum: a gap.",
]

# Each suffix stem() folds, "y" turned "i", and "’" turned "'" first.
WORDS = """
policy policies identified replying relational relations creation finishes hopes
eyes ally early status address analysis dies tied oration nation bye y ies
don’t o’brien’s can't re-state pci-e café naïve straße ﬁnish xs’’y
"""

TASK_SETS: list[Sequence[TaskRef]] = [
    (
        TaskRef("a", "Review the identified international public policy issues"),
        TaskRef("b", "Identify existing mechanisms addressing each issue"),
        TaskRef("c", "Assess the status of those mechanisms"),
        TaskRef("d", "Identify gaps where issues are not adequately addressed"),
    ),
    tuple(TaskRef(key, f"Task {key}") for key in "abcd"),
    (
        TaskRef(
            "x",
            "Kernel's memory management",
            "don’t re-state the obvious; PCI-e drivers and O’Brien’s café",
            ("irq", "o'brien", "naïve"),
        ),
        TaskRef("y", "List the forums and bodies", "", ("dma", "policies")),
        TaskRef("z", "Draft the final report"),
    ),
]


@pytest.fixture(scope="module")
def texts() -> list[str]:
    return [*TRICKY, *_texts()]


def _all_cues() -> list[cues.Cue]:
    return [cue for theme in cues.THEMES.values() for cue in theme] + list(cues.LINE_CUES.values())


def test_needs_occur_in_the_chunks_as_in_the_text(texts: list[str]) -> None:
    needs = sorted({need for cue in _all_cues() for need in cue.needs})
    found = missed = 0
    for text in texts:
        lowered = text.lower()
        joined = " ".join(token_chunks(lowered))
        for need in needs:
            assert (need in joined) == (need in lowered), (need, text[:200])
            found += need in lowered
            missed += need not in lowered
        for cue in _all_cues():
            assert cue.may_match(joined) == cue.may_match(lowered)
    assert found > 1000 and missed > 1000


def test_a_need_must_be_letters() -> None:
    with pytest.raises(ValueError):
        cues._cues((1.0, ("gap:",), r"gap:"))


@pytest.mark.parametrize(
    "word",
    WORDS.split(),
)
def test_a_stem_clue_begins_the_word(word: str) -> None:
    word_stem = _content_stem(word)
    if word_stem is not None:
        assert word.startswith(stem_clue(word_stem))


def test_every_stem_has_its_clue_in_the_text(texts: list[str]) -> None:
    stems = 0
    for text in texts:
        lowered = text.lower()
        for token in set(_TOKEN.findall(lowered)):
            word_stem = _content_stem(token)
            if word_stem is not None:
                assert token.startswith(stem_clue(word_stem)), token
        for word_stem in stem_set(text):
            assert stem_clue(word_stem) in lowered, (word_stem, text[:200])
            stems += 1
    assert stems > 10000


def _reference_scores(scorer: TaskClassifier, text: str) -> dict[str, float]:
    """``TaskClassifier.scores`` as it was: every stem found, needs looked for in the text."""
    lowered = text.lower()
    words = stem_set(text)
    result: dict[str, float] = {}
    for profile in scorer._profiles:
        score = classifier._OVERLAP_SCALE * sum(
            weight for word, weight in profile.weights.items() if word in words
        )
        if profile.theme is not None:
            score += classifier._cue_score(profile.theme, text, lowered)
        result[profile.key] = score
    return result


@pytest.mark.parametrize("tasks", TASK_SETS, ids=["standard", "bare", "odd words"])
def test_scores_as_before(tasks: Sequence[TaskRef], texts: list[str]) -> None:
    scorer = TaskClassifier(tasks)
    scored = 0
    for text in texts:
        expected = _reference_scores(scorer, text)
        got = scorer.scores(text)
        # repr: the same floats to the last bit, and 0.0 where it was 0.0
        assert repr(got) == repr(expected), text[:200]
        scored += any(expected.values())
    assert scored > 50
