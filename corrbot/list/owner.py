"""Mail to cg-owner@ reaches the coordinators, the original attached and untouched.

Attached rather than resent: a resent copy keeps the sender's From: and fails
DMARC at the coordinators' providers; an attachment from our own address does
not. Reply-To is the original sender, so that a coordinator's reply reaches them.
"""

from __future__ import annotations

import logging

from corrbot.list import mailing
from corrbot.outbound.compose import Outgoing
from corrbot.pipeline.context import MessageContext

log = logging.getLogger("corrbot.list")


def forward(ctx: MessageContext) -> None:
    message = ctx.message
    recipients = mailing.coordinators(ctx)
    out = Outgoing(
        template="email/owner-forward",
        context=mailing.base_context(ctx),
        to=recipients,
        from_addr=ctx.runtime.addresses.owner,
        from_name=f"{ctx.runtime.settings.group.name} owner",
        subject=f"Fwd: {mailing.one_line(message.subject)}",
        reply_to=message.from_addr or None,
        headers={"X-Loop": ctx.runtime.addresses.post},
    )
    original = mailing.original_of(ctx, message.sha256)
    added = mailing.send_with_original(
        ctx, out, original, kind="owner", dedupe_key=f"owner:{message.id}"
    )
    log.info("<%s> owner mail forwarded to %d coordinators", message.message_id, added)
