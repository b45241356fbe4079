"""Joining and leaving by email: only a reply from the address concerned changes anything."""

from __future__ import annotations

from corrbot.runtime import Runtime
from tests.list.outbox import (
    REQUEST,
    confirm_address,
    last_to,
    mail,
    member,
    message,
    pending,
    rows,
    text,
)
from tests.mail import feed, make_mail

NEW = "lucia@redabierta.example"


def send(runtime: Runtime, sender: str, to: str, subject: str, body: str) -> int:
    (row_id,) = feed(runtime, [make_mail(sender, subject, body, to=to)], envelope_to=[to])
    return row_id


def request_join(runtime: Runtime, line: str, sender: str = NEW) -> str:
    send(runtime, f"Lucía Benavides <{sender}>", REQUEST, line, line)
    request = last_to(runtime, sender)
    assert request.kind == "confirm"
    assert mail(request)["Auto-Submitted"] == "auto-replied"
    assert "join" in str(mail(request)["Subject"])
    return confirm_address(request)


def test_join_confirmed_by_reply_makes_a_member(group: Runtime) -> None:
    address = request_join(group, "join civil-society Lucía Benavides")
    assert member(group, NEW) is None  # not before the confirmation
    row_id = send(group, NEW, address, "Re: confirm", "Confirmo, gracias.")
    joined = member(group, NEW)
    assert joined is not None
    assert (joined.name, joined.stakeholder, joined.role, joined.status) == (
        "Lucía Benavides",
        "civil-society",
        "member",
        "active",
    )
    assert "confirmed join" in (message(group, row_id).status_reason or "")
    assert "Welcome" in text(last_to(group, NEW))


def test_subject_and_body_join_once_the_fuller_one_wins(group: Runtime) -> None:
    body = "join academic-technical Kwame Asante-Mensah\n\nGood morning, a colleague sent me.\n"
    send(group, "kwame@ait.example", REQUEST, "subscribe", body)
    assert len(rows(group, to="kwame@ait.example")) == 1
    (token,) = pending(group, "join")
    assert token.payload["stakeholder"] == "academic-technical"
    assert token.payload["name"] == "Kwame Asante-Mensah"


def test_forged_confirmation_from_another_address_is_refused(group: Runtime) -> None:
    address = request_join(group, "join government Lucía")
    row_id = send(group, "Lucía <attacker@evil.example>", address, "Re: confirm", "yes")
    assert member(group, NEW) is None
    assert member(group, "attacker@evil.example") is None
    assert "wrong-sender" in (message(group, row_id).status_reason or "")
    # the token still works for its owner
    send(group, NEW, address, "Re: confirm", "yes")
    assert member(group, NEW) is not None


def test_a_forged_join_only_mails_the_victim(group: Runtime) -> None:
    send(group, "victim@example.net", REQUEST, "join government Victim", "")
    assert member(group, "victim@example.net") is None
    assert [r.recipient for r in rows(group)] == ["victim@example.net"]


def test_join_without_stakeholder_group_asks_for_it(group: Runtime) -> None:
    address = request_join(group, "join")
    assert "stakeholder group on the first line" in text(last_to(group, NEW))
    send(group, NEW, address, "Re: confirm", "Thanks, please add me.\n\n> civil-society\n")
    assert member(group, NEW) is None
    assert "did not name your stakeholder group" in text(last_to(group, NEW))
    send(group, NEW, address, "Re: confirm", "Private sector\n")
    joined = member(group, NEW)
    assert joined is not None and joined.stakeholder == "private-sector"
    assert joined.name == "Lucía Benavides"  # from the From: display name


def test_confirm_command_with_the_token(group: Runtime) -> None:
    address = request_join(group, "join government")
    token = address.split("+")[1].split("@")[0]
    send(group, NEW, REQUEST, f"confirm {token}", "")
    assert member(group, NEW) is not None


def test_used_and_expired_tokens_are_refused(group: Runtime) -> None:
    address = request_join(group, "join government")
    send(group, NEW, address, "Re: confirm", "ok")
    row_id = send(group, NEW, address, "Re: confirm", "ok")
    assert "used" in (message(group, row_id).status_reason or "")
    other = request_join(group, "join government", sender="late@example.net")
    group.clock.advance(days=8)  # type: ignore[attr-defined]
    row_id = send(group, "late@example.net", other, "Re: confirm", "ok")
    assert "expired" in (message(group, row_id).status_reason or "")
    assert member(group, "late@example.net") is None


def test_leave_is_confirmed_and_keeps_the_row(group: Runtime) -> None:
    send(group, "ana@example.org", REQUEST, "leave", "")
    request = last_to(group, "ana@example.org")
    assert request.kind == "confirm"
    still = member(group, "ana@example.org")
    assert still is not None and still.status == "active"
    forged = send(group, "Ana <mallory@evil.example>", confirm_address(request), "Re: x", "yes")
    assert "wrong-sender" in (message(group, forged).status_reason or "")
    send(group, "ana@example.org", confirm_address(request), "Re: confirm", "yes")
    left = member(group, "ana@example.org")
    assert left is not None and left.status == "left" and left.left_at is not None
    assert "You have left" in text(last_to(group, "ana@example.org"))


def test_leave_by_a_stranger_or_an_officer_changes_nothing(group: Runtime) -> None:
    send(group, "stranger@example.net", REQUEST, "leave", "")
    assert "nothing to leave" in text(last_to(group, "stranger@example.net"))
    send(group, "coordinator@example.org", REQUEST, "leave", "")
    assert "set in the group's" in text(last_to(group, "coordinator@example.org"))
    assert pending(group, "leave") == []


def test_already_a_member(group: Runtime) -> None:
    send(group, "ana@example.org", REQUEST, "join government", "")
    assert "already a member" in text(last_to(group, "ana@example.org"))
    assert pending(group, "join") == []


def test_a_reply_naming_two_groups_names_none(group: Runtime) -> None:
    address = request_join(group, "join Lucía")
    (token,) = pending(group, "join")
    assert token.payload["name"] == "Lucía"
    assert f"confirm {address.split('+')[1].split('@')[0]}" in text(last_to(group, NEW))
    send(group, NEW, address, "Re: confirm", "government or private sector?\n")
    assert member(group, NEW) is None
    send(group, NEW, address, "Re: confirm", "Civil society, please.\n")
    joined = member(group, NEW)
    assert joined is not None and joined.stakeholder == "civil-society"
