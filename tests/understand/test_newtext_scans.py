"""linescan reads less and still picks every line quotes._keep must judge.

A dash before a word is looked at only for the forward markers' words (the only
marker that lets a dash come first); a run of plain quoted lines is read for
attribution words and addresses only as far as an attribution starting above it
can join; the first line is matched on its own instead of after a "\\n" put in
front of the text. These tests hold each to what it stands for.
"""

from __future__ import annotations

import itertools
import random
import re

import pytest

from corrbot.understand import linescan
from corrbot.understand import markers as m
from corrbot.understand import quotes as q

MARKERS = (
    m.QUOTE,
    m.SIG_DASHES,
    m.DIVIDER,
    m.HEADER_FROM,
    m.FORWARD_ANY,
    m.MOBILE_SIGNATURE_ANY,
    m.DISCLAIMER_START,
)
WORDS = [
    "Begin forwarded message:",
    "Début du message transféré :",
    "Anfang der weitergeleiteten Nachricht:",
    "inicio del mensaje reenviado:",
    "From: Alice",
    "Sent from my iPhone",
    "This email is confidential",
    "Von meinem iPhone gesendet",
    "--- Original Message ---",
    "-- ",
    "---",
    "static int x;",
    "",
]


@pytest.mark.parametrize(
    ("lead", "word"),
    list(itertools.product(["-", "--", "- ", "-\t", "- >", "-*", " -", "- - ", "->"], WORDS)),
)
def test_a_dash_led_line_a_marker_matches_is_picked(lead: str, word: str) -> None:
    for line in (lead + word, lead + word.upper(), lead + word.lower()):
        line = line.rstrip()
        matched = [marker for marker in MARKERS if marker.match(line)]
        # Only these let a dash come first, so only their words follow one.
        assert set(matched) <= {m.SIG_DASHES, m.DIVIDER, m.FORWARD_ANY}, line
        if matched:
            assert linescan._MARKER_START.match(line), line


def _old_marked(text: str) -> tuple[list[int], dict[int, int]]:
    # linescan._marked as it was: the text after a "\n", so the first line is one more.
    padded = "\n" + text
    judged: list[int] = []
    runs: dict[int, int] = {}
    line = last = 0
    hit = linescan._MARKED.search(padded)
    while hit:
        at = hit.start()
        line += padded.count("\n", last, at)
        last = at
        judged.append(line)
        if not linescan._PLAIN.match(padded, at + 1):
            hit = linescan._MARKED.search(padded, at + 1)
            continue
        end = linescan._RUN_END.search(padded, at + 1)
        last = end.start() if end else len(padded)
        line += padded.count("\n", at, last)
        runs[judged[-1]] = line
        hit = linescan._MARKED.search(padded, last)
    return judged, runs


POOL = [
    "> quoted",
    "> > deep",
    ">",
    "Richard> text",
    "",
    " ",
    "Hi,",
    "-- ",
    "From: Alice <a@b.c>",
    "On Mon, Nov 18, 2013 at 10:02 AM, Alice <a@b.org>",
    "wrote:",
    "> wrote:",
    "> On 2019-11-04, Bob <b@c.d> wrote:",
    "> <a@b.c>",
    "On 2019 Alice",
    "2013/7/20 sam <s@x.org>",
    "> 2013/7/20 sam <s@x.org>",
    "Jean nous a",
    "> dit :",
    "dit :",
    "Sent from my mobile",
    "x from MOBILE",
    "> y from mobıle",
    "Signed-off-by: A <a@b.c>",
    "+foo said",
]


def _texts(count: int, seed: int) -> list[str]:
    rnd = random.Random(seed)
    texts = []
    for _ in range(count):
        lines = [rnd.choice(POOL) for _ in range(rnd.randint(0, 16))]
        if rnd.random() < 0.5:
            # A long run of quoted lines, an attribution above or inside it.
            at = rnd.randint(0, len(lines))
            run = ["> " + rnd.choice(POOL).lstrip("> ") for _ in range(rnd.randint(3, 9))]
            lines[at:at] = run
        texts.append("\n".join(line.rstrip() for line in lines))
    return texts


def test_the_marked_lines_and_runs_are_as_before() -> None:
    for text in [*_texts(3000, 1), "", "\n", "> x", "\n> x\n", "-- \nx"]:
        judged, runs, bounds = linescan._marked(text, text.lower())
        assert (judged, runs) == _old_marked(text), text
        for (start, stop), first in zip(bounds, sorted(runs), strict=True):
            assert text.count("\n", 0, start) == first
            assert start == 0 or text[start - 1] == "\n"
            assert stop == len(text) or text[stop] == "\n"
            assert text.count("\n", start, stop) + 1 == runs[first] - first


def test_every_line_an_attribution_starts_on_is_picked() -> None:
    for text in _texts(4000, 2):
        lines = text.split("\n")
        judged = linescan.suspects(text, lines, q._MAX_ATTRIBUTION_LINES)
        if judged is None:
            continue
        for i in range(len(lines)):
            if q._attribution(lines, i):
                assert i in judged, (text, i)


def test_the_fast_path_gives_what_the_line_loop_gives() -> None:
    for text in _texts(4000, 3):
        lines = text.split("\n")
        judged = linescan.suspects(text, lines, q._MAX_ATTRIBUTION_LINES)
        fast = q._tidy(q._keep(lines, range(len(lines)) if judged is None else judged, False))
        assert fast == q._tidy(q._keep(lines, range(len(lines)))), text


def test_a_run_is_read_up_to_what_an_attribution_above_can_join() -> None:
    text = "\n".join(["x", "> a", "> b", "> c", "> d", "> e", "y"])
    _, _, bounds = linescan._marked(text, text.lower())
    reads = linescan._reads(text, bounds, 4)
    assert [text[start:end] for start, end in reads] == ["x\n> a\n> b\n> c\n", "\ny"]
    # A run no longer than that is read whole.
    short = "x\n> a\n> b\n> c\ny"
    assert linescan._reads(short, linescan._marked(short, short.lower())[2], 4) == [(0, len(short))]


@pytest.mark.parametrize("tail", ["mobile", "MOBILE", "Mobile \t", "mobıle", "moBİle", "moſt"])
def test_a_mobile_line_is_picked_however_it_is_cased(tail: str) -> None:
    text = f"Hi\n\nx from {tail}\n"
    lines = text.split("\n")
    judged = linescan.suspects(text, lines, q._MAX_ATTRIBUTION_LINES)
    wanted = bool(re.search(r"mobile\s*$", lines[2], re.IGNORECASE))
    assert judged is None or (2 in judged) == wanted


def test_mobile_in_the_lowered_text_is_where_ignorecase_finds_it_in_the_text() -> None:
    rnd = random.Random(8)
    pieces = ["mobile", "MOBILE", "Mobile", "mObIlE", "mobil", "x", " ", "\t", "\n", "\u00a0"]
    pieces += ["\u2028", "É", "Σ", "ﬁ", "ß", "mobile\u3000", "gmt", "mobiles", "\n\n"]
    for _ in range(5000):
        text = "".join(rnd.choice(pieces) for _ in range(rnd.randint(0, 12)))
        lowered = text.lower()
        if len(lowered) != len(text) or linescan.keywords.folds_ascii(text):
            continue  # suspects reads these otherwise
        _, mobiles = linescan._words(text, lowered, [(0, len(text))])
        found = [at for at in mobiles if linescan._MOBILE_LOWERED.match(lowered, at)]
        assert found == [hit.start() for hit in linescan._MOBILE_END.finditer(text)], text


def test_the_year_is_four_digits() -> None:
    for line in ["2019", "x 201", "x 2019 y", "١٢٣٤", "12a34", "123", "12345", ""]:
        assert bool(linescan._YEAR.search(line)) == bool(re.search(r"\d{4}", line)), line
