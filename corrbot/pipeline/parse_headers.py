"""Reading header values the way real mail writes them, without ever raising.

Header values come from ``BytesParser(policy=compat32)`` as ``str`` in which 8-bit
bytes are kept as surrogate escapes. We turn those back into bytes and read them as
UTF-8 (else cp1252), then decode RFC 2047 encoded words ourselves: the standard
library's ``make_header`` gives up on a charset it does not know (real mail names
the charset ``a``), and ``decode_header`` turns plain non-ASCII text into
``raw-unicode-escape`` bytes. Our decoder joins adjacent words of one charset before
decoding, so a UTF-8 character split across two words comes out whole.
"""

from __future__ import annotations

import base64
import binascii
import re
from datetime import UTC, datetime, timedelta
from email.message import Message as EmailMessage
from email.utils import getaddresses, parsedate_to_datetime
from functools import lru_cache
from typing import Any

from corrbot.pipeline.parse_mime import mime_of, parts_of
from corrbot.pipeline.parse_text import decode_bytes

_ENCODED_WORD = re.compile(r"=\?([^?\s]+)\?([qQbB])\?([^?\s]*)\?=")
_BETWEEN_WORDS = re.compile(r"[ \t\r\n]*")
_QP_BYTE = re.compile(rb"=([0-9A-Fa-f]{2})")
_MSG_ID = re.compile(r"<([^<>\s]+)>")
_HIDDEN = re.compile(r"corrbotword(\d+)x")
_FOLD = re.compile(r"\r?\n[ \t]*")
# The only headers the standard library's MIME accessors read (see mime_view).
_MIME = frozenset({"content-type", "content-disposition", "content-transfer-encoding"})
# The Date layout nearly all mail writes (RFC 5322's, day name optional, any comment
# after the zone), read directly: parsedate_to_datetime's general parse costs more
# than the rest of reading the headers. ASCII digits only, as int() takes others.
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_USUAL_DATE = re.compile(
    r"(?:(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), +)?([0-9]{1,2}) +("
    + "|".join(_MONTHS)
    + r") +([1-9][0-9]{3}) +([0-9]{2}):([0-9]{2}):([0-9]{2}) +([+-])([0-9]{2})([0-9]{2})(?: .*)?"
)
# Longest id the message table holds (String(998), the RFC 5322 line limit).
MAX_ID = 998


def clean(text: str) -> str:
    """Text any database accepts: no NUL (PostgreSQL refuses it), no lone surrogates."""
    if "\x00" in text:
        text = text.replace("\x00", "")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        text = text.encode("utf-8", "replace").decode("utf-8")
    return text


def raw_header(msg: EmailMessage, name: str, hint: str | None = None) -> str | None:
    """The first header of that name, unfolded, with any 8-bit bytes read as text.

    Raw 8-bit bytes are read as UTF-8, else in ``hint`` (see ``charset_hint``).
    """
    wanted = name.lower()
    for key, value in msg.raw_items():
        if key.lower() == wanted:
            return read_raw(value, hint)
    return None


def read_raw(value: object, hint: str | None = None) -> str:
    """A raw header value (from ``raw_items``) as ``raw_header`` gives it."""
    text = str(value)
    if _has_surrogates(text):
        text = decode_bytes(text.encode("ascii", "surrogateescape"), None, hint)[0]
    return (_FOLD.sub(" ", text) if "\n" in text else text).strip()


def mime_view(part: EmailMessage) -> EmailMessage:
    """The part with only its Content-Type, -Disposition and -Transfer-Encoding headers.

    For the standard library's MIME accessors (``get_content_type``,
    ``get_param``, ``get_filename``, ``get_payload(decode=True)``...), which read no
    other header but scan and lower-case every header name on each call, a dozen
    calls per part. The view shares everything else with the part: its payload,
    and its defects list, so a defect noted while decoding lands on the part.
    """
    headers = [item for item in part.raw_items() if item[0].lower() in _MIME]
    if len(headers) == len(part):  # a view already (or as good as one): no copy needed
        return part
    return _view(part, headers)


def headers_and_view(
    msg: EmailMessage, names: frozenset[str]
) -> tuple[dict[str, object], EmailMessage]:
    """The raw value of the first header of each of ``names`` (lower case) present,
    and ``mime_view(msg)``: one pass over a mail's dozens of headers for both."""
    found: dict[str, object] = {}
    mime: list[tuple[str, object]] = []
    for item in msg.raw_items():
        name = item[0].lower()
        if name in names and name not in found:
            found[name] = item[1]
        if name in _MIME:
            mime.append(item)
    return found, _view(msg, mime)


def _view(part: EmailMessage, headers: list[tuple[str, Any]]) -> EmailMessage:
    view = EmailMessage.__new__(type(part))
    vars(view).update(vars(part))
    vars(view)["_headers"] = headers
    return view


def header_text(msg: EmailMessage, name: str, hint: str | None = None) -> str:
    """The first header of that name as display text (encoded words decoded)."""
    return display_text(raw_header(msg, name, hint))


def display_text(raw: str | None) -> str:
    """A ``raw_header`` value as display text (encoded words decoded)."""
    return clean(decode_words(raw)) if raw else ""


def decode_words(value: str) -> str:
    """Decode RFC 2047 encoded words; whitespace between two encoded words is dropped."""
    out: list[str] = []
    pending: list[tuple[str, bytes]] = []  # adjacent encoded words not yet decoded
    pos = 0
    for match in _ENCODED_WORD.finditer(value):
        gap = value[pos : match.start()]
        if pending and not _BETWEEN_WORDS.fullmatch(gap):
            out.append(_flush(pending))
        if not pending:
            out.append(gap)
        charset = match.group(1).split("*", 1)[0].lower()  # RFC 2231 "utf-8*en"
        data = _word_bytes(match.group(2).upper(), match.group(3))
        if pending and pending[-1][0] == charset:
            pending[-1] = (charset, pending[-1][1] + data)
        else:
            pending.append((charset, data))
        pos = match.end()
    if pending:
        out.append(_flush(pending))
    out.append(value[pos:])
    return "".join(out)


def _flush(pending: list[tuple[str, bytes]]) -> str:
    text = "".join(decode_bytes(data, charset)[0] for charset, data in pending)
    pending.clear()
    return text


def _word_bytes(encoding: str, text: str) -> bytes:
    if encoding == "Q":
        raw = text.replace("_", " ").encode("ascii", "replace")
        return _QP_BYTE.sub(lambda m: bytes([int(m.group(1), 16)]), raw)
    padded = text + "=" * (-len(text) % 4)
    try:
        return base64.b64decode(padded)
    except (binascii.Error, ValueError):
        return text.encode("ascii", "replace")


def charset_hint(msg: EmailMessage) -> str | None:
    """The charset of the message's (first) text: how its raw 8-bit headers are likely written."""
    part: object = msg
    for _ in range(3):  # a few levels of multipart are enough for a guess
        if not isinstance(part, EmailMessage):
            return None
        view = mime_view(part)
        mime = mime_of(view)
        if mime.charset_raised:  # malformed parameters: no guess
            return None
        if mime.charset:
            return str(mime.charset)
        payload = parts_of(view, mime)
        part = payload[0] if payload else None
    return None


@lru_cache(maxsize=4096)
def sender_of(raw: str) -> tuple[str, str]:
    """(display name, lower-cased address) of a From header read as ``read_raw`` does.

    The address list is split before encoded words are decoded, so a name such as
    ``=?utf-8?q?Doe,_Jane?=`` does not break into two addresses at its comma.
    Cached: the address parser is slow, and a list's posters write the same From
    line message after message.
    """
    # Clients put commas inside encoded words ("=?utf-8?q?Doe,_Jane?="), which the
    # address splitter would cut at: hide each word behind a plain token first.
    words: list[str] = []

    def hide(match: re.Match[str]) -> str:
        words.append(match.group(0))
        return f"corrbotword{len(words) - 1}x"

    hidden = _ENCODED_WORD.sub(hide, raw)
    for name, addr in getaddresses([hidden]):
        addr = addr.strip().lower()
        if "@" in addr and "corrbotword" not in addr:
            shown = _HIDDEN.sub(lambda m: words[int(m.group(1))], name)
            return clean(decode_words(shown).strip()), clean(addr)
    return "", ""


def message_ids(value: str | None) -> list[str]:
    """The ids in an In-Reply-To or References value, without <>, in order, once each.

    Ids without angle brackets (some old clients) are taken when the value holds no
    bracketed id at all; ids too long to store are skipped.
    """
    if not value:
        return []
    found = _MSG_ID.findall(value)
    if not found:
        found = [word.strip("<>,;") for word in value.split() if "@" in word]
    seen: dict[str, None] = {}
    for one in found:
        one = clean(one)
        # Bytes, not characters: PostgreSQL's index entries are limited in bytes.
        if one and len(one.encode("utf-8")) <= MAX_ID:
            seen.setdefault(one, None)
    return list(seen)


def read_date(raw: str | None) -> tuple[datetime | None, str | None]:
    """A Date header's value as (naive UTC date, None) or (None, why it could not be read)."""
    if not raw:
        return None, "date missing"
    when = _usual_date(raw)
    return (when, None) if when is not None else _parsed_date(raw)


def _usual_date(raw: str) -> datetime | None:
    """``_parsed_date``'s date for a Date in the usual layout; None for any other,
    and for a usual one the standard parser finds fault with (it says why)."""
    found = _USUAL_DATE.fullmatch(raw)
    if found is None:
        return None
    day, month, year, hour, minute, second, sign, zone_hours, zone_minutes = found.groups()
    offset = int(zone_hours) * 3600 + int(zone_minutes) * 60
    if offset >= 86400:  # beyond what a timezone can be
        return None
    try:
        when = datetime(
            int(year), _MONTHS.index(month) + 1, int(day), int(hour), int(minute), int(second)
        )
        # UTC is the local time less the zone's offset ("-0000", no zone, is UTC too).
        return when - timedelta(seconds=offset if sign == "+" else -offset)
    except (ValueError, OverflowError):
        return None


def _parsed_date(raw: str) -> tuple[datetime | None, str | None]:
    try:
        when = parsedate_to_datetime(raw)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None, f"date unreadable: {clean(raw)[:80]!r}"
    if when.tzinfo is not None:
        try:
            when = when.astimezone(UTC).replace(tzinfo=None)
        except (ValueError, OverflowError):
            return None, f"date out of range: {clean(raw)[:80]!r}"
    return when, None


def _has_surrogates(text: str) -> bool:
    return not text.isascii() and any("\udc80" <= ch <= "\udcff" for ch in text)
