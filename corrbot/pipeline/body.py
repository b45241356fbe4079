"""The text a message's reading starts from: its plain-text body, else its HTML.

The parse step fills ``text_body``; a message sent as HTML only leaves it empty
(or, with a simple parser, holds the markup), so then the HTML part is looked up
in the parsed message (or the raw bytes, which are always kept) and handed to
``new_text``, which turns it into text first, blockquotes as quotes.
"""

from __future__ import annotations

from collections.abc import Callable
from email.message import Message as EmailMessage

from corrbot.model import RawBlob
from corrbot.pipeline.context import MessageContext
from corrbot.pipeline.parse_bytes import parse_bytes


def bodies(ctx: MessageContext) -> tuple[str, str | None]:
    """(plain text, HTML or None): the HTML part counts only when there is no plain one."""
    return pick_bodies(ctx.message.text_body or "", lambda: _email(ctx))


def pick_bodies(text: str, email: Callable[[], EmailMessage | None]) -> tuple[str, str | None]:
    """``bodies`` of a text body; ``email`` gives the parsed mail, asked for only when
    the text is not plain (an import's worker reads from its own parse)."""
    if is_plain(text):
        return text, None
    html = _html_only(email())
    return ("", html) if html is not None else (text, None)


def is_plain(text: str) -> bool:
    """Whether the parse step's text body is the text to read: not empty and not
    markup (what the parse step made of an HTML-only mail may be raw HTML)."""
    return bool(text.strip()) and not text.lstrip().startswith("<")


def _email(ctx: MessageContext) -> EmailMessage | None:
    if isinstance(ctx.parsed, EmailMessage):
        return ctx.parsed
    if not ctx.message.sha256:
        return None
    blob = ctx.session.get(RawBlob, ctx.message.sha256)
    return parse_bytes(blob.data) if blob is not None else None


def _html_only(msg: EmailMessage | None) -> str | None:
    """The HTML body of a mail that has no plain-text body, else None."""
    if msg is None:
        return None
    html: str | None = None
    for part in msg.walk():
        if part.is_multipart() or _attachment(part):
            continue
        kind = part.get_content_type()
        if kind == "text/plain":
            return None
        if kind == "text/html" and html is None:
            payload = part.get_payload(decode=True)
            if isinstance(payload, bytes):
                html = _decode(payload, part.get_content_charset() or "utf-8")
    return html


def _attachment(part: EmailMessage) -> bool:
    return str(part.get("Content-Disposition", "")).lower().startswith("attachment")


def _decode(payload: bytes, charset: str) -> str:
    # Real mail names charsets Python does not know (one linux-mips message says "a").
    try:
        return payload.decode(charset, "replace")
    except LookupError:
        return payload.decode("utf-8", "replace")
