"""Replaying an archive: `corrbot ingest` reads each message at its Date, so `tick --as-of`
over the archive's own dates closes, refers and reports as the group lived it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from click.testing import CliRunner
from sqlalchemy import select

from corrbot.cli.main import cli
from corrbot.config import load_settings
from corrbot.model import Item, Message, PendingConfirmation, Position
from corrbot.runtime import Runtime


def _eml(
    path: Path, sender: str, mid: str, date: str, subject: str, body: str, parent: str = ""
) -> Path:
    reply = f"In-Reply-To: <{parent}>\n" if parent else ""
    path.write_text(
        f"From: {sender}\nTo: cg@lists.example.org\nSubject: {subject}\n"
        f"Message-ID: <{mid}>\n{reply}Date: {date}\n\n{body}\n"
    )
    return path


def test_an_archive_replays_on_its_own_dates(
    db_url: str, write_config: Callable[..., Path], tmp_path: Path
) -> None:
    config = write_config(db_url, "[consensus]\nwindow_days = 14\n")

    def run(*args: str) -> str:
        result = CliRunner().invoke(cli, ["--config", str(config), *args])
        assert result.exit_code == 0, result.output
        return result.output

    run("init")
    run("members", "add", "ana@example.org", "--name", "Ana", "--stakeholder", "civil-society")
    run("members", "add", "bo@example.org", "--name", "Bo", "--stakeholder", "government")
    run("members", "add", "cy@example.org", "--name", "Cy", "--stakeholder", "private-sector")
    files = [
        _eml(
            tmp_path / "1.eml",
            "Ana <ana@example.org>",
            "p1@example.org",
            "Mon, 04 Nov 2013 10:00:00 +0000",
            "PROPOSAL: Map spam first",
            "We propose to map spam first.",
        ),
        _eml(
            tmp_path / "2.eml",
            "Bo <bo@example.org>",
            "r1@example.org",
            "Mon, 04 Nov 2013 11:00:00 +0000",
            "Re: PROPOSAL: Map spam first",
            "-1\nSpam is handled elsewhere.",
            parent="p1@example.org",
        ),
        # After the item's closing time (18 Nov): too late to count, as it was then.
        _eml(
            tmp_path / "3.eml",
            "Cy <cy@example.org>",
            "r2@example.org",
            "Wed, 20 Nov 2013 09:00:00 +0000",
            "Re: PROPOSAL: Map spam first",
            "+1",
            parent="p1@example.org",
        ),
        # A sender's clock in the future: read at the time of the import instead.
        _eml(
            tmp_path / "4.eml",
            "Ana <ana@example.org>",
            "f1@example.org",
            "Tue, 01 Jan 2999 00:00:00 +0000",
            "A note from the future",
            "Hello.",
        ),
    ]
    assert "new 4" in run("ingest", *map(str, files))

    runtime = Runtime.build(load_settings(config))
    try:
        with runtime.sessions() as session:
            item = session.scalars(select(Item)).one()
            assert (item.opened_at, item.closes_at) == (
                datetime(2013, 11, 4, 10),
                datetime(2013, 11, 18, 10),
            )
            stances = session.scalars(select(Position.stance).order_by(Position.id)).all()
            posted = dict(session.execute(select(Message.message_id, Message.posted_at)).all())
            received = session.scalar(
                select(Message.received_at).where(Message.message_id == "f1@example.org")
            )
    finally:
        runtime.close()
    assert list(stances) == ["support", "object"]  # the author, Bo; not Cy's late +1
    assert posted["r1@example.org"] == datetime(2013, 11, 4, 11)
    assert posted["f1@example.org"] == received  # never later than it arrived

    assert "closed 0 items" in run("tick", "--as-of", "2013-11-17T00:00:00")
    assert "closed 1 items" in run("tick", "--as-of", "2013-11-25T00:00:00")
    assert "no-consensus" in run("referrals", "list")
    report = run("report", "preview", "update-report", "--as-of", "2013-11-29T17:00:00")
    assert "3 contributions" in report  # the proposal, the objection, the late +1
    assert "A note from the future" not in report  # posted at the import, after the deadline


def test_a_command_replayed_from_an_old_file_gets_a_token_that_can_still_be_answered(
    sqlite_url: str, write_config: Callable[..., Path], tmp_path: Path
) -> None:
    config = write_config(sqlite_url)
    runner = CliRunner()
    assert runner.invoke(cli, ["--config", str(config), "init"]).exit_code == 0
    (tmp_path / "join.eml").write_text(
        "From: Dee <dee@example.org>\nTo: cg-request@lists.example.org\nSubject: join\n"
        "Message-ID: <join1@example.org>\nDate: Mon, 04 Nov 2013 10:00:00 +0000\n\n"
        "join civil-society Dee\n"
    )
    result = runner.invoke(cli, ["--config", str(config), "ingest", str(tmp_path / "join.eml")])
    assert result.exit_code == 0, result.output
    runtime = Runtime.build(load_settings(config))
    try:
        with runtime.sessions() as session:
            pending = session.scalars(select(PendingConfirmation)).one()
            imported = session.scalar(select(Message.received_at))
    finally:
        runtime.close()
    assert pending.created_at == datetime(2013, 11, 4, 10)  # read on the message's date
    assert imported is not None and pending.expires_at > imported  # answerable from now on
