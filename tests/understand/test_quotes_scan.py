"""The cheaper whole-text and per-line checks of new_text find all that they stand for.

quotes._has_fence_mark looks for one character before three; linescan's searches
each start from one key character of their words, and _MARKER_START takes runs of
blanks and dashes without giving them back. These tests hold each to the plainer
check it replaced.
"""

from __future__ import annotations

import itertools
import random
import re

import pytest

from corrbot.understand import keyed, linescan
from corrbot.understand.quotes import _has_fence_mark, new_text


@pytest.mark.parametrize(
    "text",
    ["", "`", "``", "```", "a ``` b", "~~", "~~~", "x\n~~~py", "`~`~`~", "~ ~ ~", "``~~~"],
)
def test_the_fence_mark_is_three_backticks_or_tildes(text: str) -> None:
    assert _has_fence_mark(text) == ("```" in text or "~~~" in text)


def test_a_fence_keeps_its_marker_lines_as_text() -> None:
    body = "See:\n```\n> not a quote\n```\nThanks"
    assert new_text(body) == body


def _found_lines(text: str, searches: tuple[re.Pattern[str], ...]) -> set[int]:
    lowered = text.lower()
    return {text.count("\n", 0, hit.start()) for s in searches for hit in s.finditer(lowered)}


@pytest.mark.parametrize("word", linescan._NEEDS)
def test_the_searches_find_each_word_on_its_line(word: str) -> None:
    for before, after in itertools.product(("", "x", "s", "es ", word), ("", "s", " x", word)):
        text = f"first line\n{before}{word}{after}\nlast {word[:-1]}"
        lowered = text.lower()
        found, _ = linescan._words(text, lowered, [(0, len(text))])
        assert {text.count("\n", 0, at) for at in found} == {1}, text
        if " " in word:
            continue  # found from what follows its space (see the next test)
        assert _found_lines(text, linescan._SEARCHES) == {1}, text
        if text.isascii():
            assert _found_lines(text, linescan._ASCII_SEARCHES) == {1}, text


@pytest.mark.parametrize("blank", ["", " ", "\t", "\u00a0", "\u3000"])
def test_a_word_wrapped_at_its_space_is_found_on_the_line_it_ends(blank: str) -> None:
    # "… Jean a\ndit :" joins as "… Jean a dit :"; "dit" further on a line is not it.
    for first in ("", "Le 18 nov. 2013, Jean nous a\n"):
        text = f"{first}{blank}dit :\nedit: x\naudit dit\nx a dit"
        lowered = text.lower()
        found, _ = linescan._words(text, lowered, [(0, len(text))])
        lines = {text.count("\n", 0, at) for at in found}
        assert lines == {text[: text.index("dit")].count("\n"), text.count("\n")}, text


def test_each_search_starts_with_a_literal_character() -> None:
    # The point of keying them: re skips to that character as fast as str.find.
    for search in linescan._SEARCHES + linescan._ASCII_SEARCHES:
        assert search.pattern[0] not in "\\([.?*+"


def test_a_one_character_word_gets_a_pass_of_its_own() -> None:
    searches = keyed.searches(("ab", "b", "x"))
    assert {s.pattern for s in searches} == {"a(?:b(?:))", "b(?:(?:))", "x(?:(?:))"}
    assert [bool(s.search("b")) for s in searches].count(True) == 1


@pytest.mark.parametrize(
    "words", [linescan._NEEDS, ("ab", "b", "x", "abc", "cab", "bca", "bb"), ("said", "says")]
)
def test_a_pass_grouped_by_the_next_character_matches_as_the_plain_one(
    words: tuple[str, ...],
) -> None:
    # The same spans as the alternation of every word's end (finditer goes on from
    # a match's end), only faster.
    rnd = random.Random(3)
    pieces = [*words, *(word[:-1] for word in words), *(word[1:] for word in words), " ", "x"]
    left = list(words)
    for search in keyed.searches(words):
        key = search.pattern[0]
        ends = [keyed._after_key(word, key) for word in left if keyed._keyed(word, key)]
        left = [word for word in left if not keyed._keyed(word, key)]
        plain = re.compile(re.escape(key) + f"(?:{'|'.join(re.escape(a) + r for a, r in ends)})")
        for _ in range(300):
            text = "".join(rnd.choice(pieces) for _ in range(rnd.randint(1, 12)))
            assert [h.span() for h in search.finditer(text)] == [
                h.span() for h in plain.finditer(text)
            ], text


# Lines a dash starts, and what a pattern giving back its blanks and dashes
# (as _MARKER_START did) matches of them.
_DASH_PLAIN = re.compile(
    rf"\s*+-[\s>*\-]*(?:-(?:[\s*]*$|\s*(?i:{linescan._DASHED}))|{linescan._by_first_letter(linescan._FORWARD_LEADS)})"
)


@pytest.mark.parametrize(
    "line",
    [
        *("-", "--", "-- ", "---", "- -", "-\t-", "->-", "-->", "- > -", "-*-", "-* *", "-- *"),
        *("-\t\tfoo", "-static int x;", "- from: x", "-\t-- Original Message --", "-->>From: a"),
        *("- - forwarded message --", "-  -   ursprüngliche nachricht --", "-* Sent from x"),
        *("-> > From: x", "- - - - -", "-\u00a0-", "- \u3000From: x", "-ſent from my phone"),
    ],
)
def test_a_line_of_dashes_is_judged_as_before(line: str) -> None:
    assert bool(linescan._MARKER_START.match(line)) == bool(_DASH_PLAIN.match(line))


@pytest.mark.parametrize(
    "line", ["abc> x", "a> x", "abcdefghijkl> x", "abcdefghijklm> x", "ab c> x", "abc>"]
)
def test_a_supercite_quote_is_judged_as_before(line: str) -> None:
    plain = re.compile(r"\s*+[A-Za-z]{1,12}>")
    assert bool(linescan._MARKER_START.match(line)) == bool(plain.match(line))
