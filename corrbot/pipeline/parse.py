"""PLACEHOLDER (intake work replaces this): parse the raw bytes into the message row."""

from __future__ import annotations

from email import message_from_bytes
from email.policy import compat32

from corrbot.addresses import parse_address
from corrbot.model import RawBlob
from corrbot.pipeline.context import MessageContext


def parse(ctx: MessageContext) -> bool:
    """Fill the message's fields; False (and status quarantined) if it cannot be read."""
    blob = ctx.session.get(RawBlob, ctx.message.sha256)
    assert blob is not None
    msg = message_from_bytes(blob.data, policy=compat32)
    ctx.parsed = msg
    m = ctx.message
    m.subject = str(msg.get("Subject", ""))
    m.from_name, m.from_addr = parse_address(str(msg.get("From", "")))
    payload = msg.get_payload(decode=True)
    m.text_body = payload.decode("utf-8", "replace") if isinstance(payload, bytes) else ""
    m.in_reply_to = str(msg.get("In-Reply-To", "")).strip().strip("<>") or None
    return True
