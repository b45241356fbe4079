"""Send each deadline's report exactly once: claim, render and queue in ONE transaction.

The claim is a `Report` row whose (group, key) is unique. It is the transaction's
first write, so a second tick or `serve` racing for the same deadline waits on it
and then fails on the unique key, and does nothing. Rendering and queuing happen in
the same transaction, so a crash before the commit loses the claim together with
the queued mail, and the next tick sends the report; after the commit both exist.

An update report covers the posts posted (``Message.posted_at``) after the previous
update report's period ended (the first one: since the group was created, or since
its first message if that is older) up to its deadline. A report claimed more than
a tick's slack after its due time says it is late, and reports up to when it is
sent unless a later update deadline has passed too (see ``period_end``).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from corrbot.model import Deadline, Group, Message, Report
from corrbot.outbound.compose import Attachment, compose
from corrbot.outbound.queue import enqueue
from corrbot.reports.collect import collect_update
from corrbot.reports.documents import attachments, collect_document
from corrbot.reports.render import base_context, outgoing, report_envelope, report_recipients
from corrbot.runtime import Runtime

log = logging.getLogger("corrbot.reports")


@dataclass
class Built:
    context: dict[str, Any]
    attachments: list[Attachment]
    period_start: datetime | None


def late_after(runtime: Runtime) -> timedelta:
    """How far past due a claim may be before the report says it is late."""
    return max(timedelta(hours=1), timedelta(seconds=2 * runtime.settings.reports.tick_seconds))


def previous_end(session: Session, group_id: int, exclude_key: str | None = None) -> datetime:
    """Where the next update report's period starts."""
    query = select(func.max(Report.period_end)).where(
        Report.group_id == group_id, Report.kind == "update-report"
    )
    if exclude_key is not None:
        query = query.where(Report.key != exclude_key)
    end = session.scalar(query)
    if end is not None:
        return end
    # The first report covers everything before it: the group's start, or its first
    # message if that is older (an archive imported, or replayed, after `init`).
    group = session.get(Group, group_id)
    assert group is not None
    first = session.scalar(select(func.min(Message.posted_at)).where(Message.group_id == group_id))
    if first is not None and first <= group.created_at:
        return first - timedelta(microseconds=1)  # periods exclude their start
    return group.created_at


def period_end(
    session: Session, group_id: int, due: datetime, now: datetime, late: bool
) -> datetime:
    """Where an update report's period ends: at its deadline, except for a late report
    no later update deadline has overtaken, which reports up to when it is sent.

    What came in after a passed deadline (while corrbot was stopped, or an archive
    ticked past its dates) belongs to the next report; when no later update report
    is due yet, the late one is the next report anyone will read, so it says it now.
    Several overtaken deadlines sent in one tick still split the time at each.
    """
    if not late or due >= now:
        return min(due, now)
    overtaken = session.scalar(
        select(func.count()).where(
            Deadline.group_id == group_id,
            Deadline.kind == "update-report",
            Deadline.due > due,
            Deadline.due <= now,
        )
    )
    return due if overtaken else now


def build(
    session: Session,
    runtime: Runtime,
    *,
    kind: str,
    key: str,
    due: datetime,
    now: datetime,
    late: bool,
    with_attachments: bool = True,
) -> Built:
    """What a deadline report says, ready for `render.outgoing` or a preview."""
    group_id = runtime.group_id
    context = base_context(runtime, kind=kind, key=key, now=now)
    context.update(due=due, late=late)
    if kind == "update-report":
        end = period_end(session, group_id, due, now, late)
        start = min(previous_end(session, group_id, exclude_key=key), end)
        context["data"] = collect_update(session, group_id, start, end)
        return Built(context, [], start)
    doc = collect_document(session, group_id, kind)
    context.update(doc=doc, mapping=doc.mapping, referred=doc.referred)
    files = (
        attachments(
            runtime.renderer, doc, kind=kind, key=key, group_name=context["group_name"], now=now
        )
        if with_attachments
        else []
    )
    return Built(context, files, None)


def send_due(runtime: Runtime) -> int:
    """Claim and queue every report due as of the runtime's clock; returns how many."""
    from corrbot.reports.digest import send_digests

    now = runtime.clock.now()
    with runtime.sessions() as session:
        claimed = select(Report.key).where(Report.group_id == runtime.group_id)
        due = session.execute(
            select(Deadline.id, Deadline.key, Deadline.kind, Deadline.due)
            .where(
                Deadline.group_id == runtime.group_id,
                Deadline.due <= now,
                Deadline.key.not_in(claimed),
            )
            .order_by(Deadline.due, Deadline.key)
        ).all()
    sent = sum(1 for d in due if send_one(runtime, d.id, d.key, d.kind, d.due))
    return sent + send_digests(runtime)


def send_one(runtime: Runtime, deadline_id: int, key: str, kind: str, due: datetime) -> bool:
    """Claim, build, queue and mark sent in one transaction; False if already claimed."""
    now = runtime.clock.now()
    late = now - due > late_after(runtime)
    try:
        with runtime.sessions() as session, session.begin():
            report = Report(
                group_id=runtime.group_id,
                key=key,
                kind=kind,
                deadline_id=deadline_id,
                period_end=period_end(session, runtime.group_id, due, now, late),
                claimed_at=now,
                late=late,
            )
            session.add(report)
            session.flush()  # the claim: a concurrent claimer blocks here, then fails
            built = build(session, runtime, kind=kind, key=key, due=due, now=now, late=late)
            report.period_start = built.period_start
            out = outgoing(
                runtime,
                kind,
                built.context,
                to=report_recipients(runtime),
                key=key,
                attachments=built.attachments,
            )
            message = compose(runtime.renderer, out, now, runtime.addresses.domain)
            queued = enqueue(
                session,
                runtime.group_id,
                runtime.clock,
                message=message,
                recipients=report_envelope(session, runtime),
                kind="report",
                dedupe_key=f"report:{key}",
                envelope_from=runtime.addresses.bounces,
            )
            report.sent_at = now
    except IntegrityError:
        log.info("report %s already claimed elsewhere", key)
        return False
    log.info(
        "report %s (%s) queued to %d recipients as <%s>%s",
        key,
        kind,
        queued,
        str(message["Message-ID"]).strip("<>"),
        " (late)" if late else "",
    )
    return True
