"""Refer an item to the chair: the referral row, the chair's token, and the emails.

The chair's copy alone carries the token (its Reply-To is cg-confirm+TOKEN@, bound
to the chair's address): the copies to the coordinators and to the list must not
let anyone else answer in the chair's name. Everything here is written in the
caller's transaction, together with the item's closing.
"""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import Any

from sqlalchemy.orm import Session

from corrbot.consensus import mail
from corrbot.consensus.holders import option_holders
from corrbot.model import Issue, Item, PendingConfirmation, Referral
from corrbot.reports.render import time_formatter
from corrbot.runtime import Runtime

# The full group decides at its next meeting, which may be months away.
DECISION_TOKEN_DAYS = 366
KIND_WORDS = {"proposal": "Proposal", "mapping": "Mapping entry", "new-issue": "Proposed new issue"}


def subject(item: Item, reason: str) -> str:
    word = "Recommendation" if reason == "recommendation" else "Referral"
    return f"{word} to the Chair: {item.title}"


def referral_context(
    session: Session, runtime: Runtime, item: Item, referral: Referral
) -> dict[str, Any]:
    """What the referral and decision templates show."""
    issue = session.get(Issue, item.issue_id) if item.issue_id else None
    return {
        "group_name": runtime.settings.group.name,
        "list_address": runtime.addresses.post,
        "item": item,
        "kind_words": KIND_WORDS.get(item.kind, item.kind),
        "issue": issue,
        "referral": referral,
        "options": option_holders(session, item),
        "when": time_formatter(runtime.settings.group.timezone),
        "chair": mail.chair(runtime),
        "answer_to": None,
    }


def refer(session: Session, runtime: Runtime, item: Item, reason: str) -> Referral:
    """Record the referral and queue its emails (the chair's with the token)."""
    now = runtime.clock.now()
    # Lower-case hex: it travels in cg-confirm+TOKEN@, which may be lower-cased.
    token = secrets.token_hex(16)
    referral = Referral(item_id=item.id, token=token, reason=reason, created_at=now)
    session.add(referral)
    session.flush()
    session.add(
        PendingConfirmation(
            group_id=runtime.group_id,
            token=token,
            action="decision",
            email=mail.chair(runtime),
            payload={"referral_id": referral.id, "item_id": item.id},
            created_at=now,
            expires_at=now + timedelta(days=DECISION_TOKEN_DAYS),
        )
    )
    context = referral_context(session, runtime, item, referral)
    title = subject(item, reason)
    answer_to = runtime.addresses.confirm(token)
    key = f"referral:{referral.id}"
    chair = mail.chair(runtime)
    mail.queue(
        session,
        runtime,
        template="consensus/referral",
        context={**context, "answer_to": answer_to},
        subject=title,
        to=[chair],
        recipients=[chair],
        kind="referral",
        dedupe_key=f"{key}:chair",
        reply_to=answer_to,
    )
    mail.to_group(
        session,
        runtime,
        template="consensus/referral",
        context=context,
        subject=title,
        kind="referral",
        dedupe_key=key,
        skip_chair=True,
    )
    return referral
