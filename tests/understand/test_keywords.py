"""The keyword looks of keywords.py skip no line a reader would have read.

Each reader that asks ``may_hold`` first must give what it gives without asking:
checked on the corpora of test_cue_needs.py and on posts written to hold every
convention in odd case and spacing, and in non-ASCII text where "ſ" and the Kelvin
sign match "s" and "k" but do not lower to them.
"""

from __future__ import annotations

import pytest

from corrbot.understand import directives, keywords, mapping, tags
from corrbot.understand.conventions import read_conventions
from corrbot.understand.refs import TaskRef
from tests.understand.test_cue_needs import _texts

POSTS = [
    "On behalf of: Ministry X\nALTERNATIVE: do nothing\nCloses: 2024-05-01\n",
    "  decision :  option b. We go with B\nthe note\n\nmore note",
    "Tag: b, #12\nUNTAG: c\ntasks: a, d\nTask: (b)",
    "Mechanism: ICANN; GNSO\nStatus: partially addressing\nGap: no appeal\ngap: none",
    "MECHANISM :RIRs\n STATUS:adequate",
    # Non-ASCII: the patterns match, the lowered text does not show the word.
    "Taſk: b\nTags: c\nDeciſion: A\nMechaniſm: ICANN\nſtatus: adequate\nCloſes: 2024-01-02",
    "Tas\u212a: c\nUntag: #3\nOn behalf of: Café Society",
    "Alternative: x\u2028Decision: return\x85Tag: a\u2029mechanism: IETF",
    "no keyword here: only colons: a: b",
    "tag closes decision behalf alternative mechanism task, but no colon",
    "",
]

TASKS = [TaskRef(key, f"Task {key}") for key in "abcd"]


@pytest.fixture(scope="module")
def texts() -> list[str]:
    return [*POSTS, *_texts()]


def _read(text: str) -> tuple[object, ...]:
    return (read_conventions(text), tags.explicit_task_keys("[a]", text, TASKS))


def test_readers_read_as_without_the_look(
    texts: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    with_look = [_read(text) for text in texts]
    for module in (directives, mapping, tags):
        monkeypatch.setattr(module, "may_hold", lambda text, *words: True)
    without = [_read(text) for text in texts]
    for text, got, expected in zip(texts, with_look, without, strict=True):
        assert got == expected, text[:200]
    # Not vacuous: the written posts hold every convention, some only past the look.
    read = [conventions for conventions, _ in with_look[: len(POSTS)]]
    assert all(c.on_behalf_of for c in read[:1]) and read[1].decision
    assert read[2].tag_correction and read[3].mapping and read[4].mapping
    assert read[5].decision and read[5].closes and with_look[5][1] == ["a", "b"]
    assert with_look[6][1] == ["a", "c"] and read[6].on_behalf_of


@pytest.mark.parametrize(
    ("text", "held"),
    [
        ("Decision: B", True),
        ("DECISION: B", True),
        ("the decisions", True),
        ("Deciſion: B", True),  # "ſ" matches "s": not looked at
        ("Café\nDECISION: B", True),
        ("Café\nDecide: B", False),  # not ASCII, and nothing in it matches another letter
        ("Café\nDecide: B ı", True),  # "ı" matches "i"
        ("Tas\u212a and decision", True),
        ("Decide: B", False),
        ("", False),
    ],
)
def test_may_hold(text: str, held: bool) -> None:
    assert keywords.may_hold(text, "decision") is held


def test_lowered_is_lower() -> None:
    for text in POSTS:
        assert keywords.lowered(text) == text.lower()
