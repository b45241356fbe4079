"""A line cue is looked for from the text's start and from each "\\n"
(keywords.LineStarts): it matches exactly where its "^" pattern does."""

from __future__ import annotations

import itertools
import re

import pytest

from corrbot.understand import cueevidence, cues
from tests.understand.test_cue_needs import _texts

SEPARATORS = ["\n", "\r\n", "\r", "\u2028", "\x0b", "\x0c", "\x1c", "\x85", " ", "\t", "", "x", ":"]
LINES = ["status: ok", "  Status :", "\tstatus\n:", "gap:", "mechanism :", "xstatus:", "status"]


def _written() -> list[str]:
    texts = []
    for before, line, after in itertools.product(SEPARATORS, LINES, SEPARATORS):
        texts.append(f"{before}{line}{after}")
        texts.append(f"intro{before}{line}{after}end")
    return texts


@pytest.mark.parametrize("theme", sorted(cues.LINE_CUES))
def test_line_search_finds_what_the_pattern_finds(theme: str) -> None:
    pattern = cues.LINE_CUES[theme].pattern
    search = cueevidence._line_search(pattern)
    found = 0
    for text in [*_written(), *itertools.islice(_texts(), 300)]:
        for variant in (text, text.lower(), f"\n{text}", text.replace("\n", "\r\n")):
            expected = pattern.search(variant) is not None
            assert search.any_in(variant) == expected, variant[:200]
            found += expected
    assert found > 20


def test_only_line_patterns() -> None:
    for source, flags in (("status:", re.M), ("^status:", 0), ("^a|b", re.M)):
        with pytest.raises(ValueError):
            cueevidence._line_search(re.compile(source, flags))
