"""A read-ahead worker reads intake's keys and Date from its parse when it may: always
what intake's own search of the raw header block gives (intake.message_keys,
header_date), malformed mail included."""

from __future__ import annotations

import random
import re

import pytest

from corrbot.intake import header_date, message_keys
from corrbot.pipeline import parse_ahead
from corrbot.pipeline.parse_bytes import parse_read

# Header lines and other lines, as mail writes them and as it should not: folded,
# CRLF, 8-bit, spaced names, header-like lines after the blank line, no blank line.
LINES = [
    b"From x@y Mon Jan  1 00:00:00 2024\n",
    b"From x\n z\n",
    b"Message-ID: <a@b>\n",
    b"message-id:\n <folded@b>\n",
    b"Message-Id : <spaced@b>\n",
    b"MESSAGE-ID:\t<tab@b> (comment)\r\n",
    b"Message-ID: bare@x more\n",
    b"Message-ID: <\xff\xfe@x>\n",
    b"Message-ID: caf\xc3\xa9@x\n",
    b"Message-ID: <a\x00b@x>\n",
    b"Message-ID:\n",
    b"Date: Mon, 1 Jan 2001 00:00:00 +0000\n",
    b"date: 2 Feb 2002 10:00:00 -0100\r\n",
    b"Date:\n Tue, 3 Mar 2003 01:02:03 +0000\n",
    b"Date: \xe9 4 Apr 2004 00:00:00 +0000\n",
    b"Date: 5 May 2005 00:00:00 +0000 \xe9\n",
    b"Date: \xc2\xa01 Jan 2001 00:00:00 +0000\n",  # a no-break space, which only the parse strips
    b"Date: garbage\n",
    b"Date : 6 May 2005 00:00:00 +0000\n",
    b"Date: 7 Jun 2006\r\n 00:00:00 +0000\r\n",
    b"Date: 8 Jun 2006\n\t00:00:00 +0000\n",
    b"Date:  \t\n",
    b"From: a@b.c\n",
    b"Subject: hi\n",
    b" continued\n",
    b"\tcontinued\r\n",
    b"Content-Type: multipart/mixed; boundary=zz\n",
    b"--zz\n",
    b"--zz--\n",
    b"no colon\n",
    b"\xff: v\n",
    b"X: \xffv\n",
    b"F: x\r",
    b"\r\n",
    b"\n",
    b"body\n",
]


# The header lines the parse takes (a quarter of the lines above are not headers).
HEADERS = [line for line in LINES if re.match(rb"[A-Za-z-]+:", line)]


def _generated(count: int) -> list[bytes]:
    """Any lines, half of them after a header block of header lines only."""
    draw = random.Random(20261126)
    mails = []
    for _ in range(count):
        head = [draw.choice(HEADERS) for _ in range(draw.randint(0, 6))] + [b"\n"]
        lines = [draw.choice(LINES) for _ in range(draw.randint(0, 8))]
        mails.append(b"".join(head + lines if draw.random() < 0.5 else lines))
    return mails


def test_keys_and_dates_are_intakes_on_generated_mail() -> None:
    raws = _generated(20_000)
    read = parse_ahead.read_arrivals(raws)
    for raw, (keys, sent, _) in zip(raws, read, strict=True):
        assert (keys, sent) == (message_keys(raw), header_date(raw)), raw
    # The parse's values are really used, for ids and dates found and not found.
    plain = [raw for raw in raws if parse_read(raw).plain_head]
    assert len(plain) > 5_000
    assert any(header_date(raw) is not None for raw in plain)
    assert any(not message_keys(raw)[1].startswith("sha256-") for raw in plain)


@pytest.mark.parametrize(
    "raw",
    [
        # LF lines, then a CRLF blank line: the parse's header block ends there,
        # intake searches on to the LF one
        b"Subject: x\n\r\nMessage-ID: <later@x>\nDate: 1 Jan 2001 00:00:00 +0000\n\nb\n",
        b"Subject: x\r\n\r\nMessage-ID: <body@x>\n\n",
        b"Message-ID:\r\n <crlf@x>\r\nDate: Mon, 2 Mar 2020\r\n 10:00:00 +0100\r\n\r\nT.\r\n",
        b"Date: 2 Mar 2020 10:00:00 \xff+0100\nMessage-ID: <\xe9@x>\n\nx",
        b"Date: \xc2\xa01 Jan 2001 00:00:00 +0000\nFrom: a@b.c\n\nx",  # a date only to the parse
        b"Message-ID: <one@x>\nMessage-ID: <two@x>\nDate: 1 Jan 2001 00:00:00 +0000\n"
        b"Date: 2 Jan 2001 00:00:00 +0000\n\nx",
        b"Message-ID: <no-blank-line@x>\n",
        b"Message-Id : <spaced@x>\n\nx",
        b"From x@y Mon Jan  1 00:00:00 2024\nMessage-ID: <enveloped@x>\n\nx",
    ],
)
def test_keys_and_dates_are_intakes_on_odd_mail(raw: bytes) -> None:
    [(keys, sent, _)] = parse_ahead.read_arrivals([raw])
    assert (keys, sent) == (message_keys(raw), header_date(raw))


def test_the_parse_knows_when_its_header_block_is_intakes() -> None:
    assert parse_read(b"A: b\n\nx").plain_head
    assert parse_read(b"A: b\r\n\r\nx").plain_head
    assert not parse_read(b"A: b\n\r\nx").plain_head  # LF line ending, CRLF blank line
    assert not parse_read(b"A: b\n").plain_head  # no blank line: the feed parser's
    assert not parse_read(b"Content-Type: message/rfc822\n\nA: b\n\nx").plain_head
    assert parse_read(b"Content-Type: Text/HTML\n\nx").content_type == "text/html"
    assert parse_read(b"A: b\nno colon\n\nx").content_type is None


def test_the_content_type_the_parse_gives_is_the_messages() -> None:
    raws = [
        *_generated(3_000),
        b"Content-Type: multipart/report; boundary=zz\n\n--zz\nA: b\n\nx\n--zz--\n",
        b"Content-Type: text\n\nx",
        b"Content-Type: \xe9/x\n\nx",
    ]
    for raw in raws:
        parse = parse_read(raw)
        if parse.content_type is not None:
            assert parse.content_type == parse.message.get_content_type(), raw
    assert parse_read(raws[-3]).content_type == "multipart/report"
