"""parse_mime's remembered answers are the standard library's, exceptions included.

``mime_of`` answers for the accessors of a part, ``parts_of`` and
``decoded_payload`` for its ``get_payload`` calls; each is held here to the
call it stands for, on odd and malformed headers as well as plain ones.
"""

from __future__ import annotations

from email.header import Header
from email.message import Message
from email.parser import BytesParser
from email.policy import compat32
from typing import Any

import pytest

from corrbot.pipeline.parse_bytes import _blank_line
from corrbot.pipeline.parse_headers import headers_and_view, mime_view
from corrbot.pipeline.parse_mime import UNREADABLE_TYPE, decoded_payload, mime_of, parts_of

TYPES = [
    None,
    "text/plain",
    "TEXT/PLAIN; charset=UTF-8",
    'text/plain; charset="iso-8859-1"; format=flowed',
    "text/plain; charset*=utf-8''%E9",  # RFC 2231, not ASCII: no charset
    "text/plain; charset*=us-ascii''utf-8",
    "text/plain; charset*0=ut; charset*1=f-8",
    "text/plain; charset=\udce9",  # an 8-bit byte as the parse keeps it
    "text/html; name*=utf-8''%E2%82%AC.txt",
    'application/octet-stream; name="=?utf-8?q?f=C3=BC.txt?="',
    ";;; charset=x",
    "text",
    'text/plain; charset="unterminated',
]
DISPOSITIONS = [None, "inline", "ATTACHMENT; filename=a.diff", "attachment; filename*=x''%ZZ", ";"]
ENCODINGS = [None, "7bit", "BASE64", "quoted-printable", "x-uuencode", "bogus", "b\udce9"]


def _part(ctype: str | None, disposition: str | None, encoding: str | None) -> Message:
    part = Message()
    for name, value in (
        ("Content-Type", ctype),
        ("Content-Disposition", disposition),
        ("Content-Transfer-Encoding", encoding),
    ):
        if value is not None:
            part.set_raw(name, value)
    return part


def _outcome(call: Any) -> tuple[str, Any]:
    try:
        return "value", call()
    except Exception as exc:
        return "raised", (type(exc), str(exc))


@pytest.mark.parametrize("ctype", TYPES)
@pytest.mark.parametrize("disposition", DISPOSITIONS)
def test_mime_of_answers_as_the_accessors(ctype: str | None, disposition: str | None) -> None:
    for default in ("text/plain", "message/rfc822"):
        part = _part(ctype, disposition, "8bit")
        part.set_default_type(default)
        for _ in range(2):  # asked, then remembered
            mime = mime_of(part)
            assert mime.content_type == part.get_content_type()
            assert (mime.charset_raised, mime.charset) == (False, part.get_content_charset())
            assert mime.disposition == part.get_content_disposition()
            assert mime.filename == part.get_filename()
            assert mime.transfer == "8bit"


def test_headers_that_are_not_strings_are_asked_afresh() -> None:
    part = Message()
    part["Content-Type"] = Header("text/html; charset=koi8-r")
    mime = mime_of(part)
    assert (mime.content_type, mime.charset) == ("text/html", "koi8-r")


def test_an_accessor_that_raises_is_remembered_as_raising() -> None:
    class Broken(Message):
        def get_content_charset(self, failobj: Any = None) -> Any:
            raise ValueError("malformed")

        def get_content_type(self) -> str:
            raise ValueError("malformed")

    part = Broken()
    part.set_raw("Content-Type", "text/plain; charset=x")
    mime = mime_of(part)  # not compat32's own class of part: asked, never remembered
    assert mime.charset_raised and mime.charset is None
    assert mime.content_type == UNREADABLE_TYPE


@pytest.mark.parametrize("ctype", TYPES)
@pytest.mark.parametrize("encoding", ENCODINGS)
@pytest.mark.parametrize(
    "payload",
    ["plain\n", "caf\udcc3\udca9\n", "aGk=\n", "=C3=A9=\n", "begin 644 x\n#86)C\n`\nend\n"],
)
def test_payload_calls_as_get_payload(
    ctype: str | None, encoding: str | None, payload: str
) -> None:
    def fresh() -> Message:
        part = _part(ctype, None, encoding)
        part.set_payload(payload)
        return part

    part, theirs = fresh(), fresh()
    expected = _outcome(theirs.get_payload)  # what parts_of stands for: the call, if it raises
    assert _outcome(lambda: parts_of(part, mime_of(part))) == (
        expected if expected[0] == "raised" else ("value", None)
    )
    mine, theirs = fresh(), fresh()
    assert _outcome(lambda: decoded_payload(mine, mime_of(mine))) == _outcome(
        lambda: theirs.get_payload(decode=True)
    )
    assert [type(d) for d in mine.defects] == [type(d) for d in theirs.defects]


def test_parts_of_a_multipart_and_the_8bit_text_get_payload_refuses() -> None:
    raw = b"Content-Type: multipart/mixed; boundary=x\n\n--x\n\nhi\n--x--\n"
    parsed = BytesParser(policy=compat32).parsebytes(raw)
    assert parts_of(parsed, mime_of(parsed)) == parsed.get_payload()
    # A charset in RFC 2231 form is a tuple, which bytes.decode refuses: raised as before.
    part = _part("text/plain; charset*=utf-8''%E9", None, None)
    part.set_payload("caf\udce9")
    with pytest.raises(TypeError):
        part.get_payload()
    with pytest.raises(TypeError):
        parts_of(part, mime_of(part))


def test_views() -> None:
    msg = _part("text/plain; charset=utf-8", "inline", None)
    assert mime_view(msg) is msg  # nothing but MIME headers: its own view
    msg.set_raw("Subject", "hi")
    msg.set_raw("subject", "again")
    view = mime_view(msg)
    assert view is not msg and view.keys() == ["Content-Type", "Content-Disposition"]
    found, same = headers_and_view(msg, frozenset({"subject", "date"}))
    assert found == {"subject": "hi"}
    assert same.keys() == view.keys() and vars(same) == vars(view)


def _full_scan(text: str) -> tuple[int, int]:
    lf, crlf = text.find("\n\n"), text.find("\n\r\n")
    if crlf >= 0 and (lf < 0 or crlf < lf):
        return crlf, crlf + 3
    return (lf, lf + 2) if lf >= 0 else (-1, -1)


@pytest.mark.parametrize(
    "text",
    [
        "a\n\nb\r\n\r\n",
        "a\r\n\r\nb\n\nc",
        "a\n\r\n\nb",
        "a\r\n\n",
        "\n\r\n",
        "a\n",
        "a\r\n\r\n",
        "",
    ],
)
def test_blank_line_scans_no_further_than_the_first_lf_blank_line(text: str) -> None:
    assert _blank_line(text) == _full_scan(text)
