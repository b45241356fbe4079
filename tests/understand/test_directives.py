"""on_behalf_of, alternatives, closes, decision, tag_correction."""

from __future__ import annotations

import datetime

import pytest

from corrbot.understand.directives import (
    Decision,
    TagCorrection,
    alternatives,
    closes,
    decision,
    on_behalf_of,
    tag_correction,
)


def test_on_behalf_of() -> None:
    text = "Dear all,\n\nOn behalf of: Association for Progressive Communications\n\n+1"
    assert on_behalf_of(text) == "Association for Progressive Communications"
    assert on_behalf_of("ON BEHALF OF:   G77 and China  ") == "G77 and China"
    assert on_behalf_of("I write on behalf of my delegation.") is None
    assert on_behalf_of("On behalf of:") is None


def test_alternatives() -> None:
    text = (
        "-1 on the wording.\n\nAlternative: Rename the issue to 'Human rights online'\n"
        "alternative: Keep the title and add a description\nAlternative:"
    )
    assert alternatives(text) == [
        "Rename the issue to 'Human rights online'",
        "Keep the title and add a description",
    ]
    assert alternatives("No alternatives here.") == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Closes: 2013-12-15", datetime.date(2013, 12, 15)),
        ("Proposal text.\n\ncloses:2014-01-10\n", datetime.date(2014, 1, 10)),
        ("Closes: 2013-12-15T17:00", datetime.date(2013, 12, 15)),
        ("Closes: 2013-02-30", None),
        ("Closes: 15 December 2013", None),
        ("Closes: soon", None),
        ("It closes on 2013-12-15.", None),
        ("", None),
    ],
)
def test_closes(text: str, expected: datetime.date | None) -> None:
    assert closes(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Decision: B", Decision("B", "")),
        (
            "Decision: b\n\nThe full group preferred the broader title.\nNoted by the Chair.",
            Decision("B", "The full group preferred the broader title.\nNoted by the Chair."),
        ),
        ("Decision: option C", Decision("C", "")),
        (
            "Decision: return\nPlease discuss the scope again.",
            Decision("return", "Please discuss the scope again."),
        ),
        ("Decision: RETURN - not ripe", Decision("return", "not ripe")),
        (
            "Decision: A. Agreed at the third meeting.",
            Decision("A", "Agreed at the third meeting."),
        ),
        ("Decision: later", None),
        ("No decision yet.", None),
    ],
)
def test_decision(text: str, expected: Decision | None) -> None:
    assert decision(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Tag: b, #12", TagCorrection(("b", "#12"), ())),
        ("Untag: c", TagCorrection((), ("c",))),
        ("Tag: B #4 12\nUntag: d, #3", TagCorrection(("b", "#4", "#12"), ("d", "#3"))),
        ("Tags: a\nTag: a", TagCorrection(("a",), ())),
        ("Tag: nonsense", TagCorrection((), ())),
        ("Please tag this as b.", None),
    ],
)
def test_tag_correction(text: str, expected: TagCorrection | None) -> None:
    assert tag_correction(text) == expected
