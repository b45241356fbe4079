"""find_mapping and has_mapping_lines."""

from __future__ import annotations

import pytest

from corrbot.understand.mapping import (
    FoundMapping,
    find_mapping,
    has_mapping_lines,
    normalise_status,
)


def test_two_entries_with_status_and_gap() -> None:
    text = """Issue 4

Mechanism: London Action Plan; enforcement authorities
Status: partially addressing
Gap: few members from developing countries

Mechanism: Study Group 17; ITU-T
Status: Not addressing
"""
    assert find_mapping(text) == [
        FoundMapping(
            "London Action Plan",
            "enforcement authorities",
            "partially",
            "few members from developing countries",
        ),
        FoundMapping("Study Group 17", "ITU-T", "not-addressing", None),
    ]


def test_missing_status_is_unknown_and_keys_are_case_insensitive() -> None:
    text = "MECHANISM: Regional Internet Registries\ngap: IPv6 adoption"
    assert find_mapping(text) == [
        FoundMapping("Regional Internet Registries", None, "unknown", "IPv6 adoption")
    ]


def test_lines_before_any_mechanism_are_ignored() -> None:
    text = "Status: addressing\nGap: none\n\nMechanism: UDRP; WIPO\nStatus: addressing"
    assert find_mapping(text) == [FoundMapping("UDRP", "WIPO", "addressing", None)]


def test_several_gap_lines_join() -> None:
    text = "Mechanism: Convention 108\nGap: few parties outside Europe\nGap: no surveillance rules"
    assert find_mapping(text)[0].gap == "few parties outside Europe no surveillance rules"


def test_no_mapping() -> None:
    text = "The existing mechanisms are ICANN and the ITU.\nStatus: see my previous mail"
    assert find_mapping(text) == []
    assert not has_mapping_lines(text)
    assert not has_mapping_lines("Mechanism:   ")


def test_has_mapping_lines() -> None:
    assert has_mapping_lines("Dear all,\n  Mechanism: IGF\n")


@pytest.mark.parametrize(
    ("written", "status"),
    [
        ("addressing", "addressing"),
        ("Addressed", "addressing"),
        ("adequately addressing", "addressing"),
        ("fully addressing", "addressing"),
        ("yes", "addressing"),
        ("partially", "partially"),
        ("partial", "partially"),
        ("partially addressing", "partially"),
        ("partly", "partially"),
        ("not adequately addressing", "partially"),
        ("inadequate", "partially"),
        ("not-addressing", "not-addressing"),
        ("not addressing", "not-addressing"),
        ("Not addressed.", "not-addressing"),
        ("no", "not-addressing"),
        ("none", "not-addressing"),
        ("unknown", "unknown"),
        ("unclear", "unknown"),
        ("", "unknown"),
        (None, "unknown"),
    ],
)
def test_normalise_status(written: str | None, status: str) -> None:
    assert normalise_status(written) == status
