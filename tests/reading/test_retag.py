"""A coordinator's Tag:/Untag: reply, applied only after confirming through a token."""

from __future__ import annotations

from corrbot.db import transaction
from corrbot.intake import store_message
from corrbot.pipeline.runner import process_pending
from tests.mail import LIST, feed, make_mail
from tests.reading.conftest import ANA, COORD, KOFI, Group_, body_of


def _post_and_correction(group: Group_, sender: str = COORD) -> tuple[int, int]:
    post = make_mail(ANA, "[b] Mechanisms for #12", "The IDN fast track.\n", message_id="t@x")
    correction = make_mail(
        sender,
        "Re: [b] Mechanisms for #12",
        "Tag: c, #3, z\nUntag: b\n\nOn 2 Oct 2013, at 10:00, Ana <ana@gov.example.br> wrote:\n"
        "> The IDN fast track.\n",
        in_reply_to="t@x",
    )
    post_row, correction_row = feed(group.runtime, [post, correction])
    return post_row, correction_row


def test_coordinator_retag_applies_after_confirmation(group: Group_) -> None:
    post, correction = _post_and_correction(group)
    # Nothing changes before the coordinator confirms.
    assert group.active(post) == {("task", "b"): "explicit", ("issue", "12"): "explicit"}
    # The correction mail itself carries no tags: it is not a contribution.
    assert group.tags(correction) == {}
    [pending] = group.pending()
    assert pending.action == "retag" and pending.email == "coordinator@example.org"
    assert pending.payload["message_id"] == post
    [(recipient, mail)] = group.replies("retag-confirm")
    assert recipient == "coordinator@example.org"
    assert mail["Reply-To"] == group.runtime.addresses.confirm(pending.token)
    text = body_of(mail)
    assert "task c" in text and "issue #3" in text and "Remove: task b" in text
    assert "Ignored" in text and "z" in text

    group.confirm_by_mail(
        make_mail(COORD, f"Re: {mail['Subject']}", "Yes.\n", to=mail["Reply-To"]), pending.token
    )
    tags = group.tags(post)
    assert tags[("task", "b")] == ("coordinator", 1.0, False)
    assert tags[("task", "c")] == ("coordinator", 1.0, True)
    assert tags[("issue", "3")] == ("coordinator", 1.0, True)
    assert tags[("issue", "12")][2] is True
    assert len(group.replies("retag-done")) == 1


def test_forged_from_cannot_retag(group: Group_) -> None:
    post, _ = _post_and_correction(group)  # From: forged as the coordinator
    [pending] = group.pending()
    # The forger never sees the token; guessing it or replying from their own
    # address with it is refused, and the tags stay as they were.
    group.confirm_by_mail(make_mail(KOFI, "Re: confirm", "Yes.\n"), pending.token)
    group.confirm_by_mail(make_mail(KOFI, "Re: confirm", "Yes.\n"), "0" * 32)
    assert group.active(post) == {("task", "b"): "explicit", ("issue", "12"): "explicit"}
    assert group.pending()[0].used_at is None


def test_member_tag_lines_are_refused(group: Group_) -> None:
    post, correction = _post_and_correction(group, sender=KOFI)
    assert group.pending() == []
    assert group.active(post) == {("task", "b"): "explicit", ("issue", "12"): "explicit"}
    [(recipient, mail)] = group.replies("retag-refused")
    assert recipient == "kofi@ngo.example.org"
    assert "Only the" in body_of(mail)
    # The member's mail is still read as a contribution, without its Tag: lines.
    assert group.active(correction) == {("task", "b"): "explicit", ("issue", "12"): "explicit"}


def test_retag_survives_rereading(group: Group_) -> None:
    _post_and_correction(group)
    [pending] = group.pending()
    group.confirm_by_mail(make_mail(COORD, "Re: confirm", "ok\n"), pending.token)
    # A reply to the corrected post inherits the corrected tags.
    reply = make_mail(KOFI, "Re: Mechanisms", "Agreed.\n", in_reply_to="t@x")
    [row] = feed(group.runtime, [reply])
    assert group.active(row) == {
        ("task", "c"): "inherited",
        ("issue", "12"): "inherited",
        ("issue", "3"): "inherited",
    }


def test_replies_read_before_the_correction_follow_it(group: Group_) -> None:
    post = make_mail(ANA, "[b] Mechanisms for #12", "The IDN fast track.\n", message_id="t@x")
    early = make_mail(KOFI, "Re: Mechanisms", "Agreed.\n", message_id="e@x", in_reply_to="t@x")
    deeper = make_mail(ANA, "Re: Mechanisms", "Thanks.\n", in_reply_to="e@x")
    own = make_mail(KOFI, "Re: Mechanisms", "Issue 1 too.\n", in_reply_to="t@x")
    _, early_row, deeper_row, own_row = feed(group.runtime, [post, early, deeper, own])
    correction = make_mail(COORD, "Re: Mechanisms", "Untag: #12\nTag: #3\n", in_reply_to="t@x")
    feed(group.runtime, [correction])
    [pending] = group.pending()
    group.confirm_by_mail(make_mail(COORD, "Re: confirm", "ok\n"), pending.token)
    expected = {("task", "b"): "inherited", ("issue", "3"): "inherited"}
    assert group.active(early_row) == expected
    assert group.active(deeper_row) == expected
    # A reply with tags of its own keeps them.
    assert group.active(own_row) == {("issue", "1"): "explicit"}


def test_archive_import_asks_nobody(group: Group_) -> None:
    post = make_mail(ANA, "[b] Mechanisms for #12", "The IDN fast track.\n", message_id="t@x")
    correction = make_mail(COORD, "Re: Mechanisms", "Tag: #3\n", in_reply_to="t@x")
    rows = []
    for raw in (post, correction):
        with transaction(group.runtime.sessions) as session:
            stored = store_message(
                session,
                group.runtime.group_id,
                raw,
                via="file",
                clock=group.runtime.clock,
                envelope_to=[LIST],
                no_deliver=True,
            )
        rows.append(stored.row_id)
    process_pending(group.runtime)
    assert group.pending() == []
    assert group.replies("retag-confirm") == []
    assert group.active(rows[0]) == {("task", "b"): "explicit", ("issue", "12"): "explicit"}
    assert group.tags(rows[1]) == {}
