"""How the list writes to people: automatic replies from the request address, and
mails that carry the original message as an attachment (moderation, owner mail).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

from corrbot.config import STAKEHOLDER_GROUPS
from corrbot.model import RawBlob
from corrbot.outbound.compose import Outgoing, compose
from corrbot.outbound.queue import enqueue
from corrbot.pipeline.context import MessageContext
from corrbot.understand.subject import clean_subject

log = logging.getLogger("corrbot.list")


def base_context(ctx: MessageContext) -> dict[str, Any]:
    settings = ctx.runtime.settings
    return {
        "group": settings.group,
        "addresses": ctx.runtime.addresses,
        "message": ctx.message,
        "stakeholder_groups": STAKEHOLDER_GROUPS,
    }


def one_line(subject: str | None) -> str:
    """A subject safe to put in a header we write: one line, never empty."""
    return " ".join((subject or "").split())[:200] or "(no subject)"


def re_subject(subject: str | None, fallback: str) -> str:
    cleaned = clean_subject(subject or "")
    return f"Re: {cleaned}" if cleaned else fallback


def reply(
    ctx: MessageContext,
    template: str,
    *,
    dedupe_key: str,
    to: str | None = None,
    subject: str | None = None,
    kind: str = "reply",
    reply_to: str | None = None,
    **context: Any,
) -> int:
    """An automatic reply (RFC 3834 auto-replied) from the request address to the sender."""
    recipient = to or ctx.message.from_addr
    if not recipient:
        return 0
    out = Outgoing(
        template=f"email/{template}",
        context={**base_context(ctx), **context},
        to=[recipient],
        from_addr=ctx.runtime.addresses.request,
        from_name=ctx.runtime.settings.group.name,
        subject=subject or re_subject(ctx.message.subject, ctx.runtime.settings.group.name),
        auto_submitted="auto-replied",
        in_reply_to=ctx.message.message_id,
        references=list(ctx.message.references or []),
        reply_to=reply_to,
    )
    return ctx.send(out, kind=kind, dedupe_key=dedupe_key)


def original_of(ctx: MessageContext, message_sha: str | None) -> EmailMessage | None:
    blob = ctx.session.get(RawBlob, message_sha) if message_sha else None
    if blob is None:
        return None
    try:
        parsed = message_from_bytes(blob.data, policy=policy.default)
    except Exception as exc:  # the notice goes out without it
        log.warning("<%s> original not readable for attaching: %s", ctx.message.message_id, exc)
        return None
    return parsed if isinstance(parsed, EmailMessage) else None


def send_with_original(
    ctx: MessageContext,
    out: Outgoing,
    original: EmailMessage | None,
    *,
    kind: str,
    dedupe_key: str,
    recipients: Sequence[str] | None = None,
) -> int:
    """Compose `out`, attach the original as message/rfc822 (when it can be), and queue it."""
    if ctx.quiet:
        return 0
    runtime = ctx.runtime
    msg = compose(runtime.renderer, out, runtime.clock.now(), runtime.addresses.domain)
    if original is not None:
        try:
            msg.add_attachment(original, filename="original.eml")
            msg.as_bytes(policy=policy.SMTP)  # fail here, not in the queue, if it cannot be written
        except Exception as exc:  # a malformed original must not stop the notice itself
            log.warning("<%s> original not attached: %s", ctx.message.message_id, exc)
            msg = compose(runtime.renderer, out, runtime.clock.now(), runtime.addresses.domain)
    return enqueue(
        ctx.session,
        ctx.group.id,
        runtime.clock,
        message=msg,
        recipients=list(recipients or [*out.to, *out.cc]),
        kind=kind,
        dedupe_key=dedupe_key,
        envelope_from=runtime.addresses.bounces,
    )


def coordinators(ctx: MessageContext) -> list[str]:
    """Who runs the group: the configured coordinators, else the chair."""
    settings = ctx.runtime.settings.group
    found = [c.strip().lower() for c in settings.coordinators if c.strip()]
    return found or [settings.chair.strip().lower()]
