"""Commands to cg-request@: one templated, auto-replied answer each, within the rate limit."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy import select

from corrbot.db import transaction
from corrbot.model import Deadline, Issue, Item, Member, Message
from corrbot.runtime import Runtime
from tests.list.outbox import REQUEST, last_to, mail, member, message, rows, text
from tests.mail import feed, make_mail


def ask(runtime: Runtime, sender: str, subject: str, body: str = "") -> int:
    (row_id,) = feed(runtime, [make_mail(sender, subject, body, to=REQUEST)], envelope_to=[REQUEST])
    return row_id


def test_help_reply_is_auto_replied_from_the_request_address(group: Runtime) -> None:
    row_id = ask(group, "stranger@example.net", "help")
    reply = last_to(group, "stranger@example.net")
    parsed = mail(reply)
    assert reply.kind == "reply"
    assert parsed["Auto-Submitted"] == "auto-replied"
    assert REQUEST in str(parsed["From"])
    assert str(parsed["In-Reply-To"]).strip("<>") == message(group, row_id).message_id
    assert "join [STAKEHOLDER-GROUP] [NAME]" in text(reply)
    assert message(group, row_id).status == "command"


def test_unknown_command_gets_the_help_text(group: Runtime) -> None:
    row_id = ask(group, "stranger@example.net", "Question", "frobnicate the list please\n")
    body = text(last_to(group, "stranger@example.net"))
    assert "No command was found" in body
    assert "frobnicate the list please" in body
    assert "digest on|off" in body
    assert "stopped at: frobnicate" in (message(group, row_id).status_reason or "")


def test_commands_stop_at_signature_and_subject_counts(group: Runtime) -> None:
    ask(group, "ana@example.org", "Re: whoami", "issues\n\n-- \nstatus\n")
    body = text(last_to(group, "ana@example.org"))
    assert "civil-society" in body  # whoami from the Subject
    assert "The issue list is empty." in body
    assert "No items are open." not in body  # status was below the signature


def test_whoami_for_a_stranger_and_a_member(group: Runtime) -> None:
    ask(group, "stranger@example.net", "whoami")
    assert "is not a member" in text(last_to(group, "stranger@example.net"))
    ask(group, "ana@example.org", "whoami")
    body = text(last_to(group, "ana@example.org"))
    assert "Ana Member" in body and "role:              member" in body
    assert "organisation:" not in body and "country:" not in body  # none recorded
    with transaction(group.sessions) as session:
        ana = session.scalars(select(Member).where(Member.email == "ana@example.org")).one()
        ana.org, ana.country = "Nupef Institute", "BR"
    ask(group, "ana@example.org", "whoami")
    body = text(last_to(group, "ana@example.org"))
    assert "organisation:      Nupef Institute" in body and "country:           BR" in body


def test_issues_and_status_read_the_store(group: Runtime) -> None:
    with transaction(group.sessions) as session:
        gid = group.group_id
        session.add(Issue(group_id=gid, number=3, title="Spam", category="Security", aliases=""))
        session.add(Issue(group_id=gid, number=1, title="Cybercrime", aliases=""))
        post = Message(group_id=gid, message_id="p@x", stage="processed")
        session.add(post)
        session.flush()
        session.add(
            Item(
                group_id=gid,
                kind="proposal",
                title="Add a gap for spam",
                message_id=post.id,
                opened_at=datetime(2013, 9, 30),
                closes_at=datetime(2013, 10, 14, 17, 0),
            )
        )
        # a deadline already past is not "next"
        session.add(
            Deadline(group_id=gid, key="old", kind="update-report", due=datetime(2013, 9, 1))
        )
    ask(group, "ana@example.org", "issues", "status\n")
    body = text(last_to(group, "ana@example.org"))
    assert body.index("#1 Cybercrime") < body.index("#3 Spam (Security)")
    assert "Add a gap for spam (closes 2013-10-14 17:00 UTC)" in body
    assert "Next deadline: update-1 (update-report), due 2013-11-29 17:00 UTC" in body


def test_digest_on_and_off(group: Runtime) -> None:
    ask(group, "ana@example.org", "digest on")
    found = member(group, "ana@example.org")
    assert found is not None and found.digest is True
    assert "Daily digest is now on" in text(last_to(group, "ana@example.org"))
    ask(group, "ana@example.org", "digest off")
    found = member(group, "ana@example.org")
    assert found is not None and found.digest is False
    ask(group, "stranger@example.net", "digest on")
    assert "Only members" in text(last_to(group, "stranger@example.net"))


def test_rate_limit_counts_replies_per_sender_per_hour(
    make_group: Callable[..., Runtime],
) -> None:
    runtime = make_group("[commands]\nreplies_per_hour = 2\n")
    ids = [ask(runtime, "storm@example.net", "help") for _ in range(4)]
    assert len(rows(runtime, to="storm@example.net")) == 2
    assert "not answered" in (message(runtime, ids[2]).status_reason or "")
    ask(runtime, "other@example.net", "help")  # others are not affected
    assert len(rows(runtime, to="other@example.net")) == 1
    runtime.clock.advance(minutes=61)  # type: ignore[attr-defined]
    ask(runtime, "storm@example.net", "help")
    assert len(rows(runtime, to="storm@example.net")) == 3


def test_reprocessing_a_command_does_not_answer_twice(group: Runtime) -> None:
    from corrbot.pipeline.runner import process_pending

    row_id = ask(group, "stranger@example.net", "help")
    with transaction(group.sessions) as session:
        found = session.get(Message, row_id)
        assert found is not None
        found.stage = "received"
    process_pending(group)
    assert len(rows(group, to="stranger@example.net")) == 1


def test_guessed_tokens_get_refusals_only_up_to_the_limit(
    make_group: Callable[..., Runtime],
) -> None:
    runtime = make_group("[commands]\nreplies_per_hour = 2\n")
    for n in range(4):
        to = f"cg-confirm+guess{n}@lists.example.org"
        feed(runtime, [make_mail("victim@example.net", "Re: x", "yes", to=to)], envelope_to=[to])
    refusals = rows(runtime, to="victim@example.net")
    assert len(refusals) == 2
    assert "Not done" in str(mail(refusals[0])["Subject"])
