"""The chair's answer to a referral: `Decision: B` or `Decision: return`, and a note.

corrbot/pipeline/confirm.py has already checked the token and that the reply comes
from the chair's address. A reply without a readable decision, or naming an option
the item does not have, changes nothing and gets a polite answer; the token stays
usable so that the chair can simply answer again. A decision is recorded on the
referral and announced to the chair, the coordinators and the list; `return`
reopens the item for a new window; an accepted new issue joins the issue list
with the next number; a decided mapping item's entry becomes the chosen option
(corrbot/consensus/agreed.py).
"""

from __future__ import annotations

import logging
from datetime import timedelta

from sqlalchemy import func, select

from corrbot.consensus import mail
from corrbot.consensus.agreed import apply_decision
from corrbot.consensus.referral import referral_context
from corrbot.model import Issue, Item, Option, PendingConfirmation, Referral
from corrbot.outbound.compose import Outgoing
from corrbot.pipeline.context import MessageContext
from corrbot.understand import decision, new_text

log = logging.getLogger("corrbot.consensus")


def confirm_decision(ctx: MessageContext, pending: PendingConfirmation) -> None:
    session = ctx.session
    referral = session.get(Referral, int(str(pending.payload.get("referral_id", 0))))
    item = session.get(Item, referral.item_id) if referral else None
    if referral is None or item is None or referral.state != "pending":
        _refuse(ctx, pending, "already-decided", keep_token=False)
        return
    found = decision(reply_text(ctx))
    if found is None:
        _refuse(ctx, pending, "no-decision")
        return
    letters = list(
        session.scalars(
            select(Option.letter).where(Option.item_id == item.id).order_by(Option.letter)
        )
    )
    if found.choice != "return" and found.choice not in letters:
        _refuse(ctx, pending, "no-such-option", choice=found.choice, letters=letters)
        return
    now = ctx.runtime.clock.now()
    referral.decision = found.choice
    referral.note = found.note or None
    referral.decided_at = now
    referral.decision_message_id = ctx.message.id
    added: Issue | None = None
    if found.choice == "return":
        referral.state = "returned"
        item.state = "open"
        item.closed_at = None
        item.closes_at = now + timedelta(days=ctx.runtime.settings.consensus.window_days)
    else:
        referral.state = "decided"
        item.state = "decided"
        if item.kind == "new-issue":
            added = _add_issue(ctx, item, referral, found.choice)
        apply_decision(session, item, found.choice, now)
    session.flush()
    ctx.message.status_reason = f"decision {found.choice} on referral {referral.id}"
    log.info("<%s> referral %d: %s", ctx.message.message_id, referral.id, found.choice)
    if ctx.quiet:
        return
    context = referral_context(session, ctx.runtime, item, referral)
    context["added_issue"] = added
    mail.to_group(
        session,
        ctx.runtime,
        template="consensus/decision",
        context=context,
        subject=f"Decision on referral: {item.title}",
        kind="decision",
        dedupe_key=f"decision:{referral.id}",
    )


def answer_stray_decision(ctx: MessageContext, text: str) -> bool:
    """The chair wrote `Decision:` to the list, not to a referral: say where it counts."""
    sender = (ctx.message.from_addr or "").lower()
    if sender != mail.chair(ctx.runtime) or decision(text) is None:
        return False
    ctx.message.status_reason = (ctx.message.status_reason or "") + "; decision line not counted"
    ctx.send(
        Outgoing(
            template="consensus/decision-refused",
            context={
                "problem": "not-a-referral",
                "choice": "",
                "letters": [],
                "group_name": ctx.runtime.settings.group.name,
                "answer_to": None,
            },
            to=[sender],
            from_addr=ctx.runtime.addresses.owner,
            from_name=ctx.runtime.settings.group.name,
            subject=f"Not recorded: {ctx.message.subject or 'your decision'}",
            auto_submitted="auto-replied",
            in_reply_to=ctx.message.message_id,
        ),
        kind="reply",
        dedupe_key=f"decision-stray:{ctx.message.id}",
    )
    return True


def reply_text(ctx: MessageContext) -> str:
    """The chair's own words (the confirm route does not run the understand step)."""
    message = ctx.message
    if message.new_text is not None:
        return message.new_text
    text = message.text_body or ""
    html = None
    parsed = ctx.parsed
    if not text.strip() and parsed is not None and hasattr(parsed, "walk"):
        for part in parsed.walk():
            payload = part.get_payload(decode=True)
            if not isinstance(payload, bytes):
                continue
            charset = part.get_content_charset() or "utf-8"
            try:
                decoded = payload.decode(charset, "replace")
            except LookupError:
                decoded = payload.decode("utf-8", "replace")
            if part.get_content_type() == "text/plain" and not text.strip():
                text = decoded
            elif part.get_content_type() == "text/html" and html is None:
                html = decoded
    return new_text(text, html)


def _add_issue(ctx: MessageContext, item: Item, referral: Referral, letter: str) -> Issue:
    session = ctx.session
    title = session.scalar(
        select(Option.text).where(Option.item_id == item.id, Option.letter == letter)
    )
    number = (
        session.scalar(select(func.max(Issue.number)).where(Issue.group_id == ctx.group.id)) or 0
    ) + 1
    issue = Issue(
        group_id=ctx.group.id,
        number=number,
        title=" ".join((title or item.title).split()),
        aliases="",
        added_by_referral_id=referral.id,
    )
    session.add(issue)
    session.flush()
    item.issue_id = issue.id  # the item is now about the issue it added
    log.info("issue %d added by referral %d", number, referral.id)
    return issue


def _refuse(
    ctx: MessageContext,
    pending: PendingConfirmation,
    problem: str,
    *,
    keep_token: bool = True,
    choice: str = "",
    letters: list[str] | None = None,
) -> None:
    if keep_token:
        pending.used_at = None  # nothing was done: the chair may answer again
    ctx.message.status_reason = f"decision refused: {problem}"
    if not ctx.message.from_addr:
        return
    runtime = ctx.runtime
    ctx.send(
        Outgoing(
            template="consensus/decision-refused",
            context={
                "problem": problem,
                "choice": choice,
                "letters": letters or [],
                "group_name": runtime.settings.group.name,
                "answer_to": runtime.addresses.confirm(pending.token) if keep_token else None,
            },
            to=[ctx.message.from_addr],
            from_addr=runtime.addresses.owner,
            from_name=runtime.settings.group.name,
            subject=f"Not recorded: {ctx.message.subject or 'your decision'}",
            auto_submitted="auto-replied",
            in_reply_to=ctx.message.message_id,
            reply_to=runtime.addresses.confirm(pending.token) if keep_token else None,
        ),
        kind="reply",
        dedupe_key=f"decision-refused:{ctx.message.id}",
    )
