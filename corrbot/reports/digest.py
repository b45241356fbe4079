"""Daily digests: the coordinators' (what needs them) and the members' (the day's posts).

Both go out once a day at `[reports] digest_hour` in the group's time zone, claimed
like deadline reports with a `Report` row keyed "digest:YYYY-MM-DD" or
"member-digest:YYYY-MM-DD" (the local date), in one transaction with the queued
mail. Each covers the time since the previous one of its kind (at most a day back
for the first). A digest with nothing to say is claimed but not sent.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from corrbot.model import Item, Member, Message, OutboxEntry, Report
from corrbot.outbound.compose import compose
from corrbot.outbound.queue import enqueue
from corrbot.reports.items import ItemView, load_items
from corrbot.reports.render import base_context, outgoing
from corrbot.runtime import Runtime

log = logging.getLogger("corrbot.reports")
CLOSING_DAYS = 3
FAILING_SHOWN = 50


@dataclass(slots=True)
class Post:
    subject: str
    sender: str
    date: datetime
    message_id: str
    text: str


@dataclass(slots=True)
class ThreadPosts:
    title: str
    posts: list[Post] = field(default_factory=list)


@dataclass(slots=True)
class Failing:
    recipient: str
    kind: str
    state: str
    attempts: int
    error: str


@dataclass(slots=True)
class DigestData:
    period_start: datetime
    period_end: datetime
    threads: list[ThreadPosts]
    held: list[Post]
    closing: list[ItemView]
    failing: list[Failing]
    failing_total: int

    @property
    def posts(self) -> int:
        return sum(len(t.posts) for t in self.threads)

    @property
    def empty(self) -> bool:
        return not (self.threads or self.held or self.closing or self.failing)


def _post(r: Any) -> Post:
    sender = f"{r.from_name} <{r.from_addr}>" if r.from_name else (r.from_addr or "unknown")
    text = r.new_text if r.new_text is not None else (r.text_body or "")
    return Post(r.subject or "(no subject)", sender, r.date or r.posted_at, r.message_id, text)


_POST_COLUMNS = (
    Message.subject,
    Message.from_name,
    Message.from_addr,
    Message.date,
    Message.posted_at,
    Message.message_id,
    Message.new_text,
    Message.text_body,
    Message.thread_id,
)


def posts_by_thread(
    session: Session, group_id: int, start: datetime, end: datetime
) -> list[ThreadPosts]:
    rows = session.execute(
        select(*_POST_COLUMNS)
        .where(
            Message.group_id == group_id,
            Message.purpose == "post",
            Message.status == "accepted",
            # An archive import (`ingest --no-deliver`) is read, never sent out.
            Message.no_deliver.is_(False),
            Message.posted_at > start,
            Message.posted_at <= end,
        )
        .order_by(Message.posted_at, Message.id)
    ).all()
    threads: dict[int | None, ThreadPosts] = {}
    for r in rows:
        post = _post(r)
        # A post without a thread is its own thread: keyed by its Message-ID.
        key = r.thread_id if r.thread_id is not None else hash(r.message_id)
        threads.setdefault(key, ThreadPosts(post.subject)).posts.append(post)
    return list(threads.values())


def collect_digest(session: Session, group_id: int, start: datetime, now: datetime) -> DigestData:
    held = [
        _post(r)
        for r in session.execute(
            select(*_POST_COLUMNS)
            .where(Message.group_id == group_id, Message.status == "held")
            .order_by(Message.posted_at)
        ).all()
    ]
    failing_where = (
        OutboxEntry.group_id == group_id,
        or_(
            OutboxEntry.state.in_(("failed", "expired")) & (OutboxEntry.created_at > start),
            (OutboxEntry.state == "queued") & (OutboxEntry.attempts > 0),
        ),
    )
    failing = [
        Failing(o.recipient, o.kind, o.state, o.attempts, (o.last_error or "")[:200])
        for o in session.scalars(
            select(OutboxEntry).where(*failing_where).order_by(OutboxEntry.id).limit(FAILING_SHOWN)
        )
    ]
    return DigestData(
        period_start=start,
        period_end=now,
        threads=posts_by_thread(session, group_id, start, now),
        held=held,
        closing=load_items(
            session,
            group_id,
            Item.state == "open",
            Item.closes_at <= now + timedelta(days=CLOSING_DAYS),
        ),
        failing=failing,
        failing_total=session.scalar(select(func.count()).where(*failing_where)) or 0,
    )


def digest_day(runtime: Runtime, now: datetime) -> str | None:
    """The local date whose digest is due at `now`, or None before the digest hour."""
    local = now.replace(tzinfo=UTC).astimezone(ZoneInfo(runtime.settings.group.timezone))
    return local.date().isoformat() if local.hour >= runtime.settings.reports.digest_hour else None


def period_start(
    session: Session, group_id: int, kind: str, now: datetime, exclude_key: str = ""
) -> datetime:
    """The end of the previous digest of this kind (the first: a day back).

    Never less: a member who chose the digest gets no single copies, so days without
    a tick (corrbot stopped, a replay's jumps) must not drop posts from the next one.
    """
    last = session.scalar(
        select(func.max(Report.period_end)).where(
            Report.group_id == group_id, Report.kind == kind, Report.key != exclude_key
        )
    )
    return last if last is not None else now - timedelta(days=1)


def send_digests(runtime: Runtime) -> int:
    day = digest_day(runtime, runtime.clock.now())
    if day is None:
        return 0
    return int(_send(runtime, "digest", day)) + int(_send(runtime, "member-digest", day))


def _send(runtime: Runtime, kind: str, day: str) -> bool:
    now = runtime.clock.now()
    key = f"{kind}:{day}"
    group_id = runtime.group_id
    with runtime.sessions() as session:
        if session.scalar(select(Report.id).where(Report.group_id == group_id, Report.key == key)):
            return False
    try:
        with runtime.sessions() as session, session.begin():
            report = Report(group_id=group_id, key=key, kind=kind, period_end=now, claimed_at=now)
            session.add(report)
            session.flush()  # the claim, before anything is read
            start = period_start(session, group_id, kind, now, exclude_key=key)
            report.period_start = start
            context = base_context(runtime, kind=kind, key=key, now=now)
            if kind == "digest":
                data: Any = collect_digest(session, group_id, start, now)
                recipients = list(runtime.settings.group.coordinators)
                to = recipients
                wanted = not data.empty
            else:
                data = posts_by_thread(session, group_id, start, now)
                recipients = list(
                    session.scalars(
                        select(Member.email).where(
                            Member.group_id == group_id,
                            Member.digest.is_(True),
                            Member.status == "active",
                        )
                    )
                )
                to = [runtime.addresses.post]
                wanted = bool(data and recipients)
            if not wanted:
                return False
            context.update(data=data, day=day)
            out = outgoing(runtime, kind, context, to=to, key=key)
            message = compose(runtime.renderer, out, now, runtime.addresses.domain)
            enqueue(
                session,
                group_id,
                runtime.clock,
                message=message,
                recipients=recipients,
                kind=kind,
                dedupe_key=key,
                envelope_from=runtime.addresses.bounces,
            )
            report.sent_at = now
    except IntegrityError:
        return False
    log.info("%s queued to %d recipients as <%s>", key, len(recipients), message["Message-ID"])
    return True
