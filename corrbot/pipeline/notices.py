"""Replies the understand step sends to a sender: why something they wrote was not taken.

Each is rendered from ``templates/understand/`` and queued through ``ctx.send``
with a dedupe key made of the reason and the message row, so processing the same
message again never sends the same reply twice.
"""

from __future__ import annotations

import re
from typing import Any

from corrbot.outbound.compose import Outgoing
from corrbot.pipeline.context import MessageContext

_REPLY = re.compile(r"^\s*re\s*:", re.I)


def reply(
    ctx: MessageContext,
    reason: str,
    context: dict[str, Any],
    *,
    to: str | None = None,
    subject: str | None = None,
    reply_to: str | None = None,
) -> int:
    """Answer the message's sender (or ``to``) with ``templates/understand/REASON``."""
    recipient = to or ctx.message.from_addr
    if not recipient:
        return 0
    runtime = ctx.runtime
    settings = runtime.settings
    original = ctx.message.subject or "(no subject)"
    if not _REPLY.match(original):
        original = f"Re: {original}"
    return ctx.send(
        Outgoing(
            template=f"understand/{reason}",
            context={
                "group": settings.group,
                "addresses": runtime.addresses,
                "message": ctx.message,
                **context,
            },
            to=[recipient],
            from_addr=runtime.addresses.request,
            from_name=settings.group.name,
            subject=subject or original,
            auto_submitted="auto-replied",
            in_reply_to=ctx.message.message_id,
            reply_to=reply_to,
        ),
        kind="reply",
        dedupe_key=f"understand-{reason}:{ctx.message.id}",
    )
