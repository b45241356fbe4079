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
    bits = ChunkBits(classifier._STRINGS, cueevidence.WORDS, (), 1)
    for text in ("W3C", "FIRST", "(FIRST)"):
        planned = cueevidence.plan("mechanisms", bits.bits(token_chunks(text.lower())), text)
        assert any(part.cue is None for part in planned.parts)
    for text in ("w3c", "FIRSTLY", "FIRST_USER"):
        planned = cueevidence.plan("mechanisms", bits.bits(token_chunks(text.lower())), text)
        assert not any(part.cue is None for part in planned.parts)


def test_a_mark_skipped_by_its_bit_is_not_found() -> None:
    # plan looks for a mark of letters only where the bit of its lowering is set:
    # elsewhere BODY_MARK, which finds it only with no \w either side, finds nothing.
    bits = ChunkBits(classifier._STRINGS, cueevidence.WORDS, (), 1 << 16)
    edges = ["", " ", "x", "9", "_", "-", "'", "é", "«", "ß", "\u00a0", "\n"]
    texts = [
        f"{left}{mark}{right}{more}"
        for mark in ("FIRST", "First", "first", "W3C", "W3c", "FIRSTS", "W3CFIRST")
        for left, right in itertools.product(edges, repeat=2)
        for more in ("", " and W3C", " and FIRST", " FIRST_USER")
    ]
    told = 0
    for text in texts:
        found = bits.bits(token_chunks(text.lower()))
        plain = any(mark in text for mark in cues.BODY_MARKS)
        gated = cueevidence._may_hold_mark(text, found)
        assert gated <= plain, text
        if plain and not gated:
            told += 1
            assert cues.BODY_MARK.search(text) is None, text
    assert told > 50
