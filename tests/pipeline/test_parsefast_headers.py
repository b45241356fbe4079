"""parse_bytes' header block reading: the blank line search as two str.find scans gave it.

``_blank_line`` takes the first LF or CRLF blank line in one regex scan; here it is
held to the earlier definition (the first "\\n\\n", unless a "\\n\\r\\n" comes
first) on texts built from the characters that matter.
"""

from __future__ import annotations

import random

from corrbot.pipeline.parse_bytes import _blank_line, _headed
from tests.pipeline.test_parse_bytes import _same, _standard


def _two_finds(text: str) -> tuple[int, int]:
    lf, crlf = text.find("\n\n"), text.find("\n\r\n")
    if crlf >= 0 and (lf < 0 or crlf < lf):
        return crlf, crlf + 3
    return (lf, lf + 2) if lf >= 0 else (-1, -1)


def test_blank_line_as_two_finds() -> None:
    rng = random.Random(7)
    found = 0
    for _ in range(20000):
        text = "".join(rng.choice("\n\n\r a:") for _ in range(rng.randint(0, 12)))
        assert _blank_line(text) == _two_finds(text), repr(text)
        found += _blank_line(text)[0] >= 0
    assert 5000 < found < 19000  # both outcomes are tried


def test_headers_in_order_as_parsed() -> None:
    raw = b"From x\r\nA: 1\r\nb:2\n folded\r\nA:\t 3\r\n\r\nbody"
    message = _headed(raw.decode("ascii"))
    assert message is not None
    assert list(message.raw_items()) == [("A", "1"), ("b", "2\n folded"), ("A", "3")]
    assert _same(message, _standard(raw))
