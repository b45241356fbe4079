"""parse_bytes gives what ``BytesParser(policy=compat32)`` gives, on every corpus message.

Its quick path for single-part mail must build the very same Message (headers,
envelope line, payload, defects); every other message goes to the standard
parser. Corpora are read from ../shared/corpora, never copied.
"""

from __future__ import annotations

from email.message import Message
from email.parser import BytesParser
from email.policy import compat32
from pathlib import Path

import pytest

from corrbot.ingress.files import read_mbox
from corrbot.pipeline.parse_bytes import _headed, parse_bytes

ROOT = Path(__file__).resolve().parents[2]
CORPORA = ROOT.parent / "shared" / "corpora"


def _single_part(data: bytes) -> Message | None:
    """parse_bytes' own build of a plain single-part message; None when it leaves the
    message to the feed parser (or, a multipart, to _split_parts)."""
    message = _headed(data.decode("ascii", "surrogateescape"))
    if message is None or message.get_content_maintype() in ("message", "multipart"):
        return None
    return message


def _standard(data: bytes) -> Message:
    return BytesParser(policy=compat32).parsebytes(data)


def _same(quick: Message, standard: Message) -> bool:
    """Equal in every attribute, parts compared alike, defects by type."""
    mine, theirs = dict(vars(quick)), dict(vars(standard))
    mine_defects, their_defects = mine.pop("defects"), theirs.pop("defects")
    if [type(d) for d in mine_defects] != [type(d) for d in their_defects]:
        return False
    mine_parts, their_parts = mine.pop("_payload"), theirs.pop("_payload")
    if isinstance(mine_parts, list) and isinstance(their_parts, list):
        if len(mine_parts) != len(their_parts):
            return False
        if not all(_same(a, b) for a, b in zip(mine_parts, their_parts, strict=True)):
            return False
    elif mine_parts != their_parts:
        return False
    return mine == theirs


def _corpus() -> tuple[list[bytes], list[bytes]]:
    """The linux-mips messages, and every other corpus file read as one message."""
    mbox = CORPORA / "linux-mips" / "linux-mips-1k.mbox"
    if not CORPORA.is_dir() or not mbox.exists():
        pytest.skip("../shared/corpora is not here")
    with mbox.open("rb") as fh:
        found = list(read_mbox(fh))
    # Every other file is one message (the malformed and reply corpora).
    others = (p for p in sorted(CORPORA.rglob("*")) if p.is_file() and p.suffix != ".mbox")
    return found, [p.read_bytes() for p in others]


def test_every_corpus_message_parses_as_the_standard_parser_does() -> None:
    mips, others = _corpus()
    quick_taken = 0
    for place, raw in enumerate(mips + others):
        quick = _single_part(raw)
        if quick is not None:
            quick_taken += place < len(mips)
            assert _same(quick, _standard(raw)), raw[:200]
        assert _same(parse_bytes(raw), _standard(raw))
    # The quick path is really taken: most linux-mips mail is single-part.
    assert quick_taken > len(mips) * 0.9


HEAD = b"From: a@example.org\nSubject: hi\n"


@pytest.mark.parametrize(
    "raw",
    [
        HEAD + b"\nbody\n",
        HEAD + b"\n",  # empty body
        b"From: a@example.org\r\nSubject: hi\r\n\r\nbody\r\n",  # CRLF
        b"From someone@example.org Mon Jan  1 00:00:00 2024\n" + HEAD + b"\nbody",
        b"Subject: folded\n  over two\n\tlines\nTo: b@example.org\n\nbody",
        b"Subject:\n continuation only\n\nx",
        b"Subject:   \t spaced\n\n",
        b"X-8bit: caf\xc3\xa9\nSubject: \xff\n\nbody \xfe\n",
        b"Content-Type: text/html; charset=utf-8\n\n<p>x</p>",
        b"Content-Type: multipart\n\nnot really multipart",  # no "/": text/plain
    ],
)
def test_quick_path_equals_standard_parser(raw: bytes) -> None:
    quick = _single_part(raw)
    assert quick is not None
    assert _same(quick, _standard(raw))


@pytest.mark.parametrize(
    "raw",
    [
        b"Content-Type: multipart/mixed; boundary=x\n\n--x\n\nhi\n--x--\n",
        b"Content-Type: message/rfc822\n\nSubject: inner\n\nx",
        b"Content-Type: message/delivery-status\n\nStatus: 5.0.0\n",
        b" starts with a continuation\nSubject: x\n\nbody",
        b"Subject: x\nno colon on this line\n\nbody",  # the body starts early
        b":no name\nSubject: x\n\nbody",
        b"Bad Name: x\n\nbody",
        b"Subject: x\rwith a lone CR\n\nbody",
        b"Subject: x\nFrom somewhere else\n\nbody",  # misplaced envelope line
        b"From a Mon Jan  1 00:00:00 2024\n folded envelope\nSubject: x\n\nbody",
        b"Subject: no blank line at all\n",
        b"\nbody only",
        b"",
    ],
)
def test_anything_else_goes_to_the_standard_parser(raw: bytes) -> None:
    assert _single_part(raw) is None
    assert _same(parse_bytes(raw), _standard(raw))
