"""The text a message's reading starts from: its plain-text body, else its HTML.

The parse step fills ``text_body``; a message sent as HTML only leaves it empty
(or, with a simple parser, holds the markup), so then the HTML part is looked up
in the parsed message (or the raw bytes, which are always kept) and handed to
``new_text``, which turns it into text first, blockquotes as quotes.
"""

from __future__ import annotations

from email import message_from_bytes
from email.message import Message as EmailMessage
from email.policy import compat32

from corrbot.model import RawBlob
from corrbot.pipeline.context import MessageContext


def bodies(ctx: MessageContext) -> tuple[str, str | None]:
    """(plain text, HTML or None): the HTML part counts only when there is no plain one."""
    text = ctx.message.text_body or ""
    if text.strip() and not text.lstrip().startswith("<"):
        return text, None
    # Empty, or markup: what the parse step made of an HTML-only mail may be raw HTML.
    html = _html_only(_email(ctx))
    return ("", html) if html is not None else (text, None)


def _email(ctx: MessageContext) -> EmailMessage | None:
    if isinstance(ctx.parsed, EmailMessage):
        return ctx.parsed
    if not ctx.message.sha256:
        return None
    blob = ctx.session.get(RawBlob, ctx.message.sha256)
    return message_from_bytes(blob.data, policy=compat32) if blob is not None else None


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
