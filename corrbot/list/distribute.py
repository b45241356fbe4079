"""Send every accepted post to the group: one queued copy per recipient.

Recipients: every active member (observers too: they read, they only cannot
post), the coordinators and the chair; not members who chose the daily digest,
nor bouncing or former members. Each copy keeps the poster's body, MIME and
Message-ID, and gets the list headers (RFC 2919 List-Id, RFC 2369 List-*, RFC 8058
one-click List-Unsubscribe-Post), X-Loop, Precedence: list, the subject prefix,
Reply-To per `[group] reply_to`, and the DMARC From: rewrite when needed. The
envelope sender is the recipient's VERP bounce address, so each copy is its own
outbox row, keyed "post:<row id>|<recipient>": processing again never sends twice.
"""

from __future__ import annotations

import logging

from sqlalchemy import select

from corrbot.list import dmarc, tokens
from corrbot.list.headers import HeaderBlock, fold
from corrbot.model import Member, OutboxEntry, RawBlob
from corrbot.outbound.queue import Copy, enqueue_copies
from corrbot.pipeline.context import MessageContext
from corrbot.rules.loops import list_id_value
from corrbot.runtime import Runtime

log = logging.getLogger("corrbot.list")

# Headers the list replaces, or that must not travel to members (envelope
# leftovers, receipts requests, credentials, signatures our edits break).
_DROPPED = [
    "list-id",
    "list-post",
    "list-help",
    "list-subscribe",
    "list-unsubscribe",
    "list-unsubscribe-post",
    "list-archive",
    "list-owner",
    "precedence",
    "dkim-signature",
    "return-path",
    "delivered-to",
    "x-original-to",
    "approved",
    "approve",
    "bcc",
    "disposition-notification-to",
    "return-receipt-to",
    "x-confirm-reading-to",
]
UNSUBSCRIBE_DAYS = 180


def recipients(ctx: MessageContext) -> list[str]:
    addresses = ctx.runtime.addresses
    rows = ctx.session.scalars(
        select(Member.email)
        .where(
            Member.group_id == ctx.group.id,
            Member.status == "active",
            Member.digest.is_(False),
        )
        .order_by(Member.id)
    )
    return [e for e in rows if addresses.classify(e) is None]


def subject_with_prefix(runtime: Runtime, subject: str) -> str:
    group = runtime.settings.group
    prefix = group.subject_prefix if group.subject_prefix is not None else f"[{group.name}]"
    if not prefix or prefix.lower() in subject.lower():
        return subject
    return f"{prefix} {subject}".strip()


def list_copy(ctx: MessageContext, raw: bytes) -> HeaderBlock:
    """The copy every recipient gets, before its own List-Unsubscribe."""
    runtime, message = ctx.runtime, ctx.message
    group, addresses = runtime.settings.group, runtime.addresses
    block = HeaderBlock(raw)
    subject = block.value("Subject") or message.subject or ""
    block.put("Subject", subject_with_prefix(runtime, subject))
    block.remove(*_DROPPED)
    sender = message.from_addr or ""
    rewrite = bool(sender) and dmarc.needs_rewrite(group, sender)
    original_reply_to = block.get("Reply-To")
    if rewrite:
        original_from = block.renamed("From", "X-Original-From")
        block.remove("X-Original-From")
        block.put(
            "From", dmarc.rewritten_from(group, addresses.post, message.from_name or "", sender)
        )
        if original_from:
            block.add_raw(original_from)
    if group.reply_to == "list":
        block.put("Reply-To", addresses.post)
    elif group.reply_to == "sender" or (rewrite and original_reply_to is None):
        # With From: rewritten, a reply must still be able to reach the poster.
        block.remove("Reply-To")
        block.add_raw(original_reply_to or fold("Reply-To", sender))
    block.add("List-Id", list_id_value(group.name, addresses.post))
    block.add("List-Post", f"<mailto:{addresses.post}>")
    block.add("List-Help", f"<mailto:{addresses.request}?subject=help>")
    block.add("List-Subscribe", f"<mailto:{addresses.request}?subject=join>")
    block.add("List-Owner", f"<mailto:{addresses.owner}>")
    if group.archive_url:
        block.add("List-Archive", f"<{group.archive_url}>")
    block.add("X-Loop", addresses.post)
    block.add("Precedence", "list")
    return block


def unsubscribe_tokens(ctx: MessageContext, emails: list[str]) -> dict[str, str]:
    """A one-click leave token per recipient, reused while it stays valid long enough."""
    from datetime import timedelta

    soon = ctx.runtime.clock.now() + timedelta(days=ctx.runtime.settings.commands.token_days)
    found: dict[str, str] = {}
    for pending in tokens.open_tokens(ctx, "leave"):
        if (pending.payload or {}).get("one_click") and pending.expires_at > soon:
            found.setdefault(pending.email, pending.token)
    for email in emails:
        if email not in found:
            pending = tokens.issue(
                ctx.session,
                ctx.runtime,
                ctx.group.id,
                action="leave",
                email=email,
                payload={"one_click": True},
                days=UNSUBSCRIBE_DAYS,
                flush=False,
            )
            found[email] = pending.token
    return found


def distribute(ctx: MessageContext) -> None:
    if ctx.quiet:
        return
    message = ctx.message
    blob = ctx.session.get(RawBlob, message.sha256) if message.sha256 else None
    if blob is None:
        message.status_reason = f"{message.status_reason or ''}; not distributed: no raw copy"
        return
    key = f"post:{message.id}"
    done = {
        r.lower()
        for r in ctx.session.scalars(
            select(OutboxEntry.recipient).where(
                OutboxEntry.group_id == ctx.group.id, OutboxEntry.dedupe_key.like(f"{key}|%")
            )
        )
    }
    todo = [r for r in recipients(ctx) if r not in done]
    if not todo:
        return
    block = list_copy(ctx, blob.data)
    addresses = ctx.runtime.addresses
    leave = unsubscribe_tokens(ctx, todo)
    one_click = fold("List-Unsubscribe-Post", "List-Unsubscribe=One-Click")
    copies = [
        Copy(
            recipient=rcpt,
            raw=block.as_bytes(
                [
                    fold(
                        "List-Unsubscribe",
                        f"<mailto:{addresses.confirm(leave[rcpt])}?subject=leave>",
                    ),
                    one_click,
                ]
            ),
            envelope_from=addresses.verp(rcpt),
        )
        for rcpt in todo
    ]
    # One bulk insert for the whole group rather than a query and an object per copy.
    enqueue_copies(
        ctx.session,
        ctx.group.id,
        ctx.runtime.clock,
        copies=copies,
        message_id=message.message_id,
        kind="post",
        dedupe_key=key,
    )
    log.info("<%s> queued to %d recipients", message.message_id, len(todo))
