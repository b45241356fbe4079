"""AltScanner finds exactly what ``pattern.finditer`` finds, and the classifier scores as before.

Hand-made patterns probe each way the loose search could go wrong (a rejected
candidate hiding a real match, lookbehinds, empty matches, patterns that must not
be split); random small patterns probe the rest; the cue patterns run on the
texts of test_cue_needs.py, which must exercise the rejections the scanner relies on.
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterable

import pytest

from corrbot.understand import altscan, classifier, cues
from tests.understand.test_cue_needs import _texts

# (pattern, text): each pattern is also checked on the other texts.
CASES = [
    # "no" in "casino" is a candidate; the real match starts inside its loose span.
    (r"\bno\s+(?:\w+\s+){0,2}mechanism\b|\bnone\s+of\b", "casino no mechanism; none of it"),
    (r"\bno\s+\w+", "nono no no nono no"),
    (r"(?<!not\s)\b(?:adequately|fully)\s+addressing\b", "not fully addressing; fully addressing"),
    (r"(?<!not\s)\b(?:fully)\s+addressing\b|\bnot\b", "unfully addressing, not fully addressing"),
    (r"(?<=a)b|\bc|(?<!x)\Bd", "ab cb xd ad d abc"),
    (r"mecanismos\s+existentes|\bgaps?\b|lack", "gaps mecanismos existentes gapsx blackgap lack"),
    (r"\binclud(?:e|es|ing)\b|\bincluyen\b", "excluding including includes incluyen"),
    (r"\b(?:merg|split)\w*", "emerging merged splitting resplit split"),
    # A leading group searched for by first letter: "deal"/"dealing" share one.
    (r"\b(?:deals?|dealing|works?|working)\s+(?:with|on)\b", "dealing with; works on; work onto"),
    (r"\b(?:as\s+a\s+|a\s+|the\s+)(?:new|single)\b", "as a new; a single; the new; ta new"),
    (r"(?:ab|b|ac)(?:c|)|x", "abc bc acc ab xb"),
    (r"^\s*gap\s*:", "gap: x\n  gap : y"),
    (r"(?m)^\s*gap\s*:|\bno\b", "gap: x\n  gap : no y"),
    (r"(?i)\bAB|\bcd", "ab AB xab cd CD"),
    (r"[]|(]\bx|\by", "]x |x (x y ay"),
    (r"\[|\b\||\(a", "[ | ( (a"),
    (r"(?P<word>\bab)|\bc", "ab cab c"),
    (r"(?<!x){2}a|\bb", "xa a ba b"),
    # Empty matches: finditer then still finds a longer match at the same place.
    (r"|a", "aa"),
    (r"x*", "abxd"),
    (r"\b|ab", "ab ab"),
    (r"\b", "one two"),
    (r"(?<!x)", "axb"),
    (r"\b(?:a|)", "a b ab"),
    (r"\b(?:no)?", "no  on"),
    # Not split: a backreference, verbose mode, a comment.
    (r"\b(a)\1|\bb", "aa a b"),
    (r"(?x) \b a | \b b  # a | c", "a b c"),
    (r"(?#x|y)\ba|b", "a b ab"),
]
TEXTS = [text for _, text in CASES] + ["", " ", "a", "no", "casino no no mechanism"]


def _spans(matches: Iterable[re.Match[str]]) -> list[tuple[int, int]]:
    return [match.span() for match in matches]


@pytest.mark.parametrize(("source", "text"), CASES)
def test_same_matches_as_finditer(source: str, text: str) -> None:
    pattern = re.compile(source)
    scanner = altscan.AltScanner(pattern)
    for each in (text, *TEXTS):
        assert _spans(scanner.finditer(each)) == _spans(pattern.finditer(each)), each
    # Whole matches, groups included, not only spans.
    found = [(m.group(), m.groups()) for m in scanner.finditer(text)]
    assert found == [(m.group(), m.groups()) for m in pattern.finditer(text)]


def test_the_tricky_cases_do_match() -> None:
    pattern = re.compile(CASES[0][0])
    assert _spans(altscan.AltScanner(pattern).finditer("casino no mechanism")) == [(7, 19)]


@pytest.mark.parametrize(
    "source",
    [r"\b(a)\1|\bb", r"(?x) \b a | \b b", r"(?#x|y)\ba|b", r"(?P<x>a)(?P=x)|\bb", r"(a)?(?(1)b|c)"],
)
def test_unsplittable_patterns_are_scanned_whole(source: str) -> None:
    assert altscan.loose_patterns(re.compile(source)) is None


def test_split_and_strip() -> None:
    source = r"\ba|(?<!x)\b(b|c)|[|(]|[]|]|\||(?<=(y|z))d|e"
    assert altscan.split_alternatives(source) == [
        r"\ba",
        r"(?<!x)\b(b|c)",
        r"[|(]",
        r"[]|]",
        r"\|",
        r"(?<=(y|z))d",
        "e",
    ]
    loose = altscan.loose_patterns(re.compile(source))
    assert loose is not None
    assert [p.pattern for p in loose] == ["a", "(b|c)", "[|(]", "[]|]", r"\|", "d", "e"]
    assert altscan.split_alternatives("a)|(b") is None
    assert altscan.strip_leading_assertions(r"(?<!x){2}a") == r"(?<!x){2}a"
    assert altscan.strip_leading_assertions(r"\B(?<=a)\bb") == "b"


def test_by_first_letter() -> None:
    assert altscan.by_first_letter(r"(?:deals?|dealing|works?|rate)\s+x") == [
        r"(?:deals?|dealing)\s+x",
        r"(?:works?)\s+x",
        r"(?:rate)\s+x",
    ]
    # Left whole: one letter, a quantified group or first letter, no leading group.
    for source in [r"(?:ab|ac)x", r"(?:a|b)?x", r"(?:a?|b)x", r"(?:\ba|b)x", "a|b", r"(?:a|b"]:
        assert altscan.by_first_letter(source) == [source]
    loose = altscan.loose_patterns(re.compile(r"\b(?:add|include)\b|\bno\b"))
    assert loose is not None
    assert [p.pattern for p in loose] == [r"(?:add)\b", r"(?:include)\b", r"no\b"]


def test_random_patterns() -> None:
    pieces = ["a", "b", "n", " ", r"\w*", r"\s+", "(?:a|n)", "b?", r"\b", r"\B", "(?<!n)", "(?<=a)"]
    alphabet = "abn  "
    rng = random.Random(20261127)
    checked = 0
    for _ in range(400):
        alternatives = [
            "".join(rng.choice(pieces) for _ in range(rng.randint(0, 4)))
            for _ in range(rng.randint(1, 4))
        ]
        pattern = re.compile("|".join(alternatives))
        scanner = altscan.AltScanner(pattern)
        for _ in range(10):
            text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 30)))
            assert _spans(scanner.finditer(text)) == _spans(pattern.finditer(text)), (
                pattern.pattern,
                text,
            )
            checked += 1
    assert checked == 4000


@pytest.fixture(scope="module")
def lowered_texts() -> list[str]:
    return [text.lower() for text in _texts()]


def _all_cues() -> list[cues.Cue]:
    return [cue for theme in cues.THEMES.values() for cue in theme] + list(cues.LINE_CUES.values())


def test_cues_on_the_corpora(lowered_texts: list[str]) -> None:
    matches = rejected = 0
    for cue in _all_cues():
        scanner = cue.scanner or altscan.AltScanner(cue.pattern)
        loose = altscan.loose_patterns(cue.pattern)
        assert loose is not None, cue.pattern.pattern
        for text in lowered_texts:
            expected = _spans(cue.pattern.finditer(text))
            assert _spans(scanner.finditer(text)) == expected, cue.pattern.pattern
            assert _spans(cue.finditer(text)) == expected
            matches += len(expected)
            # What exactness rests on: a loose alternative matches where a match starts.
            for start, _ in expected:
                assert any(each.match(text, start) for each in loose), (cue.pattern, start)
            starts = {start for start, _ in expected}
            rejected += sum(
                candidate.start() not in starts
                for each in loose
                for candidate in each.finditer(text)
            )
    # Not a vacuous check: many matches, and loose candidates that only the check at
    # their start rejects (a scanner trusting them would find more). The corpora
    # have no real match inside a rejected candidate; CASES[0] has one.
    assert matches > 5000
    assert rejected > 100


def _reference_cue_score(theme: str, text: str, lowered: str) -> float:
    """_cue_score as it was before AltScanner: every hit counted, by ``pattern.finditer``."""
    score = 0.0
    for cue in cues.THEMES[theme]:
        hits = sum(
            1
            for match in cue.pattern.finditer(lowered)
            if not cues.NEGATED.search(lowered, max(0, match.start() - 16), match.start())
        )
        if hits:
            score += cue.weight * (1.5 if hits > 1 else 1.0)
    line_cue = cues.LINE_CUES.get(theme)
    if line_cue is not None and line_cue.pattern.search(lowered):
        score += line_cue.weight
    if theme == "mechanisms":
        weight, pattern = cues.BODIES
        named = min(4, len(set(pattern.findall(text))))
        score += weight * named * (named + 1) / 2
    return score


def test_cue_score_as_before() -> None:
    scored = 0
    for text in _texts():
        lowered = text.lower()
        for theme in cues.THEMES:
            expected = _reference_cue_score(theme, text, lowered)
            assert classifier._cue_score(theme, text, lowered) == expected, (theme, text[:200])
            scored += expected > 0
    assert scored > 500
