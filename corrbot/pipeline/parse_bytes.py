"""Raw bytes to ``email.message.Message``: ``BytesParser(policy=compat32)``, faster.

The standard library's feed parser reads a message line by line in Python; on the
linux-mips archive that is 110-120 us a message, the largest single cost of an
import after tagging. Nine messages in ten there are single-part mail whose header
block is plain ``Name: value`` lines, and for those the parser's result is simple
to state: each header is ``(name, value)`` with the value's leading blanks and
final line ending removed (continuation lines kept as sent), and the payload is
the rest of the text after the blank line. ``parse_bytes`` builds exactly that
(about 40 us). Most of the rest are multiparts of such parts with LF line
endings (signed patches, attachments), whose parse is as simple to state (see
``_split_parts``): built too, at a fifth of the feed parser's time. It hands
everything else to the standard parser: ``message/*`` types, a header block with
a line that is neither a header nor a continuation, a lone CR (the feed parser
ends a line there), a misplaced ``From `` line, no blank line at all, multiparts
the feed parser finds defects in. tests/pipeline/test_parse_bytes.py and
test_parsefast_multipart.py hold it to the standard parser.
"""

from __future__ import annotations

import re
from email.message import Message
from email.parser import BytesParser
from email.policy import compat32
from itertools import pairwise
from typing import NamedTuple

# A header block splits into fields at each newline that no blank follows (a
# blank starts a continuation line); a literal first character lets the regex
# engine jump from newline to newline. Each field starts with its name (the feed
# parser's: printable ASCII but ":" and space), a colon and the blanks after it,
# taken out by the split; a field start without a name takes no group (None).
_FIELD_START = re.compile(r"\n(?![ \t])(?:([!-9;-~]+):[ \t]*)?")
# The first blank line, LF or CRLF: one regex scan is 3x quicker than str.find's
# two, which stop at every one of a header block's newlines.
_BLANK_LINE = re.compile(r"\n\r?\n")
_NESTED = ("message", "multipart")
# A multipart's transfer encodings the feed parser takes without a defect.
_MULTIPART_CTE = ("7bit", "8bit", "binary")
_DEEPEST = 20  # multipart levels built here; a deeper tree is the feed parser's


class Parse(NamedTuple):
    """``parse_bytes``' message, and what it learnt of it on the way."""

    message: Message
    content_type: str | None  # message.get_content_type(), if it was asked here
    # Whether the message's headers were read here from the text before its first
    # blank line, and that line is LF or CRLF alone ("\n\n" or "\r\n\r\n"; not a LF
    # line ending and a CRLF blank line): the header block intake.py searches.
    plain_head: bool


def parse_bytes(data: bytes) -> Message:
    """The message as ``BytesParser(policy=compat32).parsebytes(data)`` gives it."""
    return parse_read(data).message


def parse_read(data: bytes) -> Parse:
    """``parse_bytes(data)``, with what it learnt of the message (see Parse)."""
    text = data.decode("ascii", "surrogateescape")  # as BytesParser decodes
    head_end, body_start = _blank_line(text)
    message = _fields(text, head_end, body_start)
    if message is not None:
        content_type = message.get_content_type()
        maintype = content_type.split("/")[0]  # as get_content_maintype() splits it
        if maintype not in _NESTED or (maintype == "multipart" and _split_parts(message)):
            plain = body_start - head_end == 2 or text[head_end - 1] == "\r"
            return Parse(message, content_type, plain)
    return Parse(BytesParser(policy=compat32).parsebytes(data), None, False)


def _headed(text: str) -> Message | None:
    """The message's headers and envelope line as parsed, the rest of the text as its
    payload; None when the feed parser must judge its header block."""
    return _fields(text, *_blank_line(text))


def _fields(text: str, head_end: int, body_start: int) -> Message | None:
    """``_headed`` of a text whose first blank line runs from head_end to body_start."""
    if head_end <= 0:
        return None
    head = text[:head_end]  # without the last header line's "\n"
    if "\r" in head and head.count("\r") != head.count("\r\n") + head.endswith("\r"):
        return None  # a lone CR ends a line for the feed parser
    message = Message()
    fields = "\n" + head
    if head.startswith("From "):  # the mbox envelope line, kept as the unixfrom
        line_end = head.find("\n")
        if line_end == -1:
            line_end = len(head)
        elif head[line_end + 1] in " \t":  # a "From " line folded like a header: rare, theirs
            return None
        message.set_unixfrom(head[:line_end].rstrip("\r"))
        fields = head[line_end:]
    # ["", name, value, name, value...]; the feed parser's header line is a name,
    # then ":". Anything else (a name None, or text before the first field) starts
    # its body early, with a defect.
    parts = _FIELD_START.split(fields)
    names = parts[1::2]
    if parts[0] or not all(names):
        return None
    values = parts[2::2]
    if "\r" in head:  # the line ending CR of each field
        values = [value.rstrip("\r\n") for value in values]
    message._headers.extend(zip(names, values, strict=True))  # type: ignore[attr-defined]
    message.set_payload(text[body_start:])
    return message


def _split_parts(message: Message, depth: int = 0) -> bool:
    """Parse a multipart's text payload into its parts as the feed parser does, when
    its text has only LF line endings, its boundaries are where the standard says
    and every part is a plain single part or such a multipart; False (message
    unchanged) otherwise.

    Then the feed parser's reading comes down to: the preamble is the text before
    the first boundary line (None if there is none) without its last line ending,
    each part is the text between two boundary lines parsed as a message, without
    the line ending before the next boundary (a nested multipart's epilogue loses
    it), and the epilogue is everything after the closing boundary line.
    """
    body = vars(message)["_payload"]  # as parsed: get_payload() may decode it
    boundary = message.get_boundary()
    if (
        boundary is None  # no boundary: a defect
        or "\n" in boundary  # folded: it matches no line
        or depth > _DEEPEST
        or not isinstance(body, str)
        or "\r" in body
        or message.get_content_type() == "multipart/digest"  # parts default to message/rfc822
        or str(message.get("content-transfer-encoding", "8bit")).lower() not in _MULTIPART_CTE
    ):
        return False
    lines = _boundary_lines(body, "--" + boundary)
    if not lines or lines[0][2] or not lines[-1][2]:
        return False  # no separator before the close, or no close: defects
    parts: list[Message | str] = []  # what set_payload takes for a multipart
    for (_, end, _), (start, _, _) in pairwise(lines):
        # Boundary lines in a row are skipped by the feed parser: let it.
        part = _headed(body[end:start]) if start > end else None
        if part is None:
            return False
        maintype = part.get_content_maintype()
        if maintype == "multipart":
            if not _split_parts(part, depth + 1):
                return False
            # A part's text ends in "\n", so does a non-empty epilogue or payload.
            epilogue = part.epilogue
            part.epilogue = epilogue[:-1] if epilogue else None
        elif maintype == "message":
            return False
        else:
            part.set_payload(vars(part)["_payload"][:-1])
        parts.append(part)
    first, close_end = lines[0][0], lines[-1][1]
    message.set_payload(parts)
    message.preamble = body[: first - 1] if first else None
    message.epilogue = body[close_end:]
    return True


def _boundary_lines(body: str, separator: str) -> list[tuple[int, int, bool]]:
    """(start, end past its "\n", closing) of each boundary line up to the first closing one."""
    found: list[tuple[int, int, bool]] = []
    at = body.find(separator)
    while at >= 0:
        line_end = body.find("\n", at)
        end = len(body) if line_end < 0 else line_end + 1
        if at == 0 or body[at - 1] == "\n":
            rest = body[at + len(separator) : end].rstrip("\n")
            closing = rest.startswith("--")
            # The feed parser's boundary line: separator, "--" if closing, blanks.
            if not (rest[2:] if closing else rest).strip(" \t"):
                found.append((at, end, closing))
                if closing:
                    break
        at = body.find(separator, at + 1)
    return found


def _blank_line(text: str) -> tuple[int, int]:
    """Where the header block ends and the body starts; (-1, -1) without a blank line."""
    found = _BLANK_LINE.search(text)
    return (found.start(), found.end()) if found else (-1, -1)
