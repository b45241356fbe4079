"""Read the stored raw bytes into the message row: sender, subject, date, references, text.

Why the standard library and not mail-parser: ``BytesParser(policy=compat32)`` is
about 7x faster than ``mailparser.parse_from_bytes`` on the linux-mips corpus (see
bench/ingest.py) and keeps header values exactly as sent, which later rules need
(``ctx.parsed`` is that ``email.message.Message``; ``parse_headers.header_text``
reads a header as text). ``parse_bytes`` gives that parse, building single-part
mail itself (2.5x quicker). compat32 decodes nothing by itself, so decoding is ours
and careful (parse_headers, parse_body, parse_text): unknown charsets such as ``a``
(on which ``get_content()`` raises LookupError), 8-bit headers and broken base64
are read as well as they can be and noted in ``defects``, never raised.

A message is quarantined (status ``quarantined``, a reason, ``False`` returned,
raw bytes kept) when it has no header at all, names no sender address, or cannot
be read for any other reason. A missing or unreadable Date is not fatal: the time
it was received stands in, and a defect says so.
"""

from __future__ import annotations

import logging
from email.message import Message as EmailMessage

from sqlalchemy.orm.attributes import instance_dict

from corrbot.model import Message, RawBlob
from corrbot.pipeline.context import MessageContext
from corrbot.pipeline.parse_body import read_body
from corrbot.pipeline.parse_bytes import parse_bytes
from corrbot.pipeline.parse_headers import (
    charset_hint,
    display_text,
    headers_and_view,
    message_ids,
    read_date,
    read_raw,
    sender_of,
)
from corrbot.pipeline.row_fields import RowFields

log = logging.getLogger("corrbot.pipeline")

MAX_ADDRESS = 320  # the column's width, and more than any real address needs
MAX_DEFECTS = 50  # a mangled message can report thousands; the first ones say enough
_READ = frozenset({"date", "subject", "from", "in-reply-to", "references"})


def parse(ctx: MessageContext) -> bool:
    """Fill the message's fields and ``ctx.parsed``; False (quarantined) if unreadable."""
    message = ctx.message
    try:
        return _parse(ctx)
    except Exception as exc:  # bad input must never stop the pipeline
        log.debug("<%s> unreadable", message.message_id, exc_info=True)
        _quarantine(message, f"unreadable message ({type(exc).__name__})")
        return False


def _parse(ctx: MessageContext) -> bool:
    message = ctx.message
    if ctx.ahead is not None:
        # Read ahead by the import's worker, from the bytes intake stored: its fields,
        # and the parsed mail it sent (parsed again here only if it sent none). Only
        # the fields that differ from the row's are set: setting an attribute to the
        # value it holds changes nothing (the flush writes no such column) but costs
        # 2 us, and most mail has no attachments and no defects.
        held = instance_dict(message)
        for name, value in ctx.ahead.fields.items():
            if name not in held or held[name] != value:
                setattr(message, name, value)
        if message.date is None:  # the worker does not know when it was received
            message.date = message.received_at
        ctx.parsed = ctx.ahead.parsed()
        if ctx.parsed is None:
            data = _raw(ctx)
            if data is None:
                return False
            ctx.parsed = parse_bytes(data)
        problem = ctx.ahead.problem
    else:
        data = _raw(ctx)
        if data is None:
            return False
        ctx.parsed, problem = read_message(message, data)
    if problem:
        _quarantine(message, problem)
        return False
    return True


def _raw(ctx: MessageContext) -> bytes | None:
    """The message's stored bytes; None (and quarantined) if they are missing."""
    message = ctx.message
    blob = ctx.session.get(RawBlob, message.sha256) if message.sha256 else None
    if blob is None:
        _quarantine(message, "the raw bytes of this message are missing")
        return None
    return blob.data


def read_message(message: Message, data: bytes) -> tuple[EmailMessage, str | None]:
    """Fill the row's fields from raw bytes (no database); (parsed mail, why unreadable)."""
    return read_parsed(message, parse_bytes(data))


def read_parsed(message: Message | RowFields, msg: EmailMessage) -> tuple[EmailMessage, str | None]:
    """``read_message`` of an already parsed mail (of a row, or of the plain fields an
    import's worker reads: pipeline/row_fields.py)."""
    defects: list[str] = []
    # The headers read here, found in one pass over a mail's many headers, and the
    # top level's MIME headers (what charset_hint and read_body read of it).
    heads, view = headers_and_view(msg, _READ)

    def raw(name: str, hint: str | None = None) -> str | None:
        value = heads.get(name)
        return None if value is None else read_raw(value, hint)

    date, date_problem = read_date(raw("date"))
    if date_problem:
        defects.append(f"{date_problem}; the time received stands in")
    message.date = date or message.received_at
    hint = charset_hint(view)
    message.subject = display_text(raw("subject", hint))
    from_raw = raw("from", hint)
    name, addr = sender_of(from_raw) if from_raw else ("", "")
    message.from_name = name or None
    message.from_addr = addr[:MAX_ADDRESS] or None
    replied_to = message_ids(raw("in-reply-to"))
    message.in_reply_to = replied_to[0] if replied_to else None
    message.references = [
        ref for ref in message_ids(raw("references")) if ref != message.message_id
    ]
    body = read_body(view)
    message.text_body = body.text
    message.attachments = body.attachments
    message.defects = [*defects, *body.defects][:MAX_DEFECTS]
    if not len(msg):
        return msg, "not an email: no header lines found"
    if not addr:
        return msg, "no sender: the From header is missing or names no address"
    if len(addr) > MAX_ADDRESS:
        return msg, f"sender address longer than {MAX_ADDRESS} characters"
    return msg, None


def _quarantine(message: Message, reason: str) -> None:
    # Reported in the log as well as on the row (`corrbot messages` shows the status).
    log.warning("<%s> quarantined: %s", message.message_id, reason)
    message.status = "quarantined"
    message.status_reason = reason
