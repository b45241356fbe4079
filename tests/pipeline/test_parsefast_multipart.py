"""parse_bytes builds plain multiparts itself, exactly as the standard parser would.

``_split_parts`` must give the feed parser's parts, preamble and epilogue (nested
multiparts included) where it takes a message, and leave to the feed parser every
multipart it would find a defect in or read line ends differently in.
"""

from __future__ import annotations

import pytest

from corrbot.pipeline.parse_bytes import _headed, _split_parts, parse_bytes
from tests.pipeline.test_parse_bytes import _corpus, _same, _standard

HEAD = b"From: a@example.org\nContent-Type: multipart/mixed; boundary=b\n\n"
NESTED = b"--b\nContent-Type: multipart/mixed; boundary=c\n\n--c\n"
PART = b"Content-Type: text/plain\n\nhello\n"


def _taken(raw: bytes) -> bool:
    message = _headed(raw.decode("ascii", "surrogateescape"))
    return message is not None and _split_parts(message)


@pytest.mark.parametrize(
    "raw",
    [
        HEAD + b"--b\n" + PART + b"--b--\n",
        HEAD + b"--b\n" + PART + b"--b--",  # no line end after the close
        HEAD + b"preamble\n\n--b\n" + PART + b"--b--\nepilogue\n",
        HEAD + b"\n--b\n" + PART + b"--b--\n\n",  # an empty preamble line, a blank epilogue
        HEAD + b"--b \t\n" + PART + b"--b--  \n",  # blanks after the boundaries
        HEAD + b"--b\n" + PART + b"--b\nContent-Type: text/x-diff\n\n\n--b--\n",
        HEAD + b"--b\nX: 1\n\n--b--\n",  # a part with an empty payload
        HEAD + b"--b\n" + PART + b"--b--\n--b\nafter the close: epilogue\n",
        HEAD + b"--b\nFrom x Mon Jan  1 00:00:00 2024\nX: 1\n\nbody\n--b--\n",  # a part's envelope
        HEAD + b"--b\nX-8bit: caf\xc3\xa9 \xff\n\n8-bit \xfe\n--b--\n",
        b'Content-Type: multipart/signed; boundary="=-x"\n\n--=-x\n'
        + PART
        + b"--=-x\nContent-Type: application/pgp-signature\n\nsig\n--=-x--\n",
        HEAD
        + b"--b\nContent-Type: multipart/alternative; boundary=c\n\npre\n--c\n"
        + PART
        + b"--c\nContent-Type: text/html\n\n<p>x</p>\n--c--\nepi\n\n--b--\n",
        HEAD + NESTED + PART + b"--c--\n--b--\n",  # an empty epilogue: None
        HEAD + NESTED + PART + b"--c--\n\n--b--\n",  # a blank line: ""
    ],
)
def test_built_as_the_standard_parser_does(raw: bytes) -> None:
    assert _taken(raw)
    assert _same(parse_bytes(raw), _standard(raw))


@pytest.mark.parametrize(
    "raw",
    [
        HEAD.replace(b"\n", b"\r\n") + b"--b\r\n" + PART + b"--b--\r\n",  # CR: line ends differ
        HEAD + b"--b\n" + PART + b"a lone CR ends a line\r--b\n" + PART + b"--b--\n",
        HEAD + b"--b\n" + PART,  # no close: a defect
        HEAD + b"--b--\n",  # a close and no part
        HEAD + b"no boundary at all\n",
        HEAD + b"--b\n--b\n" + PART + b"--b--\n",  # boundaries in a row
        HEAD + b"--b\n\nno headers\n--b--\n",
        HEAD + b"--b\nX: no blank line\n--b--\n",
        HEAD + b"--b\nContent-Type: message/rfc822\n\nSubject: x\n\ny\n--b--\n",
        HEAD + NESTED + PART + b"--b--\n",  # the inner multipart is not closed
        HEAD + b"--bx\n" + PART + b"--b--\n",  # not a boundary line: preamble
        HEAD.replace(b"mixed", b"digest") + b"--b\n\nSubject: x\n--b--\n",
        HEAD.replace(b"boundary=b", b'boundary="b\n c"') + b"--b\n c\n" + PART + b"--b\n c--\n",
        HEAD.replace(b"\n\n", b"\nContent-Transfer-Encoding: base64\n\n")
        + b"--b\n"
        + PART
        + b"--b--\n",
        b"Content-Type: multipart/mixed\n\n--b\n" + PART + b"--b--\n",
    ],
)
def test_left_to_the_standard_parser(raw: bytes) -> None:
    assert not _taken(raw)
    assert _same(parse_bytes(raw), _standard(raw))


def test_corpus_multiparts_are_built() -> None:
    mips, others = _corpus()
    taken = multipart = 0
    for raw in mips + others:
        assert _same(parse_bytes(raw), _standard(raw))
        if _standard(raw).is_multipart():
            multipart += 1
            taken += _taken(raw)
    assert multipart and taken >= 0.9 * multipart
