"""Raw bytes to ``email.message.Message``: ``BytesParser(policy=compat32)``, faster.

The standard library's feed parser reads a message line by line in Python; on the
linux-mips archive that is 110-120 us a message, the largest single cost of an
import after tagging. Nine messages in ten there are single-part mail whose header
block is plain ``Name: value`` lines, and for those the parser's result is simple
to state: each header is ``(name, value)`` with the value's leading blanks and
final line ending removed (continuation lines kept as sent), and the payload is
the rest of the text after the blank line. ``parse_bytes`` builds exactly that
(about 40 us) and hands everything else to the standard parser: multipart and
``message/*`` types, a header block with a line that is neither a header nor a
continuation, a lone CR (the feed parser ends a line there), a misplaced
``From `` line, no blank line at all. tests/pipeline/test_parse_bytes.py holds it
to the standard parser on every corpus message.
"""

from __future__ import annotations

import re
from email.message import Message
from email.parser import BytesParser
from email.policy import compat32

# A header block splits into fields at each newline that no blank follows (a
# blank starts a continuation line); a literal first character lets the regex
# engine jump from newline to newline.
_FIELD_BREAK = re.compile(r"\n(?![ \t])")
_NESTED = ("message", "multipart")


def parse_bytes(data: bytes) -> Message:
    """The message as ``BytesParser(policy=compat32).parsebytes(data)`` gives it."""
    quick = _single_part(data)
    return quick if quick is not None else BytesParser(policy=compat32).parsebytes(data)


def _single_part(data: bytes) -> Message | None:
    """The parse of a plain single-part message; None when the feed parser must judge."""
    text = data.decode("ascii", "surrogateescape")  # as BytesParser decodes
    head_end, body_start = _blank_line(text)
    if head_end <= 0:
        return None
    head = text[:head_end]  # without the last header line's "\n"
    if "\r" in head and head.count("\r") != head.count("\r\n") + head.endswith("\r"):
        return None  # a lone CR ends a line for the feed parser
    message = Message()
    fields = _FIELD_BREAK.split(head)
    if fields[0].startswith("From "):  # the mbox envelope line, kept as the unixfrom
        envelope = fields.pop(0)
        if "\n" in envelope:  # a "From " line folded like a header: rare, theirs
            return None
        message.set_unixfrom(envelope.rstrip("\r"))
    for field in fields:
        name, colon, value = field.partition(":")
        # The feed parser's header line: a name of printable ASCII but ":" and
        # space, then ":". Anything else starts its body early, with a defect.
        if not colon or not name or not name.isascii() or not name.isprintable():
            return None
        if " " in name:
            return None
        message.set_raw(name, value.lstrip(" \t").rstrip("\r\n"))
    if message.get_content_maintype() in _NESTED:
        return None
    message.set_payload(text[body_start:])
    return message


def _blank_line(text: str) -> tuple[int, int]:
    """Where the header block ends and the body starts; (-1, -1) without a blank line."""
    lf = text.find("\n\n")
    # A CRLF blank line counts only before the first LF one: no need to scan the body.
    crlf = text.find("\n\r\n", 0, lf + 2) if lf >= 0 else text.find("\n\r\n")
    if crlf >= 0 and (lf < 0 or crlf < lf):
        return crlf, crlf + 3
    if lf >= 0:
        return lf, lf + 2
    return -1, -1
