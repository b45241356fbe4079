"""The chain decides each message's fate once, with its reason, on both databases."""

from __future__ import annotations

import pytest

from corrbot.runtime import Runtime
from tests.list.outbox import OWNER, REQUEST, message, rows
from tests.mail import LIST, feed, make_mail

ROUTES = [
    # (from, envelope to, status, purpose, words in the reason)
    ("ana@example.org", LIST, "accepted", "post", "member"),
    ("Coordinator <coordinator@example.org>", LIST, "accepted", "post", "coordinator"),
    ("chair@example.org", LIST, "accepted", "post", "chair"),
    ("stranger@example.net", LIST, "held", "post", "not a member"),
    ("obs@example.org", LIST, "held", "post", "observers"),
    ("stranger@example.net", REQUEST, "command", "request", "commands"),
    (
        "stranger@example.net",
        "cg-confirm+abc123@lists.example.org",
        "command",
        "confirm",
        "refused",
    ),
    ("stranger@example.net", OWNER, "accepted", "owner", "owner"),
    (
        "mailer-daemon@example.net",
        "cg-bounces+ana=example.org@lists.example.org",
        "bounce",
        "bounces",
        "ana@example.org",
    ),
]


@pytest.mark.parametrize(("sender", "to", "status", "purpose", "reason"), ROUTES)
def test_routing_table(
    group: Runtime, sender: str, to: str, status: str, purpose: str, reason: str
) -> None:
    (row_id,) = feed(group, [make_mail(sender, "Hello", "Some text")], envelope_to=[to])
    found = message(group, row_id)
    assert (found.status, found.purpose) == (status, purpose)
    assert reason in (found.status_reason or "")


DROPPED = [
    ({"List-Id": "Test <cg.lists.example.org>"}, "Re: a post", "List-Id"),
    ({"X-Loop": "cg@lists.example.org"}, "Re: a post", "X-Loop"),
    ({"Auto-Submitted": "auto-replied"}, "Re: a post", "Auto-Submitted: auto-replied"),
    ({"Precedence": "bulk"}, "News", "Precedence: bulk"),
    ({"Precedence": "junk"}, "News", "Precedence: junk"),
    ({}, "Out of Office: back on Monday", "out-of-office"),
    ({}, "Automatic reply: Mechanisms", "out-of-office"),
    ({}, "Abwesenheitsnotiz: Ihre Nachricht", "out-of-office"),
    ({}, "Réponse automatique : Issue 3", "out-of-office"),
    ({}, "Respuesta automática: consulta", "out-of-office"),
    ({}, "Auto: Mechanisms for issue 3", "out-of-office"),
    ({"X-Autoreply": "yes"}, "Away", "X-Autoreply"),
]


@pytest.mark.parametrize(("headers", "subject", "reason"), DROPPED)
@pytest.mark.parametrize("to", [LIST, REQUEST])
def test_loops_and_auto_replies_are_dropped_and_never_answered(
    group: Runtime, headers: dict[str, str], subject: str, reason: str, to: str
) -> None:
    raw = make_mail("ana@example.org", subject, "help", headers=headers, to=to)
    (row_id,) = feed(group, [raw], envelope_to=[to])
    found = message(group, row_id)
    assert found.status == "dropped"
    assert reason in (found.status_reason or "")
    assert rows(group) == []


def test_mail_from_our_own_address_is_a_loop(group: Runtime) -> None:
    (row_id,) = feed(group, [make_mail(REQUEST, "Re: help", "help")], envelope_to=[REQUEST])
    assert message(group, row_id).status == "dropped"
    assert rows(group) == []


def test_a_subject_about_absence_is_not_an_out_of_office(group: Runtime) -> None:
    raw = make_mail("ana@example.org", "Absence of mechanisms for issue 3", "Text")
    (row_id,) = feed(group, [raw])
    assert message(group, row_id).status == "accepted"


def test_null_envelope_sender_over_smtp_is_automatic(group: Runtime) -> None:
    from corrbot.db import transaction
    from corrbot.intake import store_message
    from corrbot.pipeline.runner import process_pending

    with transaction(group.sessions) as session:
        row_id = store_message(
            session,
            group.group_id,
            make_mail("ana@example.org", "Hello", "help", to=REQUEST),
            via="smtp",
            clock=group.clock,
            envelope_from="",
            envelope_to=[REQUEST],
        ).row_id
    process_pending(group)
    assert message(group, row_id).status == "dropped"


def test_without_envelope_the_headers_name_the_address(group: Runtime) -> None:
    """Imported files have no envelope: Delivered-To, X-Original-To, To, Cc decide."""
    raw = make_mail(
        "stranger@example.net", "help", "help", to="someone@example.net", headers={"Cc": REQUEST}
    )
    (row_id,) = feed(group, [raw], envelope_to=[], via="file")
    assert message(group, row_id).purpose == "request"
    assert message(group, row_id).status == "command"


def test_several_of_our_addresses_the_command_wins_over_the_post(group: Runtime) -> None:
    raw = make_mail("stranger@example.net", "help", "help")
    (row_id,) = feed(group, [raw], envelope_to=[LIST, REQUEST])
    assert message(group, row_id).purpose == "request"


def test_forged_dmarc_failure_is_held(group: Runtime) -> None:
    raw = make_mail(
        "ana@example.org",
        "Hello",
        "text",
        headers={
            "Authentication-Results": "mx.lists.example.org; dmarc=fail header.from=example.org"
        },
    )
    (row_id,) = feed(group, [raw])
    found = message(group, row_id)
    assert found.status == "held"
    assert "DMARC" in (found.status_reason or "")


def test_archive_import_accepts_everything_and_sends_nothing(group: Runtime) -> None:
    from corrbot.db import transaction
    from corrbot.intake import store_message
    from corrbot.pipeline.runner import process_pending

    ids = []
    for sender, to in (("stranger@example.net", LIST), ("stranger@example.net", REQUEST)):
        with transaction(group.sessions) as session:
            ids.append(
                store_message(
                    session,
                    group.group_id,
                    make_mail(sender, "join", "join government Stranger"),
                    via="file",
                    clock=group.clock,
                    envelope_to=[to],
                    no_deliver=True,
                ).row_id
            )
    process_pending(group)
    assert message(group, ids[0]).status == "accepted"
    assert message(group, ids[1]).status == "command"
    assert "not acted on" in (message(group, ids[1]).status_reason or "")
    assert rows(group) == []


def test_a_post_that_only_says_unsubscribe_is_held_not_sent_to_all(group: Runtime) -> None:
    (row_id,) = feed(group, [make_mail("ana@example.org", "unsubscribe", "")])
    found = message(group, row_id)
    assert found.status == "held"
    assert "command for cg-request@" in (found.status_reason or "")
    (row_id,) = feed(group, [make_mail("ana@example.org", "Re: Issues", "Please remove me.\n")])
    assert message(group, row_id).status == "held"
    long_post = "I will leave this to others.\nunsubscribe is not what I mean.\nThird line.\n"
    (row_id,) = feed(group, [make_mail("ana@example.org", "Leave", long_post)])
    assert message(group, row_id).status == "accepted"


def test_an_archive_import_reads_the_lists_own_copies(group: Runtime) -> None:
    """`ingest --no-deliver`: list copies carry our List-Id and Precedence: bulk; read them."""
    from corrbot.db import transaction
    from corrbot.intake import store_message
    from corrbot.pipeline.runner import process_pending

    copy = make_mail(
        "ana@example.org",
        "[Test] Mechanisms",
        "Text.",
        headers={"List-Id": "Test <cg.lists.example.org>", "Precedence": "bulk"},
    )
    with transaction(group.sessions) as session:
        row_id = store_message(
            session, group.group_id, copy, via="file", clock=group.clock, no_deliver=True
        ).row_id
    process_pending(group)
    assert message(group, row_id).status == "accepted"
    assert rows(group) == []  # and nothing is sent
