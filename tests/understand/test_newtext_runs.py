"""linescan finds the marker lines in one search over the text and gives runs of plain
quoted lines as one; _keep drops a run at once and judges a line picked only as a
possible attribution start for that alone. These tests hold each to the line loop.
"""

from __future__ import annotations

import random

import pytest

from corrbot.understand import linescan
from corrbot.understand import markers as m
from corrbot.understand.quotes import _MAX_ATTRIBUTION_LINES, _keep, _tidy

BLANKS = ["", " ", "  ", "\t", "\u00a0", "\x0b", "\x0c", "\x1c", "\x85", "\u2028", "\u3000"]
QUOTES = [">", "> ", ">>", "> >", " >", "  > ", "\t>", ">\t", ">*", ">-", "> -", "> *>", "|"]
AFTER = ["", "x", "> x", "\t> x", "Ab> x", "ab>", "abcdefghijklm> x", "- x", "On Mon, A wrote:"]


def _plain(line: str) -> bool:
    # quotes._keep's test for a plain quoted line.
    return bool(m.QUOTE.match(line) and not m.QUOTE.match(line.lstrip(" >*-")))


def _shapes() -> list[str]:
    return [
        blank + quote + after + end
        for blank in ("", " ", "\t", "\u00a0")
        for quote in QUOTES
        for after in AFTER
        for end in ("", " ", "\t", "\x0c", "\u2028")
    ]


@pytest.mark.parametrize("after", ["", "next", "> next", "\t> next", "-- "])
def test_a_line_is_plain_in_the_text_as_it_is_alone(after: str) -> None:
    for line in _shapes():
        text = f"{line}\n{after}"
        found = linescan._PLAIN.match(text) is not None
        assert found == _plain(line.rstrip()), repr(line)


def _texts(count: int) -> list[str]:
    pool = [
        *_shapes(),
        *BLANKS,
        "On Mon, Nov 18, 2013 at 10:02 AM, Alice <a@b.org>",
        "On Mon, Nov 18, 2013 at 10:02 AM, Alice <a@b.org> wrote:",
        "> wrote:",
        "wrote:",
        "Hi,",
        "Thanks.",
        "-- ",
        "-----Original Message-----",
        "From: Alice <a@b.c>",
        "Sent: Monday",
        "To: x",
        "____",
        "Sent from my iPhone",
        "x from mobile",
        "Ünï from MOBILE",
        "ab from mobıle",
        "+foo",
        "-bar",
    ]
    rnd = random.Random(11)
    return ["\n".join(rnd.choice(pool) for _ in range(rnd.randint(1, 25))) for _ in range(count)]


def test_the_runs_are_the_plain_quoted_lines_and_the_rest_holds_every_marker() -> None:
    for text in _texts(3000):
        lines = text.split("\n")
        judged, runs, _ = linescan._marked(text, text.lower())
        in_runs = {k for start, end in runs.items() for k in range(start, end)}
        stripped = [line.rstrip() for line in lines]
        assert in_runs == {k for k, line in enumerate(stripped) if _plain(line)}, text
        assert set(runs) <= set(judged)
        for k, line in enumerate(stripped):
            if linescan._MARKER_START.match(line) and k not in in_runs:
                assert k in judged, (text, k)


def test_the_fast_path_gives_what_the_line_loop_gives() -> None:
    for text in _texts(6000):
        lines = [line.rstrip() for line in text.split("\n")]
        text = "\n".join(lines)
        if "```" in text or "~~~" in text:
            continue
        judged = linescan.suspects(text, lines, _MAX_ATTRIBUTION_LINES)
        fast = _tidy(_keep(lines, range(len(lines)) if judged is None else judged, False))
        assert fast == _tidy(_keep(lines, range(len(lines)))), text


def test_an_attribution_ending_inside_a_run_drops_the_rest_of_the_run() -> None:
    text = "Hi.\n\nOn Mon, 2019-11-04, Alice <a@b.org>\n> wrote:\n> quoted\n> more\nMine."
    lines = text.split("\n")
    judged = linescan.suspects(text, lines, _MAX_ATTRIBUTION_LINES)
    assert judged is not None and judged.runs == {3: 6}
    assert _tidy(_keep(lines, judged, False)) == "Hi.\n\nMine."
    assert _tidy(_keep(lines, range(len(lines)))) == "Hi.\n\nMine."
