"""parse_bytes' split of a header block into fields, on generated header blocks: the
standard parser's headers whenever the quick path takes the block, and every block
that is not all header lines left to the standard parser."""

from __future__ import annotations

import random

from corrbot.pipeline.parse_bytes import parse_bytes
from tests.pipeline.test_parse_bytes import _same, _single_part, _standard

LINES = [
    b"From x@y Mon Jan  1 00:00:00 2024\n",
    b"From x\n",
    b"Subject: hi\n",
    b"subject:\n",
    b"X-A:b\n",
    b"X-B:  \t spaced\r\n",
    b"X-C: \xff\xfe\n",
    b" continued\n",
    b"\tcontinued\r\n",
    b"  \n",
    b"Bad Name: x\n",
    b"no colon\n",
    b": no name\n",
    b"\xe9: 8-bit name\n",
    b"X-\x7f: control\n",
    b"X-D: a\rb\n",
    b"X-E: \r\n",
    b"X-F: x\r",
    b"::\n",
    b"a:b:c\n",
]


def test_generated_header_blocks_parse_as_the_standard_parser_does() -> None:
    draw = random.Random(20261126)
    taken = 0
    for _ in range(20_000):
        head = b"".join(draw.choice(LINES) for _ in range(draw.randint(1, 6)))
        raw = head + draw.choice([b"\n", b"\r\n"]) + b"body\n"
        quick = _single_part(raw)
        if quick is not None:
            taken += 1
            assert _same(quick, _standard(raw)), raw
        assert _same(parse_bytes(raw), _standard(raw)), raw
    assert taken > 2_000  # the quick path is really taken, and really left
