"""What the standard library's MIME accessors say of a part, worked out once per header set.

Reading a part's content type, charset, disposition and file name parses its
Content-Type and Content-Disposition parameters again on every call
(``get_param``), a third of reading a message on the linux-mips archive. Their
answers depend on nothing but the part's MIME headers (the only ones a
``parse_headers.mime_view`` keeps), its default type and the compat32 policy,
and a list's mail repeats a handful of such header sets, so ``mime_of`` asks the
accessors once per set and remembers their answers, exceptions included.
"""

from __future__ import annotations

from dataclasses import dataclass
from email.message import Message as EmailMessage
from email.policy import compat32
from functools import lru_cache
from typing import Any

# What read_body takes for a content type it cannot read.
UNREADABLE_TYPE = "application/octet-stream"
_LONGEST = 2000  # characters of a header value remembered, at most
# The transfer encodings get_payload(decode=True) decodes; it gives any other as is.
_DECODED = frozenset({"quoted-printable", "base64", "x-uuencode", "uuencode", "uue", "x-uue"})


@dataclass(frozen=True)
class Mime:
    """The answers of a part's accessors; None where one raised (``*_raised`` says so)."""

    content_type: str  # get_content_type(), UNREADABLE_TYPE if it raised
    charset: str | None  # get_content_charset()
    charset_raised: bool
    disposition: str | None  # get_content_disposition()
    filename: str | None  # get_filename()
    # get_payload's reading of Content-Transfer-Encoding (None if that raised)
    transfer: str | None


def mime_of(view: EmailMessage) -> Mime:
    """The accessors' answers for ``view``, a ``mime_view`` of a parsed part."""
    headers = view._headers  # type: ignore[attr-defined]  # what every accessor reads
    # Only what a compat32 parse makes (a plain Message, str names and values) is
    # remembered, and only values of a sane length (the cache keeps them): anything
    # else is asked afresh, as before.
    if (
        type(view) is EmailMessage
        and view.policy is compat32
        and all(type(n) is str and type(v) is str and len(v) <= _LONGEST for n, v in headers)
    ):
        return _remembered(tuple(headers), view.get_default_type())
    return _asked(view)


@lru_cache(maxsize=2048)
def _remembered(headers: tuple[tuple[str, str], ...], default_type: str) -> Mime:
    part = EmailMessage()  # compat32, as the parse makes it
    part._headers = list(headers)  # type: ignore[attr-defined]
    part.set_default_type(default_type)
    return _asked(part)


def _asked(part: EmailMessage) -> Mime:
    # Header accessors parse parameters and can trip over malformed ones.
    try:
        content_type = part.get_content_type()
    except Exception:
        content_type = UNREADABLE_TYPE
    charset: str | None = None
    charset_raised = False
    try:
        charset = part.get_content_charset()
    except Exception:
        charset_raised = True
    try:
        disposition = part.get_content_disposition()
    except Exception:
        disposition = None
    try:
        filename = part.get_filename()
    except Exception:
        filename = None
    try:
        transfer: str | None = str(part.get("content-transfer-encoding", "")).lower()
    except Exception:
        transfer = None
    return Mime(content_type, charset, charset_raised, disposition, filename, transfer)


def parts_of(view: EmailMessage, mime: Mime) -> list[Any] | None:
    """``view.get_payload()`` if that is a list (a multipart's parts), else None.

    For a single part that call only returns its text, but it reads the text as
    its charset first when it holds 8-bit bytes, and can raise there (a charset
    parameter in RFC 2231 form is a tuple, which ``bytes.decode`` refuses): made
    only then, so the caller sees the same exception.
    """
    if view.is_multipart():
        found = view.get_payload()
        return found if isinstance(found, list) else None
    payload = vars(view).get("_payload")
    if mime.transfer is None or (isinstance(payload, str) and not payload.isascii()):
        view.get_payload()
    return None


def decoded_payload(view: EmailMessage, mime: Mime) -> Any:
    """``view.get_payload(decode=True)``, without its walk over the text when that is ASCII
    and not transfer-encoded (then it is the text's bytes)."""
    payload = vars(view).get("_payload")
    if (
        type(payload) is str
        and payload.isascii()
        and mime.transfer is not None
        and mime.transfer not in _DECODED
    ):
        return payload.encode("ascii")
    return view.get_payload(decode=True)
