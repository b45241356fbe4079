"""Held posts: kept, put to every coordinator, decided by the first coordinator's reply."""

from __future__ import annotations

from collections.abc import Callable

from corrbot.runtime import Runtime
from tests.list.outbox import confirm_address, last_to, mail, message, pending, rows, text
from tests.mail import feed, make_mail

COORD = "coordinator@example.org"
COORD2 = "second@example.org"


def hold_one(runtime: Runtime, sender: str = "stranger@example.net") -> int:
    raw = make_mail(f"Sam Stranger <{sender}>", "Mechanisms for issue 3", "The ITU works on it.")
    (row_id,) = feed(runtime, [raw])
    assert message(runtime, row_id).status == "held"
    return row_id


def answer(runtime: Runtime, sender: str, to: str, body: str) -> int:
    (row_id,) = feed(runtime, [make_mail(sender, "Re: Held", body, to=to)], envelope_to=[to])
    return row_id


def test_held_post_asks_the_coordinator_and_tells_the_sender(group: Runtime) -> None:
    row_id = hold_one(group)
    request = last_to(group, COORD, kind="moderation")
    parsed = mail(request)
    assert parsed["Subject"] == "Held for approval: Mechanisms for issue 3"
    assert "not a member" in text(request)
    attached = [p for p in parsed.iter_attachments() if p.get_content_type() == "message/rfc822"]
    assert len(attached) == 1
    assert "The ITU works on it." in attached[0].as_string()
    assert "held for the coordinators" in text(last_to(group, "stranger@example.net"))
    assert rows(group, kind="post") == []
    assert message(group, row_id).status == "held"


def test_approve_distributes_the_held_post(group: Runtime) -> None:
    row_id = hold_one(group)
    address = confirm_address(last_to(group, COORD, kind="moderation"))
    answer(group, COORD, address, "approve\n\n> quoted request\n")
    held = message(group, row_id)
    assert held.status == "accepted"
    assert "approved by coordinator@example.org" in (held.status_reason or "")
    copies = {r.recipient for r in rows(group, kind="post")}
    assert "ana@example.org" in copies and COORD in copies
    assert "is now accepted" in text(last_to(group, COORD, kind="reply"))


def test_a_bare_reply_approves(group: Runtime) -> None:
    row_id = hold_one(group)
    address = confirm_address(last_to(group, COORD, kind="moderation"))
    answer(group, COORD, address, "> Held for approval\n")
    assert message(group, row_id).status == "accepted"


def test_reject_tells_the_sender_with_the_reason(group: Runtime) -> None:
    row_id = hold_one(group)
    address = confirm_address(last_to(group, COORD, kind="moderation"))
    answer(group, COORD, address, "Reject: off topic for this group\n")
    held = message(group, row_id)
    assert held.status == "rejected"
    assert "off topic" in (held.status_reason or "")
    notice = last_to(group, "stranger@example.net")
    assert "declined" in text(notice) and "off topic for this group" in text(notice)
    assert rows(group, kind="post") == []


def test_unclear_answer_decides_nothing_and_keeps_the_token(group: Runtime) -> None:
    row_id = hold_one(group)
    address = confirm_address(last_to(group, COORD, kind="moderation"))
    answer(group, COORD, address, "Hmm, who is this?\n")
    assert message(group, row_id).status == "held"
    assert "did not\nsay" in text(last_to(group, COORD, kind="reply"))
    answer(group, COORD, address, "approve")
    assert message(group, row_id).status == "accepted"


def test_forged_approval_is_refused(group: Runtime) -> None:
    row_id = hold_one(group)
    address = confirm_address(last_to(group, COORD, kind="moderation"))
    forged = answer(group, "Coordinator <stranger@example.net>", address, "approve")
    assert "wrong-sender" in (message(group, forged).status_reason or "")
    assert message(group, row_id).status == "held"
    assert rows(group, kind="post") == []


def test_observers_posts_are_held(group: Runtime) -> None:
    hold_one(group, sender="obs@example.org")
    assert "observers" in text(last_to(group, COORD, kind="moderation"))


def test_each_coordinator_has_a_token_and_the_first_decides(
    make_group: Callable[..., Runtime],
) -> None:
    runtime = make_group(
        replace={
            'coordinators = ["coordinator@example.org"]': (
                'coordinators = ["coordinator@example.org", "second@example.org"]'
            )
        }
    )
    row_id = hold_one(runtime)
    first = confirm_address(last_to(runtime, COORD, kind="moderation"))
    second = confirm_address(last_to(runtime, COORD2, kind="moderation"))
    assert first != second
    assert len(pending(runtime, "moderate")) == 2
    answer(runtime, COORD2, second, "reject")
    answer(runtime, COORD, first, "approve")  # too late: its token was closed
    assert message(runtime, row_id).status == "rejected"
    assert rows(runtime, kind="post") == []
