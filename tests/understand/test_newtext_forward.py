"""markers.FORWARD_ANY reads the edge and the dashes once; it matches what the plain
alternation of every forward marker after the edge matched."""

from __future__ import annotations

import itertools
import re

import pytest

from corrbot.understand import markers as m

# Each marker on its own after _EDGE_L, as FORWARD_ANY was built before.
PLAIN = re.compile("|".join(f"(?:^[\\s>*\\-]*{start})" for start in m.FORWARD_STARTS), re.I)

PIECES = [
    *("-", "--", "---", "-" * 70, " ", "\t", ">", "*", "\u00a0", "x", ":"),
    *("forwarded message", "Original Message", "reply message", "message d'origine"),
    *("Ursprüngliche Nachricht", "mensaje reenviado", "原始邮件", "Oorspronkelijk bericht"),
    *("begin forwarded message:", "Début du message transféré :", "inicio del mensaje reenviado:"),
]


@pytest.mark.parametrize("first", PIECES)
def test_forward_any_matches_what_each_marker_matched(first: str) -> None:
    for rest in itertools.product(PIECES, repeat=2):
        line = first + "".join(rest)
        assert bool(m.FORWARD_ANY.match(line)) == bool(PLAIN.match(line)), line


@pytest.mark.parametrize(
    "line",
    [
        "---------- Forwarded message ---------",
        "-----Original Message-----",
        "> -- Original Message --",
        "* - -- Forwarded message --",
        "--- Ursprüngliche Nachricht ---",
        "-------- Исходное сообщение --------",
        "Begin forwarded message:",
        "-Original Message-",
        "- Forwarded message --",
        "-" * 200,
        "-" * 200 + "+" * 10,
    ],
)
def test_forward_markers_and_lines_of_dashes(line: str) -> None:
    assert bool(m.FORWARD_ANY.match(line)) == bool(PLAIN.match(line))
