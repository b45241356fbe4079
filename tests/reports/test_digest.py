"""Daily digests: the coordinators' (posts by thread, held posts, items closing soon,
failing deliveries) and the members' who chose `digest on`, each once a day."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from corrbot.db import transaction
from corrbot.model import Member, OutboxEntry, RawBlob, Thread
from corrbot.reports.digest import send_digests
from corrbot.runtime import Runtime
from tests.reports.seed import mapping_entry, parsed, post, setup_group, text_of


def _mail(runtime: Runtime, prefix: str) -> list[OutboxEntry]:
    with runtime.sessions() as session:
        return list(
            session.scalars(
                select(OutboxEntry)
                .where(OutboxEntry.dedupe_key.like(f"{prefix}|%"))
                .order_by(OutboxEntry.recipient)
            )
        )


def test_coordinators_digest_once_a_day_at_the_digest_hour(runtime: Runtime) -> None:
    g = setup_group(runtime)
    with transaction(runtime.sessions) as session:
        thread = Thread(group_id=runtime.group_id, created_at=datetime(2013, 10, 1))
        session.add(thread)
        session.flush()
        tid = thread.id
        session.add(RawBlob(sha256="0" * 64, size=0, data=b""))
        session.add(
            OutboxEntry(
                group_id=runtime.group_id,
                dedupe_key="post:x|bad@example.net",
                kind="post",
                envelope_from="cg-bounces@lists.example.org",
                recipient="bad@example.net",
                message_id="x@y",
                raw_sha256="0" * 64,
                created_at=datetime(2013, 10, 1, 12),
                state="queued",
                attempts=2,
                next_attempt_at=datetime(2013, 10, 2, 12),
                last_error="451 4.2.0 mailbox busy",
            )
        )
    post(g, "marilia@nupef.org.br", "[b] Spam", datetime(2013, 10, 1, 10), thread_id=tid)
    post(g, "k.weber@telco.example.de", "Re: [b] Spam", datetime(2013, 10, 1, 15), thread_id=tid)
    post(g, "r.mehta@deity.gov.in", "Another subject", datetime(2013, 10, 1, 16))
    post(g, "stranger@example.net", "Please let me in", datetime(2013, 10, 1, 17), status="held")
    m = post(g, "anriette@apc.example.org", "[b] Privacy", datetime(2013, 9, 20))
    mapping_entry(g, m, 5, "Convention 108", "addressing", datetime(2013, 9, 20))  # closes 4 Oct
    runtime.clock.at = datetime(2013, 10, 2, 6, 59)  # type: ignore[attr-defined]
    assert send_digests(runtime) == 0
    runtime.clock.at = datetime(2013, 10, 2, 7, 0)  # type: ignore[attr-defined]
    send_digests(runtime)
    send_digests(runtime)
    rows = _mail(runtime, "digest:2013-10-02")
    assert [r.recipient for r in rows] == ["coordinator@example.org"]
    text = text_of(rows[0])
    assert "NEW POSTS BY THREAD (3)" in text
    assert "[b] Spam (2)" in text and "Karl Weber <k.weber@telco.example.de>: Re: [b] Spam" in text
    assert "HELD POSTS AWAITING YOU (1)" in text and "Please let me in" in text
    assert "ITEMS CLOSING IN THE NEXT 3 DAYS (1)" in text and "#5: Convention 108" in text
    assert "bad@example.net (post): queued, 2 attempts: 451 4.2.0 mailbox busy" in text
    assert "3 new posts, 1 held, 1 failing delivery" in str(parsed(rows[0])["Subject"])
    runtime.clock.at = datetime(2013, 10, 3, 7, 30)  # type: ignore[attr-defined]
    send_digests(runtime)
    assert "NEW POSTS BY THREAD (0)" in text_of(_mail(runtime, "digest:2013-10-03")[0])


def test_members_who_chose_digest_get_one_mail_a_day(runtime: Runtime) -> None:
    g = setup_group(runtime)
    with transaction(runtime.sessions) as session:
        for email in ("marilia@nupef.org.br", "k.weber@telco.example.de"):
            member = session.scalars(select(Member).where(Member.email == email)).one()
            member.digest = True
    start = datetime(2013, 10, 1, 9, 30)
    for i in range(3):
        post(
            g,
            "r.mehta@deity.gov.in",
            f"Post {i}",
            start + timedelta(hours=i),
            text=f"Text of post {i}.\nSecond line.",
        )
    runtime.clock.at = datetime(2013, 10, 2, 8)  # type: ignore[attr-defined]
    send_digests(runtime)
    send_digests(runtime)
    rows = _mail(runtime, "member-digest:2013-10-02")
    assert [r.recipient for r in rows] == ["k.weber@telco.example.de", "marilia@nupef.org.br"]
    text = text_of(rows[0])
    assert all(f"Text of post {i}." in text for i in range(3))
    assert "digest off" in text and "cg-request@lists.example.org" in text
    assert str(parsed(rows[0])["Subject"]).endswith("Digest 2013-10-02: 3 posts")
