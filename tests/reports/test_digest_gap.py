"""A member who chose the digest gets no single copies: a day without a tick (corrbot
stopped) must not drop that day's posts from the next digest."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update

from corrbot.db import transaction
from corrbot.model import Member, Message, OutboxEntry
from corrbot.reports.digest import send_digests
from corrbot.runtime import Runtime
from tests.reports.seed import post, setup_group, text_of


def _digest(runtime: Runtime, key: str) -> list[OutboxEntry]:
    with runtime.sessions() as session:
        return list(
            session.scalars(select(OutboxEntry).where(OutboxEntry.dedupe_key.like(f"{key}|%")))
        )


def test_posts_of_days_without_a_digest_come_in_the_next_one(runtime: Runtime) -> None:
    g = setup_group(runtime)
    with transaction(runtime.sessions) as session:
        member = session.scalars(select(Member).where(Member.email == "k.weber@telco.example.de"))
        member.one().digest = True
    post(g, "r.mehta@deity.gov.in", "Before the first digest", datetime(2013, 10, 1, 20))
    runtime.clock.at = datetime(2013, 10, 2, 7, 30)  # type: ignore[attr-defined]
    send_digests(runtime)
    assert "Before the first digest" in text_of(_digest(runtime, "member-digest:2013-10-02")[0])
    # corrbot is stopped from 2 to 5 October; posts keep arriving at the MTA's queue
    post(g, "r.mehta@deity.gov.in", "On the 2nd", datetime(2013, 10, 2, 12))
    post(g, "marilia@nupef.org.br", "On the 3rd", datetime(2013, 10, 3, 12))
    post(g, "marilia@nupef.org.br", "On the 4th", datetime(2013, 10, 4, 12))
    runtime.clock.at = datetime(2013, 10, 5, 7, 30)  # type: ignore[attr-defined]
    send_digests(runtime)
    [digest] = _digest(runtime, "member-digest:2013-10-05")
    text = text_of(digest)
    assert all(s in text for s in ("On the 2nd", "On the 3rd", "On the 4th"))
    assert "Before the first digest" not in text
    coordinators = text_of(_digest(runtime, "digest:2013-10-05")[0])
    assert "On the 2nd" in coordinators and "On the 4th" in coordinators


def test_an_archive_import_is_not_sent_out_in_digests(runtime: Runtime) -> None:
    g = setup_group(runtime)
    with transaction(runtime.sessions) as session:
        member = session.scalars(select(Member).where(Member.email == "k.weber@telco.example.de"))
        member.one().digest = True
    imported = post(g, "r.mehta@deity.gov.in", "From the old archive", datetime(2013, 10, 1, 19))
    with transaction(runtime.sessions) as session:
        session.execute(update(Message).where(Message.id == imported).values(no_deliver=True))
    post(g, "marilia@nupef.org.br", "A live post", datetime(2013, 10, 1, 20))
    runtime.clock.at = datetime(2013, 10, 2, 7, 30)  # type: ignore[attr-defined]
    send_digests(runtime)
    for key in ("member-digest:2013-10-02", "digest:2013-10-02"):
        text = text_of(_digest(runtime, key)[0])
        assert "A live post" in text and "From the old archive" not in text
