"""Each cue's ``words`` hold on real and written text: every match holds all the
words of one of its tuples, each with no letter either side in the text (or, for
"^" and letters, with none before them; for "~" and a need, that need), so that a
text whose chunks lack them all skips the scan (cueevidence._Part.may_add).
Checked on the texts test_cue_needs.py reads; and ChunkBits tells such a word (and
such a start) exactly where the text holds it so."""

from __future__ import annotations

import pytest

from corrbot.understand import cueevidence, cues
from corrbot.understand.textwords import ChunkBits, token_chunks
from tests.understand.test_cue_needs import _all_cues, texts  # noqa: F401 (a fixture)

_WORDED = [(name, cue) for name, cue in _all_cues() if cue.words]


def _apart(lowered: str, word: str, start: int, end: int) -> bool:
    """Whether ``lowered[start:end]`` holds ``word`` with no letter either side."""
    at = lowered.find(word, start, end)
    while at >= 0:
        after = at + len(word)
        if not (at and lowered[at - 1].isalpha()) and not lowered[after : after + 1].isalpha():
            return True
        at = lowered.find(word, at + 1, end)
    return False


def _begins(lowered: str, word: str, start: int, end: int) -> bool:
    """Whether ``lowered[start:end]`` holds ``word`` with no letter before it."""
    at = lowered.find(word, start, end)
    while at >= 0:
        if not (at and lowered[at - 1].isalpha()):
            return True
        at = lowered.find(word, at + 1, end)
    return False


def _holds(lowered: str, words: tuple[str, ...], start: int, end: int) -> bool:
    for word in words:
        if word.startswith("~"):
            if word[1:] not in lowered[start:end]:
                return False
        elif word.startswith("^"):
            if not _begins(lowered, word[1:], start, end):
                return False
        elif not _apart(lowered, word, start, end):
            return False
    return True


def test_most_cues_have_words() -> None:
    assert len(_WORDED) >= 20


@pytest.mark.parametrize(("name", "cue"), _WORDED, ids=[name for name, _ in _WORDED])
def test_every_match_holds_the_words_of_a_tuple(
    name: str,
    cue: cues.Cue,
    texts: list[tuple[str, str]],  # noqa: F811 (the fixture)
) -> None:
    for word in {word for each in cue.words for word in each}:
        # Spelled as in the pattern (a typo caught), a "~" word one of the needs.
        assert word.lstrip("~^")[:4] in cue.pattern.pattern, (name, word)
        assert not word.startswith("~") or word[1:] in cue.needs, (name, word)
    matches = 0
    for _, lowered in texts:
        for match in cue.pattern.finditer(lowered):
            matches += 1
            start, end = match.span()
            assert any(_holds(lowered, each, start, end) for each in cue.words), (
                name,
                match.group(),
            )
    assert matches, name


def test_a_word_wrongly_apart_is_caught() -> None:
    # "work" needs letters either side in "network": the check above would fail it.
    assert not _apart("the network is", "work", 0, 14)
    assert _apart("it works, work-around", "work", 0, 21)


def test_chunk_bits_tell_a_word_where_no_letter_is_beside_it() -> None:
    bits = ChunkBits([], ["idn", "work"], [], 100)
    idn, work = 1, 2
    cases = {
        "didn't work": work,  # "idn" has letters either side
        "x-idn-y": idn,
        "idn's o'work": idn | work,
        "idné «work»": work,
        "²idn work²": idn | work,  # "²" is not a letter
        "ſidn": 0,
        "network workable re-work": work,
        "idn_2 _work": idn | work,
    }
    for text, expected in cases.items():
        assert bits.bits(token_chunks(text.lower())) == expected, text


def test_chunk_bits_tell_a_start_where_no_letter_is_before_it() -> None:
    bits = ChunkBits(["^rate", "^ab"], [], [], 100)
    rate, short = 1, 2  # "ab" (two letters) is taken as held
    cases = {
        "generate": short,
        "rated rate": rate | short,
        "x-rates": rate | short,
        "é-ratex": rate | short,
        "érate": short,
        "_rate2": rate | short,
    }
    for text, expected in cases.items():
        assert bits.bits(token_chunks(text.lower())) == expected, text
    with pytest.raises(ValueError):
        ChunkBits(["^r8"], [], [], 10)


def test_the_cues_words_have_their_bits() -> None:
    bits = ChunkBits(cueevidence.STRINGS, cueevidence.WORDS, [], 100)
    found = bits.bits(token_chunks("no mechanism here; the network"))
    part = next(p for p in cueevidence._PARTS["gaps"] if p.cue is cues.THEMES["gaps"][1])
    assert part.may_add(found, False)
    assert not part.may_add(bits.bits(token_chunks("nomechanism, no-mechanisms")), False)
