"""read_conventions' one search for the lines its readers read gives what the
readers give on their own.

For a text whose only line boundary is "\\n" and that holds no character re.I
matches with another ASCII letter, read_conventions finds where a vote or another
reader's key begins a line in the lowered text, tries only those lines for a
position and calls the other readers only when one of their keys begins a line.
Checked against every reader on the whole text (_read_each without a position)
on the corpora of test_cue_needs.py and on posts holding every convention.
"""

from __future__ import annotations

import itertools

import pytest

from corrbot.understand import conventions, positions
from corrbot.understand.conventions import _line_starts, _read_each, read_conventions
from corrbot.understand.keywords import LineStarts
from tests.understand.test_cue_needs import _texts

# One line of each reader, each key spelt as the readers' re.I patterns allow.
CONVENTIONS = [
    "On behalf of: ACME",
    "  ON \t BEHALF  OF :G77",
    "Alternative: do nothing",
    "\tALTERNATIVE : keep it",
    "Closes: 2020-01-15",
    "closes:2021-02-03T10:00",
    "Decision: B",
    "  decision : return, with a note",
    "Tag: b, #2",
    "TAGS: [c] and #02",
    "Untag: c",
    "untags : #3",
    "Mechanism: ICANN; GNSO",
    " MECHANISM :RIRs",
]
OTHERS = [
    "+1",
    "-1 B",
    "0",
    "Position: support option B",
    "I support option A.",
    "Dear all,",
    "Status: partially",
    "Gap: none",
    "tagged: not a tag line",
    "alternatively: not one either",
    "",
    "\xa0 +1",
    "Café au lait",
]


def _posts() -> list[str]:
    posts = ["\n".join(lines) for lines in itertools.permutations(OTHERS[:7], 3)]
    for line, other in itertools.product(CONVENTIONS, OTHERS):
        posts += [f"{line}\n{other}", f"{other}\n{line}\n", f"Hello\n\n{line}\n{other}"]
    return posts


@pytest.fixture(scope="module")
def texts() -> list[str]:
    return [*_posts(), *_texts()]


def test_conventions_read_as_each_reader(texts: list[str]) -> None:
    fast = 0
    for text in texts:
        for variant in (text, text.replace("\r\n", "\n").replace("\r", "\n")):
            assert read_conventions(variant) == _read_each(variant), variant[:200]
            fast += _line_starts(variant) is not None
    assert fast > len(texts)  # not vacuous: most texts take the one search


@pytest.mark.parametrize("line", CONVENTIONS)
def test_each_key_calls_its_reader(line: str) -> None:
    text = f"Thanks.\n{line}\n+1"
    assert _line_starts(text) is not None
    read = read_conventions(text)
    assert read == _read_each(text)
    assert read != conventions.Conventions(text, None, (), None, None, None, read.position, ())


@pytest.mark.parametrize(
    "text",
    [
        "Deciſion: A\n+1",  # "ſ" lowers to itself, yet re.I matches it with "s"
        "Tas\u212a: a\nTag: b",
        "MECHANİSM: IETF",  # "İ" lowers to two characters
        "Alternative: x\r\nClosing",
        "+1\u2028Decision: B",
    ],
)
def test_texts_the_lowered_text_misreads_are_read_whole(text: str) -> None:
    assert _line_starts(text) is None
    assert read_conventions(text) == _read_each(text)


def test_position_at_tries_only_the_starts_given() -> None:
    text = "Hi all,\n+1\nAlternative: x\n  -1 B"
    starts = _line_starts(text)
    assert starts == [8, 11, 26]
    assert positions.position_at(text, starts) == positions.find_position(text)
    assert positions.position_at(text, [8]).position == positions.FoundPosition("support")


def test_the_blanks_before_a_key_are_taken_whole(texts: list[str]) -> None:
    # No key starts with a blank, so none needs to be given back.
    keys = [*positions.VOTE_KEYS.split("|"), *conventions._OTHER_KEYS.split("|")]
    assert not any(key[0].isspace() or key.startswith("\\s") for key in keys)
    given_back = LineStarts("[^\\S\\n]*(?:" + "|".join(keys) + ")")
    lines = [f"x\n{blank}{line}" for blank in ("", " \t", "\xa0") for line in OTHERS]
    for text in [*texts, *lines]:
        assert conventions._STARTS(text.lower()) == given_back(text.lower()), text
