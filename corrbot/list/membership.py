"""Joining and leaving by email, always confirmed from the address concerned.

`join` and `leave` only mail a token to the sender's address; the change happens
in confirm_join/confirm_leave, reached through pipeline/confirm.py, which has
already checked that the reply comes from that address, once, in time.

A join without a stakeholder group asks for it in the confirmation request: the
reply must name one (a line such as "government" or "civil society"). A reply
that names none, or two, leaves the token open (until it expires) and asks again.
Coordinators and the chair come from the config and cannot leave by email.
"""

from __future__ import annotations

import logging

from corrbot.list import mailing, tokens
from corrbot.list.commandlines import Command, stakeholder_in, stakeholder_named
from corrbot.list.results import Result
from corrbot.members import MemberError, add_member, find_member
from corrbot.model import PendingConfirmation
from corrbot.pipeline.context import MessageContext
from corrbot.understand.quotes import new_text

log = logging.getLogger("corrbot.list")

OFFICERS = ("coordinator", "chair")


def request_join(ctx: MessageContext, command: Command) -> Result:
    sender = ctx.message.from_addr or ""
    member = find_member(ctx.session, ctx.group.id, sender)
    if member is not None and member.status != "left":
        return Result("join", command.line, "already", {"member": member})
    words = list(command.args)
    stakeholder, used = stakeholder_in(words)
    name = " ".join(words[used:]).strip() or ctx.message.from_name or sender.split("@")[0]
    pending = tokens.issue_for(
        ctx, "join", sender, name=name, stakeholder=stakeholder, message=ctx.message.id
    )
    log.info("<%s> join requested by %s", ctx.message.message_id, sender)
    data = {"name": name, "stakeholder": stakeholder, "expires": pending.expires_at}
    return Result("join", command.line, "confirm", data, token=pending.token)


def request_leave(ctx: MessageContext, command: Command) -> Result:
    sender = ctx.message.from_addr or ""
    member = find_member(ctx.session, ctx.group.id, sender)
    if member is None or member.status == "left":
        return Result("leave", command.line, "not-member")
    if member.role in OFFICERS:
        return Result("leave", command.line, "officer", {"member": member})
    pending = tokens.issue_for(ctx, "leave", sender, message=ctx.message.id)
    log.info("<%s> leave requested by %s", ctx.message.message_id, sender)
    return Result("leave", command.line, "confirm", {"expires": pending.expires_at}, pending.token)


def confirm_join(ctx: MessageContext, pending: PendingConfirmation) -> None:
    """Make the confirmed address a member (or an active one again)."""
    payload = pending.payload or {}
    stakeholder = payload.get("stakeholder") or stakeholder_named(
        new_text(ctx.message.text_body or "")
    )
    if not isinstance(stakeholder, str):
        pending.used_at = None  # still valid: they only have to name their group
        ctx.message.status_reason = "join not done yet: no stakeholder group named"
        mailing.reply(
            ctx,
            "join-needs-group",
            dedupe_key=f"join-needs-group:{ctx.message.id}",
            kind="confirm",
            reply_to=ctx.runtime.addresses.confirm(pending.token),
        )
        return
    existing = find_member(ctx.session, ctx.group.id, pending.email)
    try:
        member = add_member(
            ctx.session,
            ctx.group.id,
            ctx.runtime.clock,
            email=pending.email,
            name=str(payload.get("name") or pending.email.split("@")[0]),
            stakeholder=stakeholder,
            role=existing.role if existing is not None else "member",
            org=existing.org if existing is not None else None,
            country=existing.country if existing is not None else None,
        )
    except MemberError as exc:  # cannot happen with checked input; answer rather than crash
        ctx.message.status_reason = f"join refused: {exc}"
        mailing.reply(ctx, "join-refused", dedupe_key=f"joined:{ctx.message.id}", problem=str(exc))
        return
    ctx.member = member
    ctx.message.member_id = member.id
    ctx.message.status_reason = f"confirmed join: {member.email} ({stakeholder})"
    log.info("<%s> %s joined as %s", ctx.message.message_id, member.email, stakeholder)
    mailing.reply(ctx, "welcome", dedupe_key=f"joined:{ctx.message.id}", member=member)


def confirm_leave(ctx: MessageContext, pending: PendingConfirmation) -> None:
    """Set the member to "left" (kept, so past contributions stay attributed)."""
    member = find_member(ctx.session, ctx.group.id, pending.email)
    if member is None or member.status == "left":
        ctx.message.status_reason = "confirmed leave: was not a member"
        return
    if member.role in OFFICERS:
        ctx.message.status_reason = "leave refused: officers are set in the config"
        return
    member.status = "left"
    member.left_at = ctx.runtime.clock.now()
    ctx.message.status_reason = f"confirmed leave: {member.email}"
    log.info("<%s> %s left", ctx.message.message_id, member.email)
    mailing.reply(ctx, "goodbye", dedupe_key=f"left:{ctx.message.id}", member=member)
