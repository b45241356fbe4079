"""Read the demo's outbox Maildir the way its recipients would, and count what is in it.

The demo answers confirmation requests and referrals by reading the recipient's copy
(the file whose Delivered-To names them), exactly as a person would reply to the mail
they received: the token travels only in that mail.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from corrbot.model import OutboxEntry

_CONFIRM = re.compile(r"[\w.-]+-confirm\+[0-9A-Za-z_-]+@[\w.-]+")


@dataclass(frozen=True)
class Received:
    path: Path
    message: EmailMessage

    @property
    def subject(self) -> str:
        return str(self.message.get("Subject", ""))

    @property
    def message_id(self) -> str:
        return str(self.message.get("Message-ID", "")).strip().strip("<>")

    def text(self) -> str:
        part = self.message.get_body(preferencelist=("plain",))
        return part.get_content() if isinstance(part, EmailMessage) else ""

    def confirm_address(self) -> str | None:
        """Where a reply confirms: the Reply-To, else an address named in the text."""
        for value in (str(self.message.get("Reply-To", "")), self.text()):
            found = _CONFIRM.search(value)
            if found:
                return found.group(0)
        return None


def copies_for(maildir: Path, recipient: str) -> list[Received]:
    """The messages delivered to `recipient`, oldest first."""
    found = []
    for path in sorted((maildir / "new").glob("*")) + sorted((maildir / "cur").glob("*")):
        message = message_from_bytes(path.read_bytes(), policy=policy.default)
        assert isinstance(message, EmailMessage)
        if str(message.get("Delivered-To", "")).strip().lower() == recipient.lower():
            found.append(Received(path, message))
    found.sort(key=lambda r: r.path.stat().st_mtime_ns)
    return found


def find_request(maildir: Path, recipient: str, needle: str | None) -> Received | None:
    """The newest mail to `recipient` that can be confirmed and mentions `needle`."""
    needle_l = (needle or "").lower()
    for received in reversed(copies_for(maildir, recipient)):
        if received.confirm_address() is None:
            continue
        if needle_l in received.subject.lower() or needle_l in received.text().lower():
            return received
    return None


def kinds_delivered(session: Session, group_id: int) -> Counter[str]:
    """How many delivered emails of each kind (post, reply, confirm, referral, report…)."""
    rows = session.execute(
        select(OutboxEntry.kind).where(
            OutboxEntry.group_id == group_id, OutboxEntry.state == "sent"
        )
    )
    return Counter(kind for (kind,) in rows)
