"""A theme's plan (cueevidence.plan) leaves out only terms that are 0 in the text,
and its bound is at least the theme's score: what lets classify drop a task
before building its evidence."""

from __future__ import annotations

import itertools

import pytest

from corrbot.understand import classifier, cueevidence, cues
from corrbot.understand.textwords import ChunkBits, token_chunks
from tests.understand.test_cue_needs import BODY_PHRASES, PHRASES, _texts
from tests.understand.test_text_chunks import TRICKY

MARKS = ["W3C and FIRST", "the W3C", "FIRST, then", "first", "w3c"]


@pytest.fixture(scope="module")
def texts() -> list[str]:
    lines = [line for line in (PHRASES + BODY_PHRASES).splitlines() if line.strip()]
    return [*TRICKY, *MARKS, *lines, *itertools.islice(_texts(), 400)]


@pytest.mark.parametrize("theme", sorted(cues.THEMES))
def test_a_term_left_out_is_zero(theme: str, texts: list[str]) -> None:
    bits = ChunkBits(classifier._STRINGS, cueevidence.WORDS, (), 1 << 16)
    left_out = 0
    for text in texts:
        lowered = text.lower()
        found = bits.bits(token_chunks(lowered))
        where = cueevidence.Found(found)
        planned = cueevidence.plan(theme, found, text)
        for part in cueevidence._PARTS[theme]:
            if part not in planned.parts:
                left_out += 1
                assert part.value(text, lowered, where) == 0.0, (theme, part.place, text[:200])
        score = cueevidence.Evidence(planned, text, lowered, where).score()
        assert score <= planned.bound
        assert score == classifier._cue_score(theme, text, lowered)
    assert left_out > 100


def test_bodies_kept_for_a_mark_alone() -> None:
    for text in ("W3C", "FIRST"):
        planned = cueevidence.plan("mechanisms", 0, text)
        assert any(part.cue is None for part in planned.parts)
    assert not any(part.cue is None for part in cueevidence.plan("mechanisms", 0, "w3c").parts)
