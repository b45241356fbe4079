"""The fast paths of the line conventions read what the plain line loops read.

find_position looks only at the lines that can hold a vote or a ``Position:``
line when "\\n" is a text's only line boundary; the directives and mapping
readers skip a text that is not ASCII when its lowered form lacks their keyword
and it holds no character re.I matches with another letter (keywords.may_hold).
Both are checked against the plain reading on the corpora of test_cue_needs.py
and on lines written to hit every pattern edge.
"""

from __future__ import annotations

import itertools
import re

import pytest

from corrbot.understand import directives, keywords, mapping, positions
from corrbot.understand.conventions import read_conventions
from tests.understand.test_cue_needs import _texts

LINES = [
    "+1",
    " -1 ",
    "\t0.",
    "+1 (option c)!",
    "-1 [B]",
    "\xa0+1",
    "\u3000 0",
    "\x1f-1",
    "+10",
    "0x10 is a register",
    "01",
    "+ 1",
    "Position: support option B",
    "  POSITION : object to A",
    "Poſition: abstain",
    "posıtıon: support",
    "position: maybe",
    "Dear colleagues,",
    "Hi all,",
    "I support option B.",
    "I do not object.",
    "Thanks for the summary.",
    "Mechanism: ICANN; GNSO",
    "Status: partially",
    "",
    "   ",
]
POSTS = [
    "\n".join(lines)
    for lines in itertools.chain(
        itertools.permutations(LINES[:6], 3),
        itertools.permutations([LINES[12], LINES[13], LINES[17], LINES[19], LINES[24]], 4),
        [LINES, LINES[::-1], LINES[14:] + LINES[:14]],
    )
]
POSTS += [post + "\n" for post in POSTS[:40]] + ["", "\n", "\n\n+1", "+1\n\n"]


@pytest.fixture(scope="module")
def texts() -> list[str]:
    return [*POSTS, *_texts()]


def test_position_reads_as_the_line_loop(texts: list[str]) -> None:
    read = 0
    for text in texts:
        for variant in (text, text.replace("\r\n", "\n").replace("\r", "\n")):
            got = positions.find_position(variant)
            assert got == positions._read(variant.splitlines()), variant[:200]
            read += got.position is not None or got.conflict is not None
    assert read > 100  # not vacuous: many texts hold a position or a conflict


@pytest.mark.parametrize("newline", ["\r\n", "\r", "\x0b", "\x0c", "\x1c", "\x85", "\u2028"])
def test_position_with_other_line_boundaries(newline: str) -> None:
    text = f"Dear all,{newline}I support option B.{newline}-1"
    assert not positions.newlines_only(text)
    reading = positions.find_position(text)
    assert reading == positions._read(text.splitlines())
    assert reading.conflict and "line 3" in reading.conflict


def test_newlines_only() -> None:
    assert positions.newlines_only("a\nb\n")
    assert positions.newlines_only("café\n\u3000+1")
    assert not positions.newlines_only("café\u2029+1")
    assert not positions.newlines_only("a\r\nb")


def test_first_line_and_line_numbers() -> None:
    text = "  +1 B\nthe reasons\n\nPosition: object\n0"
    reading = positions.find_position(text)
    assert reading.conflict == (
        "contradictory positions: line 1 '+1 B' says support option B; "
        "line 4 'Position: object' says object; line 5 '0' says abstain"
    )


def test_folding_characters_are_all_re_ignorecase_adds() -> None:
    # Every character outside ASCII that re.I matches with an ASCII letter.
    others = "".join(chr(c) for c in range(0x80, 0x110000) if not 0xD800 <= c < 0xE000)
    for letter in "abcdefghijklmnopqrstuvwxyz":
        found = "".join(re.findall(letter, others, re.I))
        assert found == keywords.ASCII_FOLDS.get(letter, ""), letter


WIDE = [
    "Café\nOn behalf of: Société X\nAlternative: ne rien faire\nCloses: 2024-05-01",
    "Grüße\n  DECISION : option b. note\nmore",
    "Ünïcode\nTag: b, #12\nUNTAG: c",
    "Ünïcode\nMechanism: ICANN; GNSO\nStatus: partially\nGap: keine",
    "Deciſion: return\nMechaniſm: IETF\nCloſes: 2024-01-02\nAlternatıve: x",
    "Tas\u212a: c\nUntag: #3\nOn behalf of: Café Society",
    "DECİSİON: A\nMECHANİSM: RIRs",
    "Café: no keyword here: only colons",
]


def test_readers_read_non_ascii_posts_as_without_the_look(
    texts: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    wide = [*WIDE, *(text for text in texts if not text.isascii())]
    got = [read_conventions(text) for text in wide]
    for module in (directives, mapping):
        monkeypatch.setattr(module, "may_hold", lambda text, *words: True)
    for text, read in zip(wide, got, strict=True):
        assert read == read_conventions(text), text[:200]
    assert all(read.on_behalf_of for read in (got[0], got[5])) and got[1].decision
    assert got[2].tag_correction and got[3].mapping and got[4].decision and got[4].closes
    assert got[5].tag_correction and got[6].decision
