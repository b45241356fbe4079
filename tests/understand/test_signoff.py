"""A sign-off naming the sender is left out where their words are quoted to the chair."""

from __future__ import annotations

import pytest

from corrbot.understand.signoff import without_signoff

CASES: list[tuple[str, str, str | None, str | None, str]] = [
    (
        "closing and name",
        "We propose to map spam first.\n\nBest regards,\nAna",
        "Ana Carvalho",
        "ana@example.org",
        "We propose to map spam first.",
    ),
    (
        "name alone",
        "We propose to map spam first.\n\nAna",
        "Ana Carvalho",
        None,
        "We propose to map spam first.",
    ),
    (
        "name, then an organisation",
        "-1\nToo broad.\n\nCheers,\nBo\nAPNIC",
        "Bo Chen",
        None,
        "-1\nToo broad.",
    ),
    (
        "initials with a dash, name from the address",
        "The LAP covers it.\n\n– K. Weber",
        None,
        "k.weber@telco.example.de",
        "The LAP covers it.",
    ),
    (
        "a sentence naming the sender stays",
        "First point.\n\nAna and I disagree with the timetable.",
        "Ana",
        None,
        "First point.\n\nAna and I disagree with the timetable.",
    ),
    (
        "a sentence before the name stays",
        "First point.\n\nWe should wait.\nAna",
        "Ana",
        None,
        "First point.\n\nWe should wait.\nAna",
    ),
    (
        "one paragraph only: nothing to tell it by",
        "Map spam first\nAna",
        "Ana",
        None,
        "Map spam first\nAna",
    ),
    (
        "a closing without the name stays",
        "First point.\n\nThanks",
        "Ana",
        None,
        "First point.\n\nThanks",
    ),
    (
        "someone else's name stays",
        "We agree with the proposal.\n\nBest regards,\nLéa",
        "Ana",
        None,
        "We agree with the proposal.\n\nBest regards,\nLéa",
    ),
]


@pytest.mark.parametrize(
    ("label", "text", "name", "address", "expected"), CASES, ids=[c[0] for c in CASES]
)
def test_without_signoff(
    label: str, text: str, name: str | None, address: str | None, expected: str
) -> None:
    assert without_signoff(text, name, address) == expected
