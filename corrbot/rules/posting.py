"""Who may post: active members, coordinators and the chair; everyone else is held.

The From: address identifies the poster, as on any mailing list; the envelope
sender differs legitimately (forwarders, other lists) and is not checked. One
sign of forgery is trusted: the topmost Authentication-Results header (the one
our own MTA prepends) saying the From: domain failed DMARC holds the post for the
coordinators instead of distributing it. A post that only says "unsubscribe" is
held too (administrivia, as Mailman calls it).
"""

from __future__ import annotations

import re

from corrbot.pipeline.context import MessageContext
from corrbot.rules.verdict import Verdict, header_values
from corrbot.understand.quotes import new_text
from corrbot.understand.subject import clean_subject

POSTING_ROLES = ("member", "coordinator", "chair")
HEADERS = ("Authentication-Results",)  # what it reads (see chain)
_COMMANDS = {
    "unsubscribe",
    "unsubscribe me",
    "please unsubscribe me",
    "please unsubscribe",
    "remove me",
    "please remove me",
    "subscribe",
    "leave",
    "join",
}


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
    if administrivia(ctx):
        return Verdict("held", "held", f"looks like a command for {ctx.runtime.addresses.request}")
    return Verdict("accepted", "accepted", f"post from {member.role} {member.email}")


def administrivia(ctx: MessageContext) -> bool:
    """A post that only says "unsubscribe" (or subscribe, join, leave) is meant for the robot.

    Sent to everyone it would be noise, and it would not work; held, the coordinators
    can tell the member where to write.
    """
    subject = _words(clean_subject(ctx.message.subject or ""))
    lines = [_words(line) for line in new_text(ctx.message.text_body or "").splitlines()]
    lines = [line for line in lines if line]
    if len(lines) > 2:  # a real post that happens to mention leaving
        return False
    return subject in _COMMANDS or (bool(lines) and lines[0] in _COMMANDS)


def _words(text: str) -> str:
    return " ".join(re.findall(r"[\w-]+", text.lower()))


def dmarc_failed(ctx: MessageContext) -> bool:
    results = header_values(ctx, "Authentication-Results")
    return bool(results) and "dmarc=fail" in results[0].lower().replace(" ", "")
