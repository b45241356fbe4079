"""Queue the consensus emails: to the chair, to the coordinators, and the list's copy.

The list's copy goes to every active member (the header says To: the list), so
that the group hears of referrals and decisions even though corrbot itself wrote
them; the chair and the coordinators get their own copies and are left out of it.
Mail is queued in the caller's transaction, so it exists exactly when what it
tells of was committed.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from corrbot.model import Member
from corrbot.outbound.compose import Outgoing, compose
from corrbot.outbound.queue import enqueue
from corrbot.runtime import Runtime


def chair(runtime: Runtime) -> str:
    return runtime.settings.group.chair.strip().lower()


def coordinators(runtime: Runtime) -> list[str]:
    found = (c.strip().lower() for c in runtime.settings.group.coordinators if c.strip())
    return [c for c in dict.fromkeys(found) if c != chair(runtime)]


def list_copy_recipients(session: Session, runtime: Runtime) -> list[str]:
    """Active members other than the chair and the coordinators."""
    officers = {chair(runtime), *coordinators(runtime)}
    emails = session.scalars(
        select(Member.email)
        .where(Member.group_id == runtime.group_id, Member.status == "active")
        .order_by(Member.id)
    )
    return [e for e in emails if e.lower() not in officers]


def headers(runtime: Runtime) -> dict[str, str]:
    post = runtime.addresses.post
    # X-Loop: a copy that finds its way back to the list is not taken as a post.
    return {"X-Loop": post, "List-Id": f"<{post.replace('@', '.')}>"}


def queue(
    session: Session,
    runtime: Runtime,
    *,
    template: str,
    context: dict[str, Any],
    subject: str,
    to: Sequence[str],
    recipients: Sequence[str],
    kind: str,
    dedupe_key: str,
    reply_to: str | None = None,
) -> int:
    """Render and queue one email for `recipients`; `to` is what its header shows."""
    if not recipients:
        return 0
    out = Outgoing(
        template=template,
        context=context,
        to=list(to),
        from_addr=runtime.addresses.owner,
        from_name=runtime.settings.group.name,
        subject=subject,
        reply_to=reply_to,
        headers=headers(runtime),
    )
    message = compose(runtime.renderer, out, runtime.clock.now(), runtime.addresses.domain)
    return enqueue(
        session,
        runtime.group_id,
        runtime.clock,
        message=message,
        recipients=recipients,
        kind=kind,
        dedupe_key=dedupe_key,
        envelope_from=runtime.addresses.bounces,
    )


def to_group(
    session: Session,
    runtime: Runtime,
    *,
    template: str,
    context: dict[str, Any],
    subject: str,
    kind: str,
    dedupe_key: str,
    skip_chair: bool = False,
) -> int:
    """The chair (unless told not to), the coordinators and the list, each once."""
    added = 0
    if not skip_chair:
        added += queue(
            session,
            runtime,
            template=template,
            context=context,
            subject=subject,
            to=[chair(runtime)],
            recipients=[chair(runtime)],
            kind=kind,
            dedupe_key=f"{dedupe_key}:chair",
        )
    coords = coordinators(runtime)
    added += queue(
        session,
        runtime,
        template=template,
        context=context,
        subject=subject,
        to=coords,
        recipients=coords,
        kind=kind,
        dedupe_key=f"{dedupe_key}:coordinators",
    )
    members = list_copy_recipients(session, runtime)
    added += queue(
        session,
        runtime,
        template=template,
        context=context,
        subject=subject,
        to=[runtime.addresses.post],
        recipients=members,
        kind=kind,
        dedupe_key=f"{dedupe_key}:list",
    )
    return added
