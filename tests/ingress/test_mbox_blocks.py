"""read_mbox reads in blocks: a From_ line cut across two blocks changes nothing."""

from __future__ import annotations

import io

import pytest

from corrbot.ingress import files
from corrbot.ingress.files import read_mbox

DATA = (
    b"\n \npreamble\n>From kept\n\n"
    b"From a@x Thu Jan  1 00:00:00 1970\r\nSubject: one\r\n\r\n>From the start\r\n\r\n"
    b"From b@x Thu Jan  1 00:00:00 1970\n"
    b"From c@x Thu Jan  1 00:00:00 1970\nSubject: three\n\n>>From deeper\nlast"
)
EXPECTED = [
    b"preamble\nFrom kept\n",
    b"Subject: one\r\n\r\nFrom the start\r\n",
    b"",
    b"Subject: three\n\n>From deeper\nlast",
]


@pytest.mark.parametrize("block", [1, 2, 5, 6, 7, 64, 1 << 17])
def test_messages_are_the_same_whatever_the_block_size(
    block: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(files, "_BLOCK", block)
    assert list(read_mbox(io.BytesIO(DATA))) == EXPECTED


def test_a_file_ending_inside_a_from_line_ends_with_an_empty_message() -> None:
    assert list(read_mbox(io.BytesIO(b"From a\nx\n\nFrom b"))) == [b"x\n", b""]
