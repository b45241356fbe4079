"""Coordinators extend an item or close it early, by a confirmed reply in its thread.

A coordinator's reply within an item's thread with a line `Closes: 2013-12-10`
(a new closing date, earlier or later) or `Closes: now` asks corrbot to change
the closing time. Since a From line is easy to forge, corrbot first mails the
coordinator's own address a confirmation request; only the reply to it
(cg-confirm+TOKEN@) changes the item, and the group is told.
"""

from __future__ import annotations

import logging
import re
import secrets
from collections.abc import Callable
from datetime import datetime, timedelta

from corrbot.consensus import mail
from corrbot.consensus.items import closing_time
from corrbot.consensus.reading import PostReading
from corrbot.model import Item, PendingConfirmation
from corrbot.outbound.compose import Outgoing
from corrbot.pipeline.context import MessageContext
from corrbot.reports.render import time_formatter
from corrbot.runtime import Runtime

log = logging.getLogger("corrbot.consensus")

_NOW = re.compile(r"^\s*closes?\s*:\s*(?:now|today|immediately)\b", re.I | re.M)


def is_coordinator(runtime: Runtime, email: str | None, role: str | None) -> bool:
    return role == "coordinator" or (email or "").lower() in mail.coordinators(runtime)


def request_item_action(ctx: MessageContext, reading: PostReading, targets: list[Item]) -> bool:
    """Mail a coordinator the confirmation for a `Closes:` line; True if one was asked."""
    member = reading.member
    role = member.role if member else None
    if not is_coordinator(ctx.runtime, ctx.message.from_addr, role):
        return False
    open_items = [i for i in targets if i.state == "open"]
    now = ctx.runtime.clock.now()
    if _NOW.search(reading.new_text):
        new_time = now
    elif reading.closes is not None:
        new_time = closing_time(ctx, now, reading.closes)
    else:
        return False
    if not open_items or not ctx.message.from_addr:
        return False
    # Lower-case hex: it travels in cg-confirm+TOKEN@, which may be lower-cased.
    token = secrets.token_hex(16)
    sender = ctx.message.from_addr.lower()
    ctx.session.add(
        PendingConfirmation(
            group_id=ctx.group.id,
            token=token,
            action="item",
            email=sender,
            payload={"item_ids": [i.id for i in open_items], "closes_at": new_time.isoformat()},
            created_at=now,
            expires_at=now + timedelta(days=ctx.runtime.settings.commands.token_days),
        )
    )
    settings = ctx.runtime.settings
    answer_to = ctx.runtime.addresses.confirm(token)
    ctx.send(
        Outgoing(
            template="consensus/item-confirm",
            context={
                "items": open_items,
                "closes_at": new_time,
                "early": new_time <= now,
                "answer_to": answer_to,
                "group_name": settings.group.name,
                "when": _when(ctx.runtime),
            },
            to=[sender],
            from_addr=ctx.runtime.addresses.owner,
            from_name=settings.group.name,
            subject=f"Confirm: new closing time for {open_items[0].title}",
            reply_to=answer_to,
            in_reply_to=ctx.message.message_id,
        ),
        kind="confirm",
        dedupe_key=f"item-confirm:{ctx.message.id}",
    )
    log.info("<%s> asked %s to confirm a closing time", ctx.message.message_id, sender)
    return True


def confirm_item_action(ctx: MessageContext, pending: PendingConfirmation) -> None:
    """The coordinator confirmed: move the closing time of the items still open."""
    raw_ids = pending.payload.get("item_ids") or []
    ids = [int(str(i)) for i in raw_ids] if isinstance(raw_ids, list) else []
    new_time = datetime.fromisoformat(str(pending.payload.get("closes_at")))
    changed = []
    for item_id in ids:
        item = ctx.session.get(Item, item_id)
        if item is not None and item.state == "open":
            item.closes_at = new_time
            changed.append(item)
    ctx.message.status_reason = f"closing time of {len(changed)} item(s) changed"
    if not changed or ctx.quiet:
        return
    mail.to_group(
        ctx.session,
        ctx.runtime,
        template="consensus/item-changed",
        context={
            "items": changed,
            "closes_at": new_time,
            "early": new_time <= ctx.runtime.clock.now(),
            "group_name": ctx.runtime.settings.group.name,
            "when": _when(ctx.runtime),
            "coordinator": pending.email,
        },
        subject=f"New closing time: {changed[0].title}",
        kind="notice",
        dedupe_key=f"item-changed:{pending.id}",
        skip_chair=True,
    )


def _when(runtime: Runtime) -> Callable[..., str]:
    return time_formatter(runtime.settings.group.timezone)
