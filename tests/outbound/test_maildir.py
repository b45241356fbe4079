"""Delivery mode "maildir": one readable file per recipient, written once, even after a crash."""

from __future__ import annotations

import os
from email import message_from_bytes, policy

from sqlalchemy import select

from corrbot.model import OutboxEntry, RawBlob
from corrbot.outbound.deliver import claim, deliver_due, transport_for
from corrbot.runtime import Runtime
from tests.outbound.helpers import BOUNCES, advance, maildir_of, queue_mail, rows


def _files(runtime: Runtime, sub: str = "new") -> list[bytes]:
    folder = maildir_of(runtime) / sub
    return [p.read_bytes() for p in sorted(folder.iterdir())]


def test_each_recipient_gets_one_file_with_return_path_and_delivered_to(
    outbox_runtime: Runtime,
) -> None:
    runtime = outbox_runtime
    message_id = queue_mail(runtime, ["ana@example.org", "Bo@Example.net"])

    assert deliver_due(runtime) == 2

    root = maildir_of(runtime)
    assert sorted(p.name for p in root.iterdir()) == ["cur", "new", "tmp"]
    assert list((root / "tmp").iterdir()) == []
    files = _files(runtime)
    assert len(files) == 2
    delivered_to = set()
    for data in files:
        assert data.startswith(f"Return-Path: <{BOUNCES}>\nDelivered-To: ".encode())
        assert b"\r\n" not in data  # local line endings, as a mail reader expects
        msg = message_from_bytes(data, policy=policy.default)
        delivered_to.add(str(msg["Delivered-To"]))
        assert str(msg["Message-ID"]) == f"<{message_id}>"
        assert "\n.A line starting with a dot." in msg.get_content()
    assert delivered_to == {"ana@example.org", "Bo@Example.net"}
    for entry in rows(runtime).values():
        assert (entry.state, entry.attempts, entry.sent_at) == ("sent", 1, runtime.clock.now())


def test_running_twice_writes_nothing_twice(outbox_runtime: Runtime) -> None:
    runtime = outbox_runtime
    queue_mail(runtime, ["ana@example.org"])
    assert deliver_due(runtime) == 1
    assert deliver_due(runtime) == 0
    queue_mail(runtime, ["ana@example.org"])  # the same dedupe key: not queued again
    assert deliver_due(runtime) == 0
    assert len(_files(runtime)) == 1


def test_a_row_left_sending_by_a_dead_process_is_delivered_after_the_timeout(
    outbox_runtime: Runtime,
) -> None:
    runtime = outbox_runtime
    queue_mail(runtime, ["ana@example.org"])
    (entry_id,) = [e.id for e in rows(runtime).values()]
    assert claim(runtime, entry_id, runtime.clock.now()) is not None  # then the process dies

    assert deliver_due(runtime) == 0  # still claimed: nobody else takes it
    advance(runtime, minutes=29)
    assert deliver_due(runtime) == 0
    advance(runtime, minutes=2)
    assert deliver_due(runtime) == 1
    assert len(_files(runtime)) == 1
    entry = rows(runtime)["ana@example.org"]
    assert (entry.state, entry.attempts) == ("sent", 2)


def test_a_file_written_just_before_a_crash_is_not_written_again(
    outbox_runtime: Runtime,
) -> None:
    runtime = outbox_runtime
    queue_mail(runtime, ["ana@example.org", "bo@example.net"])
    # Both copies were written, then the process died before marking them sent;
    # meanwhile a reader moved one of them to cur/ and flagged it as seen.
    with transport_for(runtime) as transport:
        for entry in rows(runtime).values():
            claimed = claim(runtime, entry.id, runtime.clock.now())
            assert claimed is not None
            transport.send(claimed)
    root = maildir_of(runtime)
    first = sorted((root / "new").iterdir())[0]
    os.rename(first, root / "cur" / f"{first.name}:2,S")

    advance(runtime, minutes=31)
    assert deliver_due(runtime) == 2

    assert len(_files(runtime, "new")) + len(_files(runtime, "cur")) == 2
    assert {e.state for e in rows(runtime).values()} == {"sent"}


def test_an_unwritable_maildir_defers_delivery_without_losing_the_copies(
    outbox_runtime: Runtime,
) -> None:
    runtime = outbox_runtime
    root = maildir_of(runtime)
    root.parent.mkdir(parents=True, exist_ok=True)
    root.write_text("a file where the Maildir should be")
    queue_mail(runtime, ["ana@example.org", "bo@example.net"])

    assert deliver_due(runtime) == 0
    assert {e.state for e in rows(runtime).values()} == {"queued"}

    root.unlink()
    assert deliver_due(runtime) == 2
    assert len(_files(runtime)) == 2


def test_one_message_to_many_recipients_is_stored_once_and_each_file_has_it(
    outbox_runtime: Runtime,
) -> None:
    # A report goes to every member: its bytes must not be stored once per member.
    runtime = outbox_runtime
    recipients = [f"member{i}@example.org" for i in range(120)]  # more than one claim batch
    queue_mail(runtime, recipients, body="The report.\n" * 2000, key="report-1")
    queue_mail(runtime, ["ana@example.org"], body="Another text.\n", key="reply-1")
    with runtime.sessions() as session:
        digests = session.scalars(select(OutboxEntry.raw_sha256).distinct()).all()
        blobs = session.scalars(select(RawBlob.size).where(RawBlob.sha256.in_(digests))).all()
    assert len(digests) == 2 and len(blobs) == 2

    assert deliver_due(runtime) == 121
    bodies = {
        message_from_bytes(data, policy=policy.default).get_content()
        for data in _files(runtime)
        if b"Subject: Hello" in data
    }
    assert bodies == {"The report.\n" * 2000, "Another text.\n"}
    assert len(_files(runtime)) == 121
