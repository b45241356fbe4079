"""linescan reads an ASCII text's lowered copy, and a line of dashes within the line.

The lowered copy of an ASCII text shows what IGNORECASE reads in the text, so its
patterns need not tell cases apart; the runs of a dashed line are taken whole and
not past the line's end. These tests hold each to the pattern it stands for.
"""

from __future__ import annotations

import itertools
import random
import sys

import pytest

from corrbot.understand import linescan
from tests.understand.test_newtext_scans import MARKERS, POOL, WORDS
from tests.understand.test_quotes_fast import MARKERS as MARKER_LINES
from tests.understand.test_quotes_fast import OTHER

LEADS = ["", " ", "\t", "*", "* ", "-", "--", "- ", "-\t", "->", "(", "<", "> ", "**", "-*-"]


def _ascii_lines() -> list[str]:
    lines = [*MARKER_LINES, *OTHER, *WORDS, *POOL, "-", "- -", "-\t-", "-- *", "--- a/x.c"]
    shapes = {
        lead + shape
        for line in lines
        for lead in LEADS
        for shape in (line, line.upper(), line.lower(), line.title(), line.swapcase())
    }
    return sorted(shape for shape in shapes if shape.isascii())


def test_the_lowered_copy_marks_the_lines_the_text_marks() -> None:
    for line in _ascii_lines():
        for tail in ("", "\n", "\nnext", "\n-\n- x"):
            text = line + tail
            lowered = text.lower()
            assert bool(linescan._MARKED_FIRST_ASCII.match(lowered)) == bool(
                linescan._MARKED_FIRST.match(text)
            ), text
            padded, lower_padded = "x\n" + text, "x\n" + lowered
            assert bool(linescan._MARKED_ASCII.search(lower_padded)) == bool(
                linescan._MARKED.search(padded)
            ), text


def test_a_marker_line_is_marked_in_both() -> None:
    for line in _ascii_lines():
        # "… from mobile" may start with anything: _MOBILE_END finds it.
        if any(marker.match(line) for marker in MARKERS) and not linescan._MOBILE_END.search(line):
            assert linescan._MARKED_FIRST_ASCII.match(line.lower()), line
            assert linescan._MARKED_FIRST.match(line), line


def test_a_text_outside_ascii_is_read_as_it_is() -> None:
    # "ſ" is an "s" to IGNORECASE, and lowers to itself: the lowered copy hides it.
    text = "Hi\nſent from my phone"
    assert text.lower() != text
    assert linescan._marked(text, text.lower())[0] == [1]


def test_the_blanks_are_every_blank_but_the_newline() -> None:
    blanks = {chr(c) for c in range(sys.maxunicode + 1) if chr(c).isspace()} - {"\n"}
    assert set(linescan._BLANKS.replace("\\", "")) == blanks


@pytest.mark.parametrize(
    "line",
    ["-", "--", "-- ", "---", "- -", "-> -", "-*", "- *", "-- *", "---\t", "-\u00a0-\u3000"],
)
def test_a_line_of_dashes_is_read_up_to_its_end(line: str) -> None:
    # Before, the runs went on into the lines below and were given back.
    alone = bool(linescan._MARKER_START.match(line))
    for below in ("", "\n", "\nx", "\n-", "\n> -", "\n-- forwarded message --", "\n\n---"):
        judged, _, _ = linescan._marked(line + below, (line + below).lower())
        assert (0 in judged) == alone or below.startswith("\n>"), repr(line + below)


def test_lines_of_dashes_in_a_row_are_each_read_alone() -> None:
    rnd = random.Random(5)
    pieces = ["-", "--", "- ", "-x", "---", "- - forwarded message --", "-- *", "x", ""]
    for _ in range(2000):
        lines = [rnd.choice(pieces) for _ in range(rnd.randint(1, 8))]
        text = "\n".join(lines)
        judged, _, _ = linescan._marked(text, text.lower())
        expected = [i for i, line in enumerate(lines) if linescan._MARKER_START.match(line)]
        # A dash before a forward word may still be read across a line's end.
        assert set(expected) <= set(judged), text
        assert set(judged) - set(expected) <= {
            i for i, line in enumerate(lines) if line.startswith("-") and i + 1 < len(lines)
        }, text


def test_every_branch_of_the_lowered_copy_is_lowercase() -> None:
    for lead in itertools.chain(linescan._LEADS, linescan._FORWARD_LEADS):
        assert lead == lead.lower(), lead
