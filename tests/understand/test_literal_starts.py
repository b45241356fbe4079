"""AltScanner skips an alternative only when its literal starts are missing.

``literal_starts`` must name strings one of which begins every match (checked on
hand-made sources, random ones and every cue alternative on the corpora), and a
scanner told ``where`` (the join of the text's token chunks) must find exactly
what ``pattern.finditer`` finds.
"""

from __future__ import annotations

import random
import re

import pytest

from corrbot.understand import altscan, cues
from corrbot.understand.textwords import token_chunks
from tests.understand.test_altscan import CASES, TEXTS, _spans
from tests.understand.test_cue_needs import _texts


@pytest.mark.parametrize(
    ("source", "starts"),
    [
        (r"plays?\s+a\s+role\b", ("play",)),
        (r"(?:deals?|dealing|works?)\s+(?:with|on)\b", ("deal", "dealing", "work")),
        ("ab|cd", ("ab", "cd")),
        ("(?:a(?:b|c)|d)e", ("a", "d")),
        ("ab{2}", ("a",)),
        ("ab*?c", ("a",)),
        (r"é\w", ("é",)),
        ("существуют", ("существуют",)),
        ("(?:ab)c|(?:ab)", ("ab",)),
        # Nothing known: optional or repeated starts, escapes, classes, other groups.
        ("(?:ab)?c", None),
        ("(?:ab)+c", None),
        ("(?:a|)x", None),
        ("a|", None),
        ("", None),
        ("a+b", None),
        ("a?b", None),
        (r"\bab", None),
        (r"\x61b", None),
        ("[ab]c", None),
        ("(ab)", None),
        ("(?P<x>ab)", None),
        ("(?i:ab)", None),
        ("(?=ab)ab", None),
        ("a)|(b", None),
    ],
)
def test_literal_starts(source: str, starts: tuple[str, ...] | None) -> None:
    assert altscan.literal_starts(source) == starts


def _begins_every_match(pattern: re.Pattern[str], starts: tuple[str, ...], text: str) -> int:
    matches = 0
    for match in pattern.finditer(text):
        assert text.startswith(starts, match.start()), (pattern.pattern, text, match.start())
        matches += 1
    return matches


def test_random_sources() -> None:
    pieces = ["a", "b", "n", "ab", " ", r"\w*", r"\s", "(?:a|n)", "(?:ab|b)?", "b?", "a*", "b+"]
    pieces += ["a{2}", "(?:a|)", "[ab]", "(a)", r"\b", "|"]
    rng = random.Random(20261128)
    known = matched = 0
    for _ in range(3000):
        source = "".join(rng.choice(pieces) for _ in range(rng.randint(1, 5)))
        starts = altscan.literal_starts(source)
        if starts is None:
            continue
        known += 1
        pattern = re.compile(source)
        for _ in range(10):
            text = "".join(rng.choice("abn ") for _ in range(rng.randint(0, 20)))
            matched += _begins_every_match(pattern, starts, text)
    assert known > 300 and matched > 1000


@pytest.fixture(scope="module")
def lowered_texts() -> list[str]:
    return [text.lower() for text in _texts()]


def _cues() -> list[cues.Cue]:
    return [cue for theme in cues.THEMES.values() for cue in theme]


def test_every_cue_alternative_begins_with_its_starts(lowered_texts: list[str]) -> None:
    known = matched = 0
    for cue in _cues():
        for each in altscan.loose_patterns(cue.pattern) or ():
            starts = altscan.literal_starts(each.pattern)
            if starts is None:
                continue
            known += 1
            for text in lowered_texts:
                matched += _begins_every_match(each, starts, text)
    assert known > 50 and matched > 5000


def test_scanner_told_where_finds_what_finditer_finds(lowered_texts: list[str]) -> None:
    skipped = 0
    for cue in _cues():
        scanner = cue.scanner
        assert scanner is not None
        for text in lowered_texts:
            where = " ".join(token_chunks(text))
            assert _spans(scanner.finditer(text, where)) == _spans(cue.pattern.finditer(text))
            skipped += sum(
                starts is not None and not any(start in where for start in starts)
                for starts in scanner._starts
            )
    assert skipped > 10000


@pytest.mark.parametrize(("source", "text"), CASES)
def test_the_altscan_cases_told_where(source: str, text: str) -> None:
    pattern = re.compile(source)
    scanner = altscan.AltScanner(pattern)
    for each in (text, *TEXTS):
        expected = _spans(pattern.finditer(each))
        assert _spans(scanner.finditer(each, each)) == expected
        assert _spans(scanner.finditer(each, " ".join(token_chunks(each)))) == expected
