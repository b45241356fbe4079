"""Parsing stored mail into the message row: headers, dates, bodies, attachments, quarantine."""

from __future__ import annotations

from datetime import datetime
from email.message import EmailMessage
from pathlib import Path

import pytest
from sqlalchemy import select

from corrbot.model import Message, RawBlob
from corrbot.runtime import Runtime
from tests.mail import feed, make_mail
from tests.pipeline.conftest import by_message_id

CORPORA = Path(__file__).resolve().parents[3] / "shared" / "corpora"


def raw_mail(headers: str, body: bytes = b"Hello.\r\n") -> bytes:
    """Hand-written bytes, for what EmailMessage would tidy away."""
    return headers.strip().replace("\n", "\r\n").encode("ascii") + b"\r\n\r\n" + body


def one(runtime: Runtime, raw: bytes) -> Message:
    [row_id] = feed(runtime, [raw])
    with runtime.sessions() as session:
        row = session.get(Message, row_id)
        assert row is not None
        session.expunge(row)
    return row


def test_encoded_subject_and_sender(rt: Runtime) -> None:
    raw = raw_mail(
        """
From: =?utf-8?q?M=C3=BCller,_Ana?= <Ana.Muller@Example.ORG>
To: cg@lists.example.org
Subject: =?utf-8?q?Gr=C3=BC?= =?utf-8?q?=C3=9Fe_aus?= =?ISO-8859-1?Q?M=FCnchen?= [b]
Date: Wed, 02 Oct 2013 12:30:00 +0200
Message-ID: <enc@x>
"""
    )
    row = one(rt, raw)
    assert row.subject == "Grüße ausMünchen [b]"
    assert row.from_name == "Müller, Ana"
    assert row.from_addr == "ana.muller@example.org"
    assert row.date == datetime(2013, 10, 2, 10, 30)  # naive UTC
    assert row.status != "quarantined"


def test_utf8_split_across_encoded_words_and_raw_8bit_header(rt: Runtime) -> None:
    # "é" is C3 A9: the two bytes sit in two encoded words.
    raw = (
        b"From: Jos\xc3\xa9 <jose@example.org>\r\n"
        b"Subject: =?utf-8?b?Y2Fmww==?= =?utf-8?b?qQ==?= ok\r\n"
        b"Message-ID: <split@x>\r\n\r\nbody\r\n"
    )
    row = one(rt, raw)
    assert row.subject == "café ok"
    assert row.from_name == "José"


def test_missing_and_bad_dates_fall_back_to_received_time(rt: Runtime) -> None:
    missing = raw_mail("From: a@example.org\nSubject: no date\nMessage-ID: <nodate@x>")
    bad = raw_mail(
        "From: a@example.org\nSubject: bad\nDate: the day after tomorrow\nMessage-ID: <bad@x>"
    )
    feed(rt, [missing, bad])
    rows = by_message_id(rt)
    for key in ("nodate@x", "bad@x"):
        assert rows[key].date == rt.clock.now()
        assert rows[key].status != "quarantined"
    assert any("date missing" in d for d in rows["nodate@x"].defects)
    assert any("date unreadable" in d for d in rows["bad@x"].defects)


def test_references_and_in_reply_to(rt: Runtime) -> None:
    raw = raw_mail(
        """
From: a@example.org
Subject: Re: x
Message-ID: <me@x>
In-Reply-To: Your message of Tuesday <p2@x> (from Bo)
References: <p0@x>
 <p1@x> <p0@x>  <p2@x> <me@x>
"""
    )
    row = one(rt, raw)
    assert row.in_reply_to == "p2@x"
    assert row.references == ["p0@x", "p1@x", "p2@x"]


def test_html_only_mail_is_read_as_text(rt: Runtime) -> None:
    html = (
        "<html><body><p>I <b>support</b> this.</p><blockquote>old text</blockquote></body></html>"
    )
    row = one(rt, make_mail("a@example.org", "HTML", "", html=html, message_id="html@x"))
    assert row.text_body == "I support this.\n\n> old text"


def test_plain_alternative_wins_over_html(rt: Runtime) -> None:
    row = one(rt, make_mail("a@example.org", "Both", "plain words\n", html="<p>html words</p>"))
    assert (row.text_body or "").strip() == "plain words"


def test_attachments_are_listed_not_read(rt: Runtime) -> None:
    msg = EmailMessage()
    msg["From"] = "a@example.org"
    msg["Subject"] = "with files"
    msg["Message-ID"] = "<att@x>"
    msg.set_content("See attached.\n")
    msg.add_attachment(
        b"%PDF-1.4 " + b"x" * 991,
        maintype="application",
        subtype="pdf",
        filename="Mapping draft.pdf",
    )
    msg.add_attachment("col1,col2\n", subtype="csv", filename="t.csv")
    row = one(rt, msg.as_bytes())
    assert (row.text_body or "").strip() == "See attached."
    assert row.attachments == [
        {"filename": "Mapping draft.pdf", "type": "application/pdf", "size": 1000},
        {"filename": "t.csv", "type": "text/csv", "size": 10},
    ]


def test_unknown_charset_is_read_and_noted(rt: Runtime) -> None:
    raw = raw_mail(
        """
From: a@example.org
Subject: odd charset
Message-ID: <charset-a@x>
Content-Type: text/plain; charset="a"
Content-Transfer-Encoding: 8bit
""",
        "Grüße\r\n".encode(),
    )
    row = one(rt, raw)
    assert row.status != "quarantined"
    assert row.text_body == "Grüße\r\n"
    assert any("unknown charset 'a'" in d for d in row.defects)


def test_wrong_charset_falls_back(rt: Runtime) -> None:
    raw = raw_mail(
        "From: a@example.org\nSubject: x\nMessage-ID: <ascii@x>\n"
        "Content-Type: text/plain; charset=us-ascii",
        "na\xefve caf\xe9\r\n".encode("cp1252"),
    )
    row = one(rt, raw)
    assert row.text_body == "naïve café\r\n"


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (bytes(range(256)) * 4, "no header lines"),
        (b"\x00\x01garbage without any header\r\n\r\nstill garbage", "no header lines"),
        (raw_mail("Subject: nobody sent this\nMessage-ID: <nofrom@x>"), "no sender"),
        (raw_mail("From: just a name\nSubject: x\nMessage-ID: <noaddr@x>"), "no sender"),
    ],
)
def test_unreadable_mail_is_quarantined_and_kept(rt: Runtime, raw: bytes, reason: str) -> None:
    row = one(rt, raw)
    assert row.status == "quarantined"
    assert reason in (row.status_reason or "")
    with rt.sessions() as session:
        blob = session.get(RawBlob, row.sha256)
        assert blob is not None and blob.data == raw


def test_deeply_nested_mime_does_not_crash(rt: Runtime) -> None:
    depth = 3000
    head = b"From: a@example.org\r\nSubject: deep\r\nMessage-ID: <deep@x>\r\n"
    parts = [head]
    for level in range(depth):
        parts.append(
            f'Content-Type: multipart/mixed; boundary="b{level}"\r\n\r\n--b{level}\r\n'.encode()
        )
    parts.append(b"Content-Type: text/plain\r\n\r\ninnermost\r\n")
    row = one(rt, b"".join(parts))
    # Either read or quarantined with a reason: never an exception out of the pipeline.
    assert row.stage == "processed"
    assert row.status == "quarantined" or "innermost" in (row.text_body or "")


def test_malformed_corpus_never_breaks_the_pipeline(rt: Runtime) -> None:
    folder = CORPORA / "malformed" / "mail-parser"
    raws = [path.read_bytes() for path in sorted(folder.glob("*.eml"))]
    assert len(raws) >= 20
    feed(rt, raws)
    with rt.sessions() as session:
        rows = list(session.scalars(select(Message).where(Message.placeholder.is_(False))))
    assert len(rows) == len(raws)
    assert all(row.stage == "processed" for row in rows)
    readable = [row for row in rows if row.status != "quarantined"]
    assert len(readable) >= 20  # all but the Outlook binary and the like
    assert all(row.from_addr and row.date for row in readable)
    quarantined = [row for row in rows if row.status == "quarantined"]
    assert all(row.status_reason for row in quarantined)
