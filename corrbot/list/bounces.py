"""Delivery failures: count them per member, stop delivering after a threshold.

The failed address comes from the VERP envelope (cg-bounces+ana=example.org@),
else from the report's Final-Recipient fields. Only permanent failures count
(a DSN with Action: failed, or a non-standard bounce to a VERP address that comes
from a mail daemon or says so in its Subject; a person's reply is not a bounce); delays and
success reports are recorded and ignored. At `[delivery] bounce_threshold` the
member is set to "bouncing" (no more copies) and the coordinators are told. The
count adds up while bounces come less than `bounce_stale_days` apart (as Mailman's
bounce score does), and starts again from zero when an operator re-activates the
member with `corrbot members add`.
"""

from __future__ import annotations

import logging
import re
from datetime import timedelta
from email.message import Message as EmailMessage

from corrbot.list import mailing
from corrbot.members import find_member
from corrbot.model import Member
from corrbot.outbound.compose import Outgoing
from corrbot.pipeline.context import MessageContext
from corrbot.rules.bounce import DAEMONS, is_dsn

log = logging.getLogger("corrbot.list")


def _dsn_fields(parsed: EmailMessage) -> list[tuple[str, str]]:
    """(recipient, action) for each per-recipient block of a delivery-status part."""
    found: list[tuple[str, str]] = []
    for part in parsed.walk():
        if part.get_content_type() != "message/delivery-status":
            continue
        blocks = part.get_payload()
        for block in blocks if isinstance(blocks, list) else []:
            if not isinstance(block, EmailMessage):
                continue
            rcpt = str(block.get("Final-Recipient", "") or block.get("Original-Recipient", ""))
            action = str(block.get("Action", "")).strip().lower()
            if rcpt:
                found.append((rcpt.rpartition(";")[2].strip().strip("<>").lower(), action))
    return found


_FAILURE_WORDS = re.compile(
    r"undeliver|delivery (?:status|failure|has failed)|failure notice|returned mail|"
    r"could not be delivered|not delivered|mail delivery failed|rejected",
    re.IGNORECASE,
)


def _looks_like_failure(ctx: MessageContext) -> bool:
    """A bounce in no standard format: from a mail daemon, or a subject saying so."""
    sender = (ctx.message.from_addr or "").partition("@")[0]
    return sender in DAEMONS or bool(_FAILURE_WORDS.search(ctx.message.subject or ""))


def failed_addresses(ctx: MessageContext) -> tuple[list[str], str]:
    """The addresses this report says failed permanently, and a note on what it was."""
    dsn = is_dsn(ctx)
    fields = _dsn_fields(ctx.parsed) if dsn and ctx.parsed is not None else []
    if fields and not any(action == "failed" for _, action in fields):
        actions = ", ".join(sorted({a or "none" for _, a in fields}))
        return [], f"delivery report without failure (action {actions})"
    if ctx.detail and (dsn or _looks_like_failure(ctx)):
        # VERP names the member whatever the report says
        return [ctx.detail.lower()], "failure for the VERP address"
    failed = [rcpt for rcpt, action in fields if action == "failed"]
    if failed:
        return failed, "failure named in the delivery report"
    return [], "bounce that names no recipient"


def record(ctx: MessageContext) -> None:
    addresses, note = failed_addresses(ctx)
    counted = []
    for address in addresses:
        member = find_member(ctx.session, ctx.group.id, address)
        if member is None:
            continue
        now = ctx.runtime.clock.now()
        stale = timedelta(days=ctx.runtime.settings.delivery.bounce_stale_days)
        if member.last_bounce_at is not None and now - member.last_bounce_at > stale:
            member.bounce_count = 0  # the earlier bounces were passing trouble
        member.bounce_count += 1
        member.last_bounce_at = now
        counted.append(f"{member.email} ({member.bounce_count})")
        threshold = ctx.runtime.settings.delivery.bounce_threshold
        if member.status == "active" and member.bounce_count >= threshold:
            count = member.bounce_count
            member.status = "bouncing"
            member.bounce_count = 0  # a fresh start when an operator re-activates them
            log.warning("%s set to bouncing after %d bounces", member.email, count)
            _tell_coordinators(ctx, member, count)
    ctx.message.status_reason = f"{note}: " + (", ".join(counted) or "no member counted")
    log.info("<%s> %s", ctx.message.message_id, ctx.message.status_reason)


def _tell_coordinators(ctx: MessageContext, member: Member, count: int) -> None:
    out = Outgoing(
        template="email/bouncing",
        context={**mailing.base_context(ctx), "member": member, "count": count},
        to=mailing.coordinators(ctx),
        from_addr=ctx.runtime.addresses.owner,
        from_name=ctx.runtime.settings.group.name,
        subject=f"Delivery to {member.email} stopped after {count} bounces",
        headers={"X-Loop": ctx.runtime.addresses.post},
    )
    ctx.send(out, kind="notice", dedupe_key=f"bouncing:{member.id}:{ctx.message.id}")
