"""The answers that only read or set one flag: help, issues, status, whoami, digest."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select

from corrbot.list.commandlines import Command
from corrbot.list.results import Result
from corrbot.members import find_member
from corrbot.model import Deadline, Issue, Item
from corrbot.pipeline.context import MessageContext


def local(ctx: MessageContext, at: datetime) -> str:
    """A stored (naive UTC) time in the group's time zone, for people to read."""
    zone = ctx.runtime.settings.group.timezone
    shown = at.replace(tzinfo=ZoneInfo("UTC")).astimezone(ZoneInfo(zone))
    return f"{shown:%Y-%m-%d %H:%M} {zone}"


def help_(ctx: MessageContext, command: Command) -> Result:
    return Result("help", command.line, "ok")


def issues(ctx: MessageContext, command: Command) -> Result:
    found = list(
        ctx.session.scalars(
            select(Issue).where(Issue.group_id == ctx.group.id).order_by(Issue.number)
        )
    )
    return Result("issues", command.line, "ok", {"issues": found})


def status(ctx: MessageContext, command: Command) -> Result:
    now = ctx.runtime.clock.now()
    items = list(
        ctx.session.scalars(
            select(Item)
            .where(Item.group_id == ctx.group.id, Item.state == "open")
            .order_by(Item.closes_at, Item.id)
        )
    )
    deadline = ctx.session.scalar(
        select(Deadline)
        .where(Deadline.group_id == ctx.group.id, Deadline.due > now)
        .order_by(Deadline.due)
        .limit(1)
    )
    data = {
        "items": [(item, local(ctx, item.closes_at)) for item in items],
        "deadline": deadline,
        "deadline_due": local(ctx, deadline.due) if deadline else None,
    }
    return Result("status", command.line, "ok", data)


def whoami(ctx: MessageContext, command: Command) -> Result:
    member = find_member(ctx.session, ctx.group.id, ctx.message.from_addr or "")
    if member is None:
        return Result("whoami", command.line, "not-member", {"email": ctx.message.from_addr})
    joined = local(ctx, member.joined_at)
    return Result("whoami", command.line, "ok", {"member": member, "joined": joined})


def digest(ctx: MessageContext, command: Command) -> Result:
    member = find_member(ctx.session, ctx.group.id, ctx.message.from_addr or "")
    if member is None or member.status == "left":
        return Result("digest", command.line, "not-member")
    wanted = command.args[0].lower() if command.args else ""
    if wanted not in ("on", "off"):
        return Result("digest", command.line, "usage", {"digest": member.digest})
    member.digest = wanted == "on"
    return Result("digest", command.line, "ok", {"digest": member.digest})
