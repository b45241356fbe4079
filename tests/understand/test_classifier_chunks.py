"""ChunkBits tells what the text holds, as the substring tests and stem_set it replaces.

The classifier finds its cues' needs, its scanners' literal starts and its task
words once per distinct token chunk (textwords.ChunkBits). Checked here against
a test on the whole lowered text for every string and word, and against
``stem_set`` for every stem, on the texts of test_text_chunks.py, with the
remembered chunks forgotten in between and not. Strings and words of one or two
letters are taken as held without a look.
"""

from __future__ import annotations

import pytest

from corrbot.understand import classifier, cueevidence
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
    told = cueevidence.WORDS
    bits = ChunkBits(strings, told, STEMS, limit)
    seen = 0
    for text in texts:
        lowered = text.lower()
        found = bits.bits(token_chunks(lowered))
        expected = 0
        for index, string in enumerate(strings):
            start = string.removeprefix("^")
            held = _begins(lowered, start) if start is not string else string in lowered
            if held or len(start) <= 2:
                expected |= 1 << index
        for index, word in enumerate(told, len(strings)):
            if len(word) <= 2 or _apart(lowered, word):
                expected |= 1 << index
        assert found & ((1 << (len(strings) + len(told))) - 1) == expected, text[:200]
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
    assert len(bits._bits) + len(bits._zero) <= 3


def test_short_strings_and_words_always_held() -> None:
    bits = ChunkBits(["gap", "of"], ["in", "gaps"], [], 10)
    assert bits.bits(frozenset()) == bits.bits(token_chunks("x")) == 0b0110
    assert bits.bits(token_chunks("gaps")) == 0b1111
    assert bits.word_bit("in") == 0b0100


def _begins(lowered: str, start: str) -> bool:
    """Whether ``lowered`` holds ``start`` with no letter before it."""
    at = lowered.find(start)
    while at >= 0:
        if not (at and lowered[at - 1].isalpha()):
            return True
        at = lowered.find(start, at + 1)
    return False


def _apart(lowered: str, word: str) -> bool:
    """Whether ``lowered`` holds ``word`` with no letter either side."""
    at = lowered.find(word)
    while at >= 0:
        end = at + len(word)
        if not (at and lowered[at - 1].isalpha()) and not lowered[end : end + 1].isalpha():
            return True
        at = lowered.find(word, at + 1)
    return False


@pytest.mark.parametrize("string", ["", "a b", "a\u00a0b", "a_b", "a9", "a.b"])
def test_strings_chunks_cannot_hold_whole(string: str) -> None:
    with pytest.raises(ValueError):
        ChunkBits([string], [], [], 10)
