"""A coordinator's tag corrections: ``Tag: b, #12`` / ``Untag: c`` in a reply to a post.

The From line of a mail proves nothing, so a correction is never applied as it
arrives: ``request_retag`` stores what is asked (a PendingConfirmation, action
"retag") and mails its token to the coordinator's own address. Only a reply
from that address carrying the token (pipeline/confirm.py) reaches
``confirm_retag``, which applies the changes as rows with source "coordinator".
A forged From therefore sends the real coordinator a request they can ignore.
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from sqlalchemy import select

from corrbot.model import Issue, Message, PendingConfirmation, Tag, Task
from corrbot.pipeline import tagging
from corrbot.pipeline.context import MessageContext
from corrbot.pipeline.notices import reply
from corrbot.understand import TagCorrection


def request_retag(ctx: MessageContext, correction: TagCorrection, target: Message | None) -> None:
    """Ask the coordinator who wrote ``correction`` to confirm it by replying."""
    if ctx.quiet:
        # An archive import sends nothing, so a token could never be answered.
        return
    if target is None:
        reply(ctx, "retag-refused", {"problem": "no-target", "unknown": []})
        return
    add, unknown_add = _resolve(ctx, correction.add)
    remove, unknown_remove = _resolve(ctx, correction.remove)
    unknown = [*unknown_add, *unknown_remove]
    if not add and not remove:
        reply(ctx, "retag-refused", {"problem": "nothing-known", "unknown": unknown})
        return
    now = ctx.runtime.clock.now()
    coordinator = (ctx.message.from_addr or "").strip().lower()
    pending = PendingConfirmation(
        group_id=ctx.group.id,
        token=secrets.token_hex(16),
        action="retag",
        email=coordinator,
        payload={
            "message_id": target.id,
            "add": add,
            "remove": remove,
            "requested_by_message_id": ctx.message.id,
        },
        created_at=now,
        expires_at=now + timedelta(days=ctx.runtime.settings.commands.token_days),
    )
    ctx.session.add(pending)
    ctx.session.flush()
    confirm_address = ctx.runtime.addresses.confirm(pending.token)
    reply(
        ctx,
        "retag-confirm",
        {
            "target": target,
            "add": _labels(add),
            "remove": _labels(remove),
            "unknown": unknown,
            "token": pending.token,
            "confirm_address": confirm_address,
        },
        to=coordinator,
        subject=f"Confirm tag correction {pending.token}",
        reply_to=confirm_address,
    )


def confirm_retag(ctx: MessageContext, pending: PendingConfirmation) -> None:
    """Apply a confirmed correction (the ACTIONS entry "retag" of pipeline/confirm.py)."""
    payload = pending.payload
    target_id = payload.get("message_id")
    target = ctx.session.get(Message, target_id) if isinstance(target_id, int) else None
    if target is None:
        reply(ctx, "retag-refused", {"problem": "no-target", "unknown": []})
        return
    rows = {
        (row.kind, row.key): row
        for row in ctx.session.scalars(select(Tag).where(Tag.message_id == target.id))
    }
    for kind, key in _pairs(payload.get("remove")):
        row = rows.get((kind, key))
        if row is not None:
            row.active, row.source = False, "coordinator"
    for kind, key in _pairs(payload.get("add")):
        row = rows.get((kind, key))
        if row is None:
            row = Tag(message_id=target.id, kind=kind, key=key)
            ctx.session.add(row)
            rows[(kind, key)] = row
        row.active, row.source, row.confidence = True, "coordinator", 1.0
    ctx.session.flush()
    # Replies that inherited the old tags follow the correction.
    tagging.reinherit_children(
        ctx.session,
        target.id,
        tagging.task_refs(ctx.session, ctx.group.id),
        tagging.issue_refs(ctx.session, ctx.group.id),
        ctx.runtime.settings.tagging.classifier_threshold,
    )
    added, removed = _pairs(payload.get("add")), _pairs(payload.get("remove"))
    reply(ctx, "retag-done", {"target": target, "add": _labels(added), "remove": _labels(removed)})


def _resolve(ctx: MessageContext, tokens: tuple[str, ...]) -> tuple[list[list[str]], list[str]]:
    """Known (kind, key) pairs for tokens "b" / "#12", and the tokens nobody knows."""
    group_id = ctx.group.id
    task_keys = {
        key.lower(): key
        for key in ctx.session.scalars(select(Task.key).where(Task.group_id == group_id))
    }
    numbers = set(ctx.session.scalars(select(Issue.number).where(Issue.group_id == group_id)))
    known: list[list[str]] = []
    unknown: list[str] = []
    for token in tokens:
        if token.startswith("#") and int(token[1:]) in numbers:
            known.append(["issue", str(int(token[1:]))])
        elif not token.startswith("#") and token.lower() in task_keys:
            known.append(["task", task_keys[token.lower()]])
        else:
            unknown.append(token)
    return known, unknown


def _pairs(value: object) -> list[tuple[str, str]]:
    # The payload went through JSON: pairs come back as lists.
    if not isinstance(value, list):
        return []
    return [
        (str(pair[0]), str(pair[1]))
        for pair in value
        if isinstance(pair, list | tuple) and len(pair) == 2 and pair[0] in ("task", "issue")
    ]


def _labels(pairs: list[list[str]] | list[tuple[str, str]]) -> list[str]:
    return [f"task {key}" if kind == "task" else f"issue #{key}" for kind, key in pairs]
