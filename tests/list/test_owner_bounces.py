"""Owner mail reaches the coordinators; bounces are counted per member."""

from __future__ import annotations

from collections.abc import Callable

from corrbot.runtime import Runtime
from tests.list.outbox import OWNER, last_to, mail, member, message, rows, text
from tests.mail import feed, make_mail

VERP = "cg-bounces+ana=example.org@lists.example.org"


def test_owner_mail_is_forwarded_to_the_coordinators_as_attachment(group: Runtime) -> None:
    raw = make_mail("Sam <stranger@example.net>", "A question", "Who runs this group?", to=OWNER)
    (row_id,) = feed(group, [raw], envelope_to=[OWNER])
    forward = last_to(group, "coordinator@example.org")
    parsed = mail(forward)
    assert forward.kind == "owner"
    assert parsed["Subject"] == "Fwd: A question"
    assert parsed["Reply-To"] == "stranger@example.net"
    assert OWNER in str(parsed["From"])
    (attached,) = list(parsed.iter_attachments())
    assert attached.get_content_type() == "message/rfc822"
    assert "Who runs this group?" in attached.as_string()
    assert "stranger@example.net" in text(forward)
    assert [r.recipient for r in rows(group)] == ["coordinator@example.org"]
    assert message(group, row_id).status == "accepted"


def dsn(recipient: str, action: str = "failed", status: str = "5.1.1", n: int = 1) -> bytes:
    """A delivery status notification (RFC 3464) as an MTA writes it."""
    return f"""From: MAILER-DAEMON@mx.example.org
To: {VERP}
Subject: Undelivered Mail Returned to Sender
Message-ID: <dsn{n}-{recipient}-{action}@mx.example.org>
Auto-Submitted: auto-replied
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="B"

--B
Content-Type: text/plain

This is the mail system. Your message could not be delivered.

--B
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.example.org

Final-Recipient: rfc822; {recipient}
Action: {action}
Status: {status}

--B--
""".encode()


def test_verp_bounces_count_and_stop_delivery_at_the_threshold(
    make_group: Callable[..., Runtime],
) -> None:
    runtime = make_group(section={"delivery": "bounce_threshold = 2"})
    feed(runtime, [dsn("ana@example.org")], envelope_to=[VERP])
    found = member(runtime, "ana@example.org")
    assert found is not None and (found.bounce_count, found.status) == (1, "active")
    (row_id,) = feed(runtime, [dsn("ana@example.org", n=2)], envelope_to=[VERP])
    found = member(runtime, "ana@example.org")
    assert found is not None and found.status == "bouncing"
    assert message(runtime, row_id).status == "bounce"
    notice = last_to(runtime, "coordinator@example.org")
    assert "failed 2 times" in text(notice)
    # no more copies for ana
    feed(runtime, [make_mail("chair@example.org", "News", "text")])
    assert "ana@example.org" not in {r.recipient for r in rows(runtime, kind="post")}


def test_bounces_further_apart_than_the_stale_time_start_the_count_again(
    make_group: Callable[..., Runtime],
) -> None:
    runtime = make_group(section={"delivery": "bounce_threshold = 2\nbounce_stale_days = 7"})
    feed(runtime, [dsn("ana@example.org")], envelope_to=[VERP])
    runtime.clock.advance(days=8)  # type: ignore[attr-defined]
    feed(runtime, [dsn("ana@example.org", n=2)], envelope_to=[VERP])
    found = member(runtime, "ana@example.org")
    assert found is not None and (found.bounce_count, found.status) == (1, "active")
    runtime.clock.advance(days=6)  # type: ignore[attr-defined]
    feed(runtime, [dsn("ana@example.org", n=3)], envelope_to=[VERP])
    found = member(runtime, "ana@example.org")
    assert found is not None and found.status == "bouncing"


def test_delay_reports_are_not_counted(group: Runtime) -> None:
    (row_id,) = feed(group, [dsn("ana@example.org", "delayed", "4.4.1")], envelope_to=[VERP])
    found = member(group, "ana@example.org")
    assert found is not None and found.bounce_count == 0
    assert "without failure" in (message(group, row_id).status_reason or "")


def test_dsn_to_the_plain_bounce_address_names_the_member(group: Runtime) -> None:
    bounces = "cg-bounces@lists.example.org"
    feed(group, [dsn("gmail.user@gmail.com")], envelope_to=[bounces])
    found = member(group, "gmail.user@gmail.com")
    assert found is not None and found.bounce_count == 1


def test_out_of_office_to_the_bounce_address_is_dropped_not_counted(group: Runtime) -> None:
    raw = make_mail(
        "ana@example.org",
        "Out of office",
        "I am away until Monday.",
        to=VERP,
        headers={"Auto-Submitted": "auto-replied"},
    )
    (row_id,) = feed(group, [raw], envelope_to=[VERP])
    assert message(group, row_id).status == "dropped"
    found = member(group, "ana@example.org")
    assert found is not None and found.bounce_count == 0
    assert rows(group) == []


def test_plain_bounces_to_verp_count_but_a_persons_reply_does_not(group: Runtime) -> None:
    qmail = make_mail(
        "MAILER-DAEMON@mx.example.org", "failure notice", "Sorry, no mailbox here.", to=VERP
    )
    feed(group, [qmail], envelope_to=[VERP])
    found = member(group, "ana@example.org")
    assert found is not None and found.bounce_count == 1
    human = make_mail("someone@example.net", "Re: your post", "I agree with you.", to=VERP)
    (row_id,) = feed(group, [human], envelope_to=[VERP])
    found = member(group, "ana@example.org")
    assert found is not None and found.bounce_count == 1
    assert "names no recipient" in (message(group, row_id).status_reason or "")
