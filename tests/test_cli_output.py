"""How the command line lays out what it prints: one line per table row, full attributions."""

from __future__ import annotations

import pytest

from corrbot.cli.referrals import _holder
from corrbot.cli.table import print_table
from corrbot.holders import Holder


def test_a_multi_line_value_keeps_its_table_row_on_one_line(
    capsys: pytest.CaptureFixture[str],
) -> None:
    print_table(
        ("option", "text", "supporters"),
        [["A", "We propose the group map spam first.\n\n  Alice\r\n", "Alice Gov"], ["B", "x", ""]],
    )
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 4  # header, rule, two rows
    assert "We propose the group map spam first. Alice  " in lines[2]
    assert lines[2].rstrip().endswith("Alice Gov")
    assert lines[3].startswith("B ")


def test_long_values_are_cut_with_an_ellipsis(capsys: pytest.CaptureFixture[str]) -> None:
    print_table(("text",), [["x" * 30]], max_width=10)
    assert capsys.readouterr().out.splitlines()[2] == "x" * 9 + "…"


@pytest.mark.parametrize(
    ("org", "behalf", "shown"),
    [
        ("", "", "Carol CS (civil-society)"),
        ("Ministry", "", "Carol CS (Ministry, civil-society)"),
        ("", "Best Bits", "Carol CS (civil-society), on behalf of Best Bits"),
    ],
)
def test_referral_holders_name_the_organisation_they_wrote_for(
    org: str, behalf: str, shown: str
) -> None:
    holder = Holder("Carol CS", "carol@cs.example", org, "civil-society", behalf, "")
    assert _holder(holder) == shown
