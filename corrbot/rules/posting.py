"""Who may post: active members, coordinators and the chair; everyone else is held.

The From: address identifies the poster, as on any mailing list; the envelope
sender differs legitimately (forwarders, other lists) and is not checked. One
sign of forgery is trusted: the topmost Authentication-Results header (the one
our own MTA prepends) saying the From: domain failed DMARC holds the post for the
coordinators instead of distributing it.
"""

from __future__ import annotations

from corrbot.pipeline.context import MessageContext
from corrbot.rules.verdict import Verdict, header_values

POSTING_ROLES = ("member", "coordinator", "chair")


def check(ctx: MessageContext) -> Verdict:
    member = ctx.member
    if ctx.message.no_deliver:
        return Verdict("accepted", "accepted", "archive import: not moderated")
    if not ctx.message.from_addr:
        return Verdict("held", "held", "no sender address")
    if member is None or member.status == "left":
        return Verdict("held", "held", f"{ctx.message.from_addr} is not a member")
    if member.role == "observer":
        return Verdict("held", "held", "observers receive the list but do not post")
    if member.role not in POSTING_ROLES:
        return Verdict("held", "held", f"role {member.role!r} may not post")
    if dmarc_failed(ctx):
        return Verdict("held", "held", "the receiving server reports the From: failed DMARC")
    return Verdict("accepted", "accepted", f"post from {member.role} {member.email}")


def dmarc_failed(ctx: MessageContext) -> bool:
    results = header_values(ctx, "Authentication-Results")
    return bool(results) and "dmarc=fail" in results[0].lower().replace(" ", "")
