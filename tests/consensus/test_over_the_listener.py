"""A whole contested conversation over corrbot's real SMTP listener, time moved by
`corrbot tick --as-of`, and the chair answering the referral by email."""

from __future__ import annotations

import smtplib
from collections.abc import Iterator

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from corrbot.cli.main import cli
from corrbot.demo.script import free_port
from corrbot.ingress.smtp import start_listener
from corrbot.model import Issue, Referral
from tests.consensus.conftest import EMAIL, Group, parsed, text
from tests.consensus.test_cli_and_coordinators import config_of
from tests.mail import LIST, make_mail


@pytest.fixture
def smtp(group: Group) -> Iterator[tuple[str, int]]:
    handle = start_listener(group.runtime, port=free_port())
    try:
        yield handle.host, handle.port
    finally:
        handle.stop()


def send(server: tuple[str, int], who: str, to: str, subject: str, body: str, **kw: str) -> None:
    mid = kw.pop("mid", None)
    raw = make_mail(f"{who.title()} <{EMAIL[who]}>", subject, body, to=to, message_id=mid, **kw)
    with smtplib.SMTP(*server, timeout=30) as client:
        client.sendmail(EMAIL[who], [to], raw)


def tick(group: Group, at: str) -> str:
    result = CliRunner().invoke(cli, ["--config", str(config_of(group)), "tick", "--as-of", at])
    assert result.exit_code == 0, result.output
    return result.output


def test_propose_contest_refer_and_decide_by_email(group: Group, smtp: tuple[str, int]) -> None:
    subject = "PROPOSE ISSUE: Mass surveillance"
    send(smtp, "ana", LIST, subject, "It affects trust everywhere.\nCloses: 2013-10-10", mid="p@x")
    send(smtp, "sam", LIST, "Re: " + subject, "-1\nIt duplicates issue 2.", in_reply_to="p@x")
    send(
        smtp, "lea", LIST, "Re: " + subject,
        "Alternative: Mass surveillance and trust in the Internet\n+1 B", in_reply_to="p@x",
    )  # fmt: skip
    assert "closed 0 items" in tick(group, "2013-10-02T10:00")
    assert "closed 1 items" in tick(group, "2013-10-11T07:30")
    assert "closed 0 items" in tick(group, "2013-10-11T07:31")

    chair_copy = next(e for e in group.outbox("referral") if e.recipient == EMAIL["chair"])
    reply_to = str(parsed(chair_copy)["Reply-To"])
    assert "It duplicates issue 2." in text(chair_copy)
    # A member who saw the list copy cannot answer for the chair, even with her name.
    send(smtp, "sam", reply_to, "Re: referral", "Decision: A\n")
    send(smtp, "chair", reply_to, "Re: referral", "Decision: B\nAdded by the WG.")
    tick(group, "2013-10-12T09:00")
    with group.runtime.sessions() as session:
        referral = session.scalars(select(Referral)).one()
        assert (referral.state, referral.decision, referral.note) == (
            "decided",
            "B",
            "Added by the WG.",
        )
        added = session.scalars(select(Issue).where(Issue.number == 4)).one()
        assert added.title == "Mass surveillance and trust in the Internet"
    assert any(e.recipient == EMAIL["sam"] for e in group.outbox("reply"))
    assert {e.recipient for e in group.outbox("decision")} == set(EMAIL.values())
