"""ANY_BODY_NAME, its names grouped by first letter, finds names where the plain one does."""

from __future__ import annotations

import re

import pytest

from corrbot.understand import cues
from tests.understand.test_cue_needs import BODY_PHRASES, _texts

PLAIN = re.compile(cues._BODIES)


def test_found_where_the_plain_alternation_finds() -> None:
    texts = [*_texts(), *BODY_PHRASES.replace(";", ",").split(","), "", "I", "ITU-", "xIANAx"]
    found = 0
    for text in texts:
        assert bool(cues.ANY_BODY_NAME.search(text)) == bool(PLAIN.search(text)), text[:200]
        for match in PLAIN.finditer(text):
            assert cues.ANY_BODY_NAME.match(text, match.start())
            found += 1
    assert found > 100


@pytest.mark.parametrize("alternatives", ["A|(B", "A|*B", "A*|B", "\\bA|B"])
def test_only_names_are_grouped(alternatives: str) -> None:
    with pytest.raises(ValueError):
        cues._by_first_letter(alternatives)


def test_grouped() -> None:
    assert cues._by_first_letter("AB|AC|B|Cd?") == "A(?:B|C)|B(?:)|C(?:d?)"
