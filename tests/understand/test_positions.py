"""find_position: vote lines, Position: lines, first-line sentences, conflicts."""

from __future__ import annotations

import pytest

from corrbot.understand.positions import FoundPosition, find_position

SUP, OBJ, ABS = "support", "object", "abstain"

CASES: list[tuple[str, str, FoundPosition | None]] = [
    ("plus one", "+1", FoundPosition(SUP)),
    (
        "minus one with reasons",
        "-1\n\nThe title is too narrow to cover surveillance.",
        FoundPosition(OBJ),
    ),
    ("zero", "0\nWe have no instructions from capital yet.", FoundPosition(ABS)),
    ("plus one with option", "+1 B", FoundPosition(SUP, "B")),
    ("plus one option in brackets", "+1 (option c)", FoundPosition(SUP, "C")),
    ("position line", "Dear all,\n\nPosition: support\n\nRegards", FoundPosition(SUP)),
    ("position with option", "Position: support option B", FoundPosition(SUP, "B")),
    ("position short option", "Position: support B", FoundPosition(SUP, "B")),
    ("position object", "position: OBJECT", FoundPosition(OBJ)),
    ("position abstain", "Position: abstain", FoundPosition(ABS)),
    ("position object to option", "Position: object to option A", FoundPosition(OBJ, "A")),
    ("I support", "I support the proposal as drafted.", FoundPosition(SUP)),
    (
        "I support option",
        "I support option B, which reflects our concerns.",
        FoundPosition(SUP, "B"),
    ),
    ("I agree", "I agree with Jaap.", FoundPosition(SUP)),
    ("I fully agree", "I fully agree with the coordinators.", FoundPosition(SUP)),
    ("I object", "I object to listing the GAC as a mechanism.", FoundPosition(OBJ)),
    ("I disagree", "I disagree: the issue is broader.", FoundPosition(OBJ)),
    ("I abstain", "I abstain on this item.", FoundPosition(ABS)),
    ("I can live with", "I can live with option C.", FoundPosition(SUP, "C")),
    ("I do not object", "I do not object to the proposal.", FoundPosition(SUP)),
    ("I cannot support", "I cannot support this wording.", FoundPosition(OBJ)),
    ("after a salutation", "Dear colleagues,\n\nI support option A.", FoundPosition(SUP, "A")),
    ("same stance twice", "+1\n\nPosition: support", FoundPosition(SUP)),
    ("option from one line", "+1\nPosition: support option B", FoundPosition(SUP, "B")),
    ("sentence not on first line", "Thanks for the summary.\nI object to item 3.", None),
    ("minus one in prose", "The vote was -1 in the end, or so I heard.", None),
    ("list item", "- 1. ICANN\n- 2. ITU", None),
    ("numbered list", "1. first\n0. zero", None),
    ("date", "Closes: 2013-12-15", None),
    ("position unknown word", "Position: maybe", None),
    ("empty", "", None),
]


@pytest.mark.parametrize(("label", "text", "expected"), CASES, ids=[c[0] for c in CASES])
def test_find_position(label: str, text: str, expected: FoundPosition | None) -> None:
    reading = find_position(text)
    assert reading.position == expected
    assert reading.conflict is None


@pytest.mark.parametrize(
    "text",
    [
        "+1\n\nOn reflection, though:\n-1",
        "I support the proposal.\n\nPosition: object",
        "Position: support option B\nPosition: support option C",
        "0\n+1",
    ],
)
def test_conflicts_name_the_lines(text: str) -> None:
    reading = find_position(text)
    assert reading.position is None
    assert reading.conflict is not None
    assert "line 1" in reading.conflict
    assert "contradictory" in reading.conflict
