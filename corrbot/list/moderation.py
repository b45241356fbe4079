"""Held posts: kept, put to the coordinators, approved or rejected by a reply.

Each coordinator gets a moderation request with a token of their own (a token is
bound to one address). Their reply decides by its first line of new text:
`approve` (also accept, ok, yes) or `reject [reason]` (also decline, discard, no).
A bare reply, with nothing but the quoted request, approves: replying is the
confirmation, as for joining. Any other first line decides nothing: the token
stays open and the coordinator is asked again. The first decision wins; the other
coordinators' tokens are closed with it.
"""

from __future__ import annotations

import logging

from corrbot.list import mailing, ratelimit, tokens
from corrbot.members import find_member
from corrbot.model import Message, PendingConfirmation
from corrbot.outbound.compose import Outgoing
from corrbot.pipeline import parse
from corrbot.pipeline.context import MessageContext
from corrbot.understand.quotes import new_text

log = logging.getLogger("corrbot.list")

_APPROVE = ("approve", "approved", "accept", "accepted", "ok", "okay", "yes", "post")
_REJECT = ("reject", "rejected", "decline", "declined", "discard", "deny", "no")


def hold(ctx: MessageContext) -> None:
    """Ask every coordinator to decide on this held post; tell the sender it waits."""
    message = ctx.message
    original = mailing.original_of(ctx, message.sha256)
    for coordinator in mailing.coordinators(ctx):
        pending = tokens.issue_for(ctx, "moderate", coordinator, message=message.id)
        out = Outgoing(
            template="email/moderation-request",
            context={**mailing.base_context(ctx), "reason": message.status_reason},
            to=[coordinator],
            from_addr=ctx.runtime.addresses.owner,
            from_name=ctx.runtime.settings.group.name,
            subject=f"Held for approval: {mailing.one_line(message.subject)}",
            reply_to=ctx.runtime.addresses.confirm(pending.token),
        )
        mailing.send_with_original(
            ctx, out, original, kind="moderation", dedupe_key=f"moderate:{message.id}"
        )
    log.info("<%s> held: %s", message.message_id, message.status_reason)
    if message.from_addr and ratelimit.allow(ctx, message.from_addr):
        mailing.reply(ctx, "held-notice", dedupe_key=f"held:{message.id}")


def decision_of(text: str) -> tuple[str | None, str]:
    """("approve"|"reject"|None, reason) from the first line of a coordinator's new text."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if not lines:
        return "approve", ""
    words = lines[0].split(maxsplit=1)
    word = words[0].lower().strip(".,:;!")
    rest = words[1].strip() if len(words) > 1 else ""
    reason = "\n".join([rest, *lines[1:]]).strip()
    if word in _APPROVE:
        return "approve", ""
    if word in _REJECT:
        return "reject", reason
    return None, ""


def confirm_moderation(ctx: MessageContext, pending: PendingConfirmation) -> None:
    held = ctx.session.get(Message, int(str((pending.payload or {}).get("message", 0))))
    if held is None or held.group_id != ctx.group.id:
        ctx.message.status_reason = "moderation: the held message is gone"
        return
    if held.status != "held":
        ctx.message.status_reason = f"moderation: already decided ({held.status})"
        mailing.reply(ctx, "moderation-done", dedupe_key=f"moderated:{ctx.message.id}", held=held)
        return
    decision, reason = decision_of(new_text(ctx.message.text_body or ""))
    if decision is None:
        pending.used_at = None  # nothing decided: the coordinator may answer again
        ctx.message.status_reason = "moderation: neither approve nor reject"
        mailing.reply(
            ctx,
            "moderation-unclear",
            dedupe_key=f"moderated:{ctx.message.id}",
            reply_to=ctx.runtime.addresses.confirm(pending.token),
            held=held,
        )
        return
    _close_siblings(ctx, held.id)
    who = pending.email
    if decision == "approve":
        held.status_reason = f"approved by {who}"
        _run_accepted(ctx, held)
    else:
        held.status = "rejected"
        held.status_reason = f"rejected by {who}" + (f": {reason}" if reason else "")
        _tell_rejected(ctx, held, reason)
    ctx.message.status_reason = f"moderation: {held.status_reason}"
    log.info("<%s> %s", held.message_id, held.status_reason)
    mailing.reply(ctx, "moderation-done", dedupe_key=f"moderated:{ctx.message.id}", held=held)


def _close_siblings(ctx: MessageContext, held_id: int) -> None:
    now = ctx.runtime.clock.now()
    for other in tokens.open_tokens(ctx, "moderate"):
        if (other.payload or {}).get("message") == held_id:
            other.used_at = now


def _run_accepted(ctx: MessageContext, held: Message) -> None:
    """The approved post goes through exactly what an accepted post goes through."""
    from corrbot.pipeline.context import MessageContext as Context
    from corrbot.pipeline.runner import accepted_handlers

    post = Context(runtime=ctx.runtime, session=ctx.session, group=ctx.group, message=held)
    reason = held.status_reason
    if not parse.parse(post):  # it read before; if it no longer does, parse said why
        return
    held.status, held.status_reason = "accepted", reason
    post.purpose = "post"
    post.member = find_member(ctx.session, ctx.group.id, held.from_addr or "")
    for handler in accepted_handlers():
        handler(post)


def _tell_rejected(ctx: MessageContext, held: Message, reason: str) -> None:
    sender = held.from_addr
    if not sender or held.no_deliver or not ratelimit.allow(ctx, sender):
        return
    out = Outgoing(
        template="email/post-rejected",
        context={**mailing.base_context(ctx), "held": held, "reason": reason},
        to=[sender],
        from_addr=ctx.runtime.addresses.owner,
        from_name=ctx.runtime.settings.group.name,
        subject=mailing.re_subject(held.subject, "Your message was not posted"),
        auto_submitted="auto-replied",
        in_reply_to=held.message_id,
    )
    ctx.send(out, kind="reply", dedupe_key=f"rejected:{held.id}")
