"""quotes' judging of one line, the joins of an attribution and the tidying of the kept
lines give what the plainer code they replaced gave.

_attribution reads the opening of a line in two searches and knows the hint of a
join from its first line; attribution_match tries on an ASCII line ending on no verb
only the patterns that end on anything, behind a gate for the two slow ones;
_divider_ends_text walks the judged lines along with the lines; _tidy copies the
lines between the gaps whole. Each test holds one of them to the code before it
(kept here) on lines and texts built to reach its edges.
"""

from __future__ import annotations

import itertools
import random
import re
from bisect import bisect_left
from collections.abc import Sequence

import pytest

from corrbot.understand import markers as m
from corrbot.understand import quotes as q

_OLD_OPENER = re.compile(
    r"^[\s>*-]*(?:on|at|le|el|em|am|op|il|den|dnia|在|في)\s|\d{4}|\d:\d\d|@", re.IGNORECASE
)


def _old_attribution(lines: list[str], i: int) -> int:
    # quotes._attribution before the opening was split and the hint carried.
    if m.QUOTE.match(lines[i]) and not m.QUOTE.match(lines[i].lstrip(" >*-")):
        return 0
    first = lines[i].strip()
    if len(first) > 200 or first.startswith(("+", "@@")) or q._PATCH_MINUS.match(first):
        return 0
    may_wrap = bool(_OLD_OPENER.search(first)) and not q._ends_sentence(first)
    if not may_wrap and not m.attribution_hint(first):
        return 0
    parts: list[str] = []
    found = 0
    j = i
    while j < len(lines) and len(parts) < q._MAX_ATTRIBUTION_LINES:
        if lines[j].strip():
            parts.append(lines[j].strip())
            joined = " ".join(parts)
            if len(joined) > 300:
                break
            if len(parts) > 1 and (not may_wrap or q._ends_sentence(parts[-2])):
                break
            lowered = joined.lower()
            if (
                m.attribution_hint(joined, lowered)
                and _plain_match(joined)
                and q._evidence(joined, lines, j + 1)
            ):
                found = j - i + 1
        elif len(parts) == 1 and j - i > 2:
            break
        j += 1
    return found


def _plain_match(line: str) -> bool:
    # Every attribution pattern whose words occur.
    lowered = line.lower()
    return any(
        pattern.match(line)
        for pattern, needs in zip(m.ATTRIBUTION, m.ATTRIBUTION_NEEDS, strict=True)
        if any(word in lowered for word in needs)
    )


ATTRIBUTIONS = [
    "On Mon, Nov 18, 2013 at 10:02 AM, Coordinator <coordinator@example.org> wrote:",
    "On Tue, Jun 12, 2018 at 01:40:30PM +0800, Songjun Wu",
    "wrote:",
    "Bob wrote on Mon, 12 Nov 2013:",
    "Bob wrote\ton\tMon, 12 Nov 2013",
    "Alice WROTE  ON the 12th",
    "2013/7/20 sam <s@x.org>",
    "2013/7/20 sam <s@x.org> >",
    "* Copyright (C) 2018 Foo <foo@bar.com>",
    "Signed-off-by: A <a@b.c>",
    "Cc: 2019 <x@y.org>:",
    "Le 18 nov. 2013, Jean nous a",
    "dit :",
    "Am 18.11.2013 um 10:02 schrieb Hans <h@x.de>:",
    "Den 18. nov. 2013 skrev Ola <o@x.no>:",
    "2015-10-18 0:17 GMT+03:00 Matt <m@x.org>:",
    "18.11.2013 10:02, Иван <i@x.ru> написал:",
    "On this day I wrote something.",
    "As Ralf said, 1234 is fine",
    "ΑΣ' wrote:",
    "On Mon, Alice ſaid:",
    # No hint in either, but the date-then-address pattern matches their join: the
    # hint of a join must still be read (its address is too far from the year).
    "On 2019 x",
    "<" + "a" * 120 + "@b.c>",
]
QUOTED = ["> quoted text", "> Alice wrote:", "> <a@b.c>", ">", "> 2019 x", "> said."]
OTHER = ["", "Hi,", "Thanks.", "+foo said", "-bar wrote", "@@ -1 +1 @@", "x" * 210, "-- "]


def _line_lists(count: int, seed: int) -> list[list[str]]:
    pool = ATTRIBUTIONS + QUOTED + OTHER
    rnd = random.Random(seed)
    out = []
    for _ in range(count):
        lines = [rnd.choice(pool) for _ in range(rnd.randint(1, 9))]
        if rnd.random() < 0.3:
            lines = [rnd.choice(["", " ", "\t", "> "]) + line for line in lines]
        out.append(lines)
    return out


@pytest.mark.parametrize(
    "line",
    [
        *(a + b for a, b in itertools.product(("", " ", "> ", "*-", "\t"), ATTRIBUTIONS)),
        *("on x", "ON\tx", "Il y", "dnia 1", "den x", "12:30", "1:3", "abc@", "١٢٣٤", "onx"),
        *("在 2013", "في x", "İl x", "ıl x", "x 2019", "x 201", "x\u00a0on y", ">>On x"),
    ],
)
def test_the_opening_is_what_the_one_search_found(line: str) -> None:
    assert q._opens(line) == bool(_OLD_OPENER.search(line))


def test_an_attribution_spans_what_it_spanned() -> None:
    for lines in _line_lists(6000, 3):
        for i in range(len(lines)):
            assert q._attribution(lines, i) == _old_attribution(lines, i), (lines, i)


@pytest.mark.parametrize("first", ATTRIBUTIONS)
def test_a_join_holds_the_hint_of_its_first_line(first: str) -> None:
    # What _attribution takes for granted when the first line holds it.
    if not m.attribution_hint(first):
        return
    for rest in QUOTED + OTHER + ["Σ", "'Σ x", "\u0345", "ς"]:
        assert m.attribution_hint(first + " " + rest)


@pytest.mark.parametrize(
    "tail",
    [
        *("", ":", " >", " > quoted text", " wrote on Mon", " wrote\ton\tMon, 1 Jan", " >  >"),
        *(" <a@b.c>", " <a@b.c>:", " <a@b.c> > -", " <a@b.c> x", " <a@b.c>>", " <a@b.c>\x1c"),
        *(" 2019 bob <a@b.c>", " 2019 bob <a@b.c> :*", " 2019 bob <a@b.c>: x"),
    ],
)
def test_the_gated_patterns_match_what_every_pattern_matched(tail: str) -> None:
    for head in ATTRIBUTIONS:
        for line in (head + tail, head.upper() + tail, "> " + head + tail):
            assert m.attribution_match(line) == _plain_match(line), line


def _old_divider_ends_text(lines: list[str], i: int, judged: Sequence[int]) -> bool:
    def is_judged(j: int) -> bool:
        at = bisect_left(judged, j)
        return at < len(judged) and judged[at] == j

    following = q._next_nonblank(lines, i + 1)
    if following is None:
        return True
    if is_judged(following) and q._embedded_start(lines, following):
        return True
    count = 0
    for j in range(i + 1, len(lines)):
        line = lines[j]
        if not line.strip():
            continue
        if m.QUOTE.match(line) or (
            is_judged(j) and (q._attribution(lines, j) or q._embedded_start(lines, j))
        ):
            break
        if q._CONVENTION.match(line):
            return False
        count += 1
        if count > q._MAX_SIGNATURE_LINES:
            return False
    return True


def test_a_divider_ends_the_text_where_it_did() -> None:
    pool = [*ATTRIBUTIONS, *QUOTED, *OTHER, "---", "From: A <a@b.c>", "To: x", "Sent: y"]
    pool += [" arch/mips/x.c | 2 +-", "Tasks: 1", "+1", "0", "Paul"]
    rnd = random.Random(5)
    for _ in range(4000):
        lines = ["---", *(rnd.choice(pool) for _ in range(rnd.randint(0, 12)))]
        judged = sorted(rnd.sample(range(len(lines)), rnd.randint(0, len(lines))) * 2)
        old = _old_divider_ends_text(lines, 0, judged)
        assert q._divider_ends_text(lines, 0, judged) == old, (lines, judged)


def _old_tidy(kept: list[str | None]) -> str:
    lines: list[str] = []
    gap = False
    for line in kept:
        if line is None:
            gap = True
            while lines and not lines[-1].strip():
                lines.pop()
            continue
        if gap:
            if not line.strip():
                continue
            gap = False
            if lines:
                lines.append("")
        lines.append(line)
    while lines and not q._WORD.search(lines[-1]) and not q._FENCE.match(lines[-1]):
        lines.pop()
    while lines and not lines[0].strip():
        lines.pop(0)
    return "\n".join(lines)


def test_tidying_gives_what_the_line_by_line_loop_gave() -> None:
    rnd = random.Random(9)
    pool: list[str | None] = [None, None, "", " ", "\t", "text", "--", "```", "x y", "_"]
    for _ in range(20000):
        items = [rnd.choice(pool) for _ in range(rnd.randint(0, 12))]
        kept = q.Kept()
        for item in items:
            if item is None:
                kept.gap()
            else:
                kept.append(item)
        assert q._tidy(kept) == _old_tidy(items), items


def test_the_year_then_address_hint_is_the_plain_pattern() -> None:
    plain = re.compile(r"\d{4}.{0,100}@")
    rnd = random.Random(2)
    pieces = ["2019", "12", "3", "@", "a@b", "x" * 40, "x" * 97, " ", "\n", "@@", "٣٤٥٦"]
    for _ in range(20000):
        line = "".join(rnd.choice(pieces) for _ in range(rnd.randint(0, 8)))
        assert bool(m._YEAR_THEN_ADDRESS.search(line)) == bool(plain.search(line)), line


@pytest.mark.parametrize("word", m.ATTRIBUTION_WORDS.pattern.split("|"))
def test_the_hint_finds_each_word_where_the_plain_alternation_does(word: str) -> None:
    for before, after in itertools.product(("", "x", "s", "e ", "a", word[:-1]), ("", "s", " x")):
        for line in (before + word + after, before + word[:-1] + after, before + word[1:]):
            assert m.attribution_hint(line) == bool(m.ATTRIBUTION_HINT.search(line)), line


def test_no_invisible_character_is_latin_1() -> None:
    # new_text skips the search for them in a Latin-1 text.
    assert all(ord(char) > 0xFF for char in q._INVISIBLE.pattern.strip("[]"))
    assert q.new_text("é\u200b\n\u00a0x\ufeff") == "é\n\u00a0x"
    assert q._latin1("é\u00ff") and not q._latin1("é\u0100") and q._latin1("")


def test_a_blank_text_is_what_strip_leaves_empty() -> None:
    blanks = [chr(code) for code in range(0x3001) if not chr(code).strip()]
    for text in ["", *blanks, " \n\t\u3000", "\u200b", " x "]:
        wanted = "html" if not text.strip() else q.new_text(text)
        assert q.new_text(text, "<p>html</p>") == wanted, repr(text)


def test_a_sentence_ends_where_the_search_finds_its_end() -> None:
    plain = re.compile(r"(?:[^\W\d]{3}[.!?]|[!?])$")
    tails = ["", ".", "!", "?", "a.", "abc.", "ab1.", "éßü.", "a_b.", "x!", "x?", "x;", "..."]
    for head, tail in itertools.product(["", "x", "Yes", "1234", " "], tails):
        text = head + tail
        assert q._ends_sentence(text) == (plain.search(text[-4:]) is not None), text
