"""ChunkBits tells what the text holds, as the substring tests and stem_set it replaces.

The classifier finds its cues' needs, its scanners' literal starts and its task
words once per distinct token chunk (textwords.ChunkBits). Checked here against
a test on the whole lowered text for every string, and against ``stem_set`` for
every stem, on the texts of test_text_chunks.py, with the remembered chunks
forgotten in between and not.
"""

from __future__ import annotations

import pytest

from corrbot.understand import classifier, cues
from corrbot.understand.textwords import ChunkBits, stem_set, token_chunks
from tests.understand.test_cue_needs import _texts
from tests.understand.test_text_chunks import TRICKY

STEMS = ["gap", "mechanism", "statu", "issu", "list", "o'brien", "re-stat", "café", "polici", "y"]


@pytest.fixture(scope="module")
def texts() -> list[str]:
    return [*TRICKY, *_texts()]


@pytest.mark.parametrize("limit", [1 << 16, 50])
def test_bits_as_substrings_and_stems(texts: list[str], limit: int) -> None:
    strings = classifier._STRINGS
    bits = ChunkBits(strings, cues.BODY_WORDS, STEMS, limit)
    seen = 0
    for text in texts:
        lowered = text.lower()
        found = bits.bits(token_chunks(lowered))
        expected = 0
        for index, string in enumerate(strings):
            if string in lowered:
                expected |= 1 << index
        assert found & ((1 << len(strings)) - 1) == expected, text[:200]
        words = stem_set(text)
        for word_stem in STEMS:
            assert bool(found & bits.stem_bit(word_stem)) == (word_stem in words), word_stem
        seen += found != 0
    assert seen > 1000


def test_stems_without_clues() -> None:
    # "o'brien" has the empty clue: every chunk is stemmed, none skipped by clues.
    bits = ChunkBits([], [], ["o'brien", "gap"], 10)
    both = bits.stem_bit("o'brien") | bits.stem_bit("gap")
    assert bits.bits(token_chunks("o’brien, gaps")) == both
    assert bits.bits(token_chunks("")) == 0


def test_forgets_past_its_limit() -> None:
    bits = ChunkBits(["gap"], [], [], 3)
    assert bits.bits({"a", "gap"}) == 1
    assert bits.bits({"b", "c", "gaps"}) == 1  # four chunks: the first two forgotten
    assert bits.bits({"a", "b"}) == 0
    assert len(bits._bits) <= 3


@pytest.mark.parametrize("string", ["", "a b", "a\u00a0b", "a_b", "a9", "a.b"])
def test_strings_chunks_cannot_hold_whole(string: str) -> None:
    with pytest.raises(ValueError):
        ChunkBits([string], [], [], 10)
