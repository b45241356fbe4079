"""Accepted posts go to the group, one copy per recipient, with the list's headers."""

from __future__ import annotations

from collections.abc import Callable

from corrbot.db import transaction
from corrbot.model import Message
from corrbot.pipeline.runner import process_pending
from corrbot.runtime import Runtime
from tests.list.outbox import mail, member, rows
from tests.mail import LIST, feed, make_mail

HTML = "<p>Mechanisms <b>matter</b></p>"


def post(
    runtime: Runtime,
    sender: str = "Ana Member <ana@example.org>",
    *,
    subject: str = "Mechanisms for issue 3",
    message_id: str = "post1@example.org",
    headers: dict[str, str] | None = None,
) -> int:
    raw = make_mail(
        sender, subject, "Body text é\n", html=HTML, message_id=message_id, headers=headers
    )
    (row_id,) = feed(runtime, [raw])
    return row_id


def test_recipients_are_active_members_officers_and_observers_not_digest(group: Runtime) -> None:
    post(group)
    copies = rows(group, kind="post")
    assert sorted(r.recipient for r in copies) == [
        "ana@example.org",
        "chair@example.org",
        "coordinator@example.org",
        "gmail.user@gmail.com",
        "obs@example.org",
    ]
    for copy in copies:
        assert (
            copy.envelope_from
            == "cg-bounces+" + copy.recipient.replace("@", "=") + "@lists.example.org"
        )
        assert copy.message_id == "post1@example.org"


def test_list_headers_and_untouched_body(group: Runtime) -> None:
    post(group)
    copy = mail(next(r for r in rows(group, kind="post") if r.recipient == "ana@example.org"))
    assert copy["List-Id"] == '"Test Correspondence Group" <cg.lists.example.org>'
    assert copy["List-Post"] == "<mailto:cg@lists.example.org>"
    assert copy["List-Help"] == "<mailto:cg-request@lists.example.org?subject=help>"
    assert copy["List-Subscribe"] == "<mailto:cg-request@lists.example.org?subject=join>"
    assert copy["List-Unsubscribe"].startswith("<mailto:cg-confirm+")
    assert copy["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert copy["List-Archive"] is None  # not configured
    assert copy["X-Loop"] == LIST
    assert copy["Precedence"] == "list"
    assert copy["Subject"] == "[Test Correspondence Group] Mechanisms for issue 3"
    assert copy["Reply-To"] == LIST
    assert copy["From"] == "Ana Member <ana@example.org>"  # example.org needs no rewrite
    assert copy["Message-ID"] == "<post1@example.org>"
    assert copy.get_content_type() == "multipart/alternative"
    plain = copy.get_body(preferencelist=("plain",))
    html = copy.get_body(preferencelist=("html",))
    assert plain is not None and html is not None
    assert plain.get_content().strip() == "Body text é"
    assert html.get_content().strip() == HTML


def test_each_recipient_has_their_own_one_click_leave(group: Runtime) -> None:
    post(group)
    tokens = {r.recipient: str(mail(r)["List-Unsubscribe"]) for r in rows(group, kind="post")}
    assert len(set(tokens.values())) == len(tokens)
    # using Olga's link from Olga's address makes her leave, no further question
    address = tokens["obs@example.org"].strip("<>").removeprefix("mailto:").split("?")[0]
    feed(group, [make_mail("obs@example.org", "leave", "", to=address)], envelope_to=[address])
    left = member(group, "obs@example.org")
    assert left is not None and left.status == "left"
    # a second post reuses the tokens instead of creating new ones
    post(group, message_id="post2@example.org")
    again = {r.recipient: str(mail(r)["List-Unsubscribe"]) for r in rows(group, kind="post")}
    assert again["ana@example.org"] == tokens["ana@example.org"]


def test_subject_prefix_is_not_doubled(group: Runtime) -> None:
    post(group, subject="Re: [Test Correspondence Group] Mechanisms for issue 3")
    copy = mail(rows(group, kind="post")[0])
    assert copy["Subject"] == "Re: [Test Correspondence Group] Mechanisms for issue 3"


def test_dmarc_rewrite_for_listed_domains(group: Runtime) -> None:
    post(group, sender="Gita Gmail <gmail.user@gmail.com>")
    copy = mail(rows(group, kind="post")[0])
    (sender,) = copy["From"].addresses
    assert (sender.display_name, sender.addr_spec) == (
        "Gita Gmail via Test Correspondence Group",
        LIST,
    )
    assert copy["X-Original-From"] == "Gita Gmail <gmail.user@gmail.com>"
    assert copy["Reply-To"] == LIST
    assert copy["DKIM-Signature"] is None


def test_dmarc_always_and_reply_to_sender(make_group: Callable[..., Runtime]) -> None:
    runtime = make_group(
        section={
            "group": 'dmarc_rewrite = "always"\nreply_to = "sender"\nsubject_prefix = "[CG]"\n'
            'archive_url = "https://lists.example.org/cg/"'
        },
    )
    post(runtime)
    copy = mail(rows(runtime, kind="post")[0])
    (sender,) = copy["From"].addresses
    assert sender.display_name == "Ana Member via Test Correspondence Group"
    assert copy["X-Original-From"] == "Ana Member <ana@example.org>"
    assert copy["Reply-To"] == "ana@example.org"
    assert copy["Subject"] == "[CG] Mechanisms for issue 3"
    assert copy["List-Archive"] == "<https://lists.example.org/cg/>"


def test_headers_that_must_not_travel_are_removed(group: Runtime) -> None:
    post(
        group,
        headers={
            "Delivered-To": LIST,
            "Return-Path": "<ana@example.org>",
            "List-Id": "Other list <other.example.net>",
            "Disposition-Notification-To": "ana@example.org",
            "Approved": "secret",
        },
    )
    copy = mail(rows(group, kind="post")[0])
    for name in ("Delivered-To", "Return-Path", "Disposition-Notification-To", "Approved"):
        assert copy[name] is None, name
    assert copy.get_all("List-Id") == ['"Test Correspondence Group" <cg.lists.example.org>']


def test_reprocessing_never_sends_twice(group: Runtime) -> None:
    row_id = post(group)
    first = len(rows(group, kind="post"))
    assert first == 5
    with transaction(group.sessions) as session:
        found = session.get(Message, row_id)
        assert found is not None
        found.stage = "received"
    process_pending(group)
    assert len(rows(group, kind="post")) == first
    post(group)  # the same mail again: stored once, sent once
    assert len(rows(group, kind="post")) == first


def test_bouncing_and_former_members_get_nothing(group: Runtime) -> None:
    from sqlalchemy import select

    from corrbot.model import Member

    with transaction(group.sessions) as session:
        for m in session.scalars(select(Member)):
            if m.email == "ana@example.org":
                m.status = "bouncing"
            if m.email == "obs@example.org":
                m.status = "left"
    post(group, sender="chair@example.org")
    got = {r.recipient for r in rows(group, kind="post")}
    assert "ana@example.org" not in got and "obs@example.org" not in got
    assert "chair@example.org" in got


def test_a_copy_that_comes_back_is_a_loop(group: Runtime) -> None:
    post(group)
    raw = rows(group, kind="post")[0].raw
    # a member's mailbox forwards its copy back to the list
    (row_id,) = feed(group, [raw.replace(b"post1@example.org", b"post1-fwd@example.org")])
    with group.sessions() as session:
        found = session.get(Message, row_id)
        assert found is not None and found.status == "dropped"


def test_reply_to_none_keeps_the_posters_own(make_group: Callable[..., Runtime]) -> None:
    runtime = make_group(section={"group": 'reply_to = "none"\ndmarc_rewrite = "never"'})
    post(runtime, headers={"Reply-To": "ana.private@example.org"})
    post(runtime, sender="Gita Gmail <gmail.user@gmail.com>", message_id="post2@example.org")
    by_id = {mail(r)["Message-ID"]: mail(r) for r in rows(runtime, kind="post")}
    assert by_id["<post1@example.org>"]["Reply-To"] == "ana.private@example.org"
    gita = by_id["<post2@example.org>"]
    assert gita["Reply-To"] is None
    assert gita["From"] == "Gita Gmail <gmail.user@gmail.com>"  # rewriting is off
