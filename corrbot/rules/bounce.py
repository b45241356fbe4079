"""Delivery failures: anything to cg-bounces@ (VERP or not), and DSNs that reached another address.

Out-of-office replies are often sent to the envelope sender, which is our VERP
bounce address: those are dropped as automatic mail, not counted as bounces.
"""

from __future__ import annotations

from corrbot.pipeline.context import MessageContext
from corrbot.rules.autoreply import auto_reason
from corrbot.rules.verdict import Verdict

DAEMONS = ("mailer-daemon", "postmaster", "mail-daemon", "mailerdaemon")
HEADERS = ("Content-Type",)  # what is_dsn reads (see chain); auto_reason reads autoreply's


def is_dsn(ctx: MessageContext) -> bool:
    """A delivery status notification (RFC 3464): multipart/report; report-type=delivery-status."""
    parsed = ctx.parsed
    if parsed is None:
        return False
    return bool(
        parsed.get_content_type() == "multipart/report"
        and str(parsed.get_param("report-type", "")).lower() == "delivery-status"
    )


def check(ctx: MessageContext) -> Verdict | None:
    dsn = is_dsn(ctx)
    if ctx.purpose != "bounces" and not dsn:
        return None
    if ctx.message.no_deliver:
        return Verdict("none", "bounce", "archive import: bounce not counted")
    if not dsn:
        auto = auto_reason(ctx)
        sender = (ctx.message.from_addr or "").partition("@")[0]
        if auto and "null envelope" not in auto and sender not in DAEMONS:
            return Verdict("dropped", "dropped", f"{auto} (to the bounces address)")
    where = "to the bounces address" if ctx.purpose == "bounces" else f"to {ctx.purpose} address"
    return Verdict("bounce", "bounce", f"delivery report {where}")
