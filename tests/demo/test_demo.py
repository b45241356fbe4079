"""`corrbot demo` plays the whole ToR calendar and leaves every report and referral in its outbox.

The demo is run as a user runs it, through the command line, into a fresh folder;
then its outbox Maildir is read file by file, as a person looking at it would.
"""

from __future__ import annotations

import time
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

from click.testing import CliRunner

from corrbot.cli.main import cli
from corrbot.demo.data import CHAIR, COORDINATOR, LIST_ADDRESS


def outbox(folder: Path) -> list[EmailMessage]:
    found = []
    for path in sorted((folder / "outbox" / "new").iterdir()):
        msg = message_from_bytes(path.read_bytes(), policy=policy.default)
        assert isinstance(msg, EmailMessage)
        found.append(msg)
    return found


def text(msg: EmailMessage) -> str:
    part = msg.get_body(preferencelist=("plain",))
    return part.get_content() if isinstance(part, EmailMessage) else ""


def mentions(msg: EmailMessage, kind: str) -> bool:
    """Whether a report's Subject names its kind ("update-report" or "Update report")."""
    subject = str(msg.get("Subject", "")).lower()
    return kind in subject or kind.replace("-", " ") in subject


def to(msg: EmailMessage) -> str:
    return str(msg.get("Delivered-To", "")).lower()


def test_demo_leaves_every_report_and_referral_in_its_outbox(tmp_path: Path) -> None:
    folder = tmp_path / "demo"
    started = time.monotonic()
    result = CliRunner().invoke(cli, ["demo", "--dir", str(folder)])
    elapsed = time.monotonic() - started
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    assert "skipped" not in result.output, result.output  # every scripted mail went out
    assert elapsed < 60, f"the demo took {elapsed:.0f}s"
    assert str(folder / "outbox" / "new") in result.output
    assert "referrals list" in result.output and "export mapping" in result.output

    mail = outbox(folder)
    chair = [m for m in mail if to(m) == CHAIR]
    coordinator = [m for m in mail if to(m) == COORDINATOR]

    # Every deadline's report reached the chair, each multipart (plain text and
    # HTML): three update reports, the initial output and the final document.
    reports = [m for m in chair if m.get_body(preferencelist=("html",)) is not None]
    for kind, count in (("update-report", 3), ("initial-output", 1), ("final-document", 1)):
        found = [m for m in reports if mentions(m, kind)]
        assert len(found) >= count, (kind, [str(m["Subject"]) for m in chair])
    # The coordinators' daily digest.
    assert any(mentions(m, "digest") for m in coordinator), [str(m["Subject"]) for m in coordinator]

    # Referrals to the chair, answerable by reply (the token is in the chair's copy).
    referrals = [m for m in chair if "cg-confirm+" in str(m.get("Reply-To", ""))]
    assert referrals, [str(m["Subject"]) for m in chair]
    assert any("cybercrime" in text(m).lower() for m in referrals)

    # The chair's decision, announced to the group: members' copies tell of it.
    member_copies = [m for m in mail if to(m) == "ilse.vandijk@itu-bdt.example"]
    announced = [m for m in member_copies if "decision" in text(m).lower() and "C" in text(m)]
    assert any(
        "decision" in str(m["Subject"]).lower() or "decided" in text(m).lower() for m in announced
    ), [str(m["Subject"]) for m in member_copies]

    # Everything came from the list's domain.
    domain = LIST_ADDRESS.split("@")[1]
    assert all(str(m.get("Return-Path", "")).strip("<>").endswith(domain) for m in mail)
