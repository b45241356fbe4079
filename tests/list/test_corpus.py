"""Real mail written by others goes through the chain and out to the list without a crash.

Every sender is made a member (reading by digest, so each post makes three copies:
Ana's and the officers'); each message then gets a status with a reason, and every
copy queued is a message a mail client can read, its body the one received.
"""

from __future__ import annotations

import mailbox
import re
from email import message_from_bytes, policy
from email.parser import BytesParser
from email.policy import compat32
from email.utils import parseaddr
from pathlib import Path

from sqlalchemy import select

from corrbot.db import transaction
from corrbot.members import find_member
from corrbot.model import Member, Message, RawBlob
from corrbot.runtime import Runtime
from tests.list.conftest import add_members
from tests.list.outbox import rows
from tests.mail import feed

CORPORA = Path(__file__).resolve().parents[3] / "shared" / "corpora"


def corpus() -> list[bytes]:
    raws = [p.read_bytes() for p in sorted((CORPORA / "malformed" / "mail-parser").glob("*.eml"))]
    box = mailbox.mbox(CORPORA / "linux-mips" / "linux-mips-1k.mbox", create=False)
    for i, key in enumerate(box.iterkeys()):
        if i >= 150:
            break
        # The archive holds the list's own copies, marked "Precedence: bulk" (which the
        # chain drops as automatic); without it each reads as the post it was.
        raws.append(re.sub(rb"(?im)^Precedence:[^\n]*\n", b"", box.get_bytes(key)))
    return raws


def test_real_mail_is_routed_and_distributed(runtime: Runtime) -> None:
    add_members(runtime)
    raws = corpus()
    with transaction(runtime.sessions) as session:
        for raw in raws:
            sender = parseaddr(str(BytesParser(policy=compat32).parsebytes(raw).get("From", "")))[1]
            sender = sender.strip().lower()
            if (
                "@" in sender
                and " " not in sender
                and find_member(session, runtime.group_id, sender) is None
            ):
                session.add(
                    Member(
                        group_id=runtime.group_id,
                        email=sender,
                        name="",
                        stakeholder="academic-technical",
                        digest=True,
                        joined_at=runtime.clock.now(),
                    )
                )
                session.flush()
    feed(runtime, raws, via="file")
    with runtime.sessions() as session:
        messages = list(session.scalars(select(Message).where(Message.placeholder.is_(False))))
    assert len(messages) >= len(raws) - 5  # a few share a Message-ID
    assert all(m.status and m.status_reason for m in messages)
    accepted = [m for m in messages if m.status == "accepted"]
    assert len(accepted) > 100
    copies = rows(runtime, kind="post")
    with runtime.sessions() as session:
        originals = {
            m.message_id: blob.data
            for m in accepted
            if (blob := session.get(RawBlob, m.sha256)) is not None
        }
    assert len(copies) >= 3 * len(accepted) - 3
    for copy in copies:
        parsed = message_from_bytes(copy.raw, policy=policy.default)
        assert parsed["List-Id"] is not None
        assert str(parsed["X-Loop"]) == "cg@lists.example.org"
        original = originals[copy.message_id]
        body = re.split(rb"\r?\n\r?\n", original, maxsplit=1)[1]
        assert copy.raw.split(b"\r\n\r\n", 1)[1] == re.sub(rb"\r?\n", b"\r\n", body)
