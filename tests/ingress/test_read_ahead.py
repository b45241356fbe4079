"""A large import reads ahead in a second process; what it stores is what one process stores.

The worker starts once an import fills a whole batch, so the archive here is larger
than one: the same messages go once through `corrbot ingest` (worker on) and once
through the plain pipeline (no worker), and every row must come out the same.
"""

from __future__ import annotations

import dataclasses
import mailbox
import os
from collections.abc import Callable
from concurrent.futures import Future
from email.message import Message as EmailMessage
from email.parser import BytesParser
from email.policy import compat32
from pathlib import Path

import pytest
from sqlalchemy import select

from corrbot.addresses import ListAddresses
from corrbot.db import transaction
from corrbot.ingress import files
from corrbot.intake import store_message
from corrbot.issue_list import import_issues, read_issue_list
from corrbot.members import add_member
from corrbot.model import Group, Message, Tag
from corrbot.pipeline import packed_head, parse_ahead, read_ahead
from corrbot.pipeline.context import MessageContext
from corrbot.pipeline.parse import read_message
from corrbot.pipeline.runner import process_pending
from corrbot.rules.chain import HEADERS_READ
from corrbot.rules.verdict import HeadersRead, header_values
from corrbot.runtime import Runtime
from tests.mail import make_mail

ISSUES = "number,title,category,aliases\n3,Spam,security,unsolicited mail\n7,Domain names,,\n"


def _archive() -> list[bytes]:
    mails = []
    for n in range(files.BATCH_MESSAGES + 60):
        if n % 50 == 7:
            mails.append(b"\x00\xff not an email %d \xfe" % n)  # quarantined either way
            continue
        parent = f"m{n - 1}@x" if n % 3 else None
        subject = f"[b] Issue 3: unsolicited mail, note {n}" if n % 4 == 0 else f"Note {n}"
        body = (
            f"Mechanism: London Action Plan\nStatus: partially\n\nText {n}.\n"
            if n % 9 == 0
            else (f"+1\n\nOn Monday someone wrote:\n> Issue 7 quoted, not ours {n}\n")
        )
        sender = "bea@example.org" if n % 5 == 0 else "ana@example.org"
        mails.append(make_mail(sender, subject, body, message_id=f"m{n}@x", in_reply_to=parent))
    # Mail whose body the runner reads itself: HTML only, and a delivery report.
    mails.append(_mime("text/html", b"PHA+WWVzLCBJc3N1ZSAzLjwvcD4=").replace(b"b64@x", b"h@x"))
    mails.append(
        _mime("message/delivery-status", b"QWN0aW9uOiBmYWlsZWQ=", "multipart/report").replace(
            b"b64@x", b"d@x"
        )
    )
    return mails


def _rows(runtime: Runtime) -> list[tuple[object, ...]]:
    with runtime.sessions() as session:
        tags: dict[int, list[str]] = {}
        for tag in session.scalars(select(Tag).where(Tag.active.is_(True)).order_by(Tag.id)):
            tags.setdefault(tag.message_id, []).append(f"{tag.kind}:{tag.key}:{tag.source}")
        by_id = {m.id: m.message_id for m in session.scalars(select(Message))}
        return [
            (
                m.message_id,
                m.status,
                m.subject,
                m.from_addr,
                m.member_id,
                m.new_text,
                by_id.get(m.parent_id or 0),
                sorted(tags.get(m.id, [])),
            )
            for m in session.scalars(select(Message).order_by(Message.message_id))
        ]


def _group(make_runtime: Callable[..., Runtime], db_url: str, tmp_path: Path) -> Runtime:
    runtime = make_runtime(db_url)
    csv = tmp_path / "issues.csv"
    csv.write_text(ISSUES)
    with transaction(runtime.sessions) as session:
        import_issues(session, runtime.group_id, read_issue_list(csv))
        # A member among the senders: the batch looks senders up ahead (runner._warm).
        add_member(
            session,
            runtime.group_id,
            runtime.clock,
            email="Bea@Example.org",
            name="Bea",
            stakeholder="civil-society",
        )
    return runtime


def test_an_import_read_ahead_stores_what_one_process_stores(
    db_url: str,
    make_runtime: Callable[..., Runtime],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    request: pytest.FixtureRequest,
    caplog: pytest.LogCaptureFixture,
) -> None:
    mails = _archive()
    box = mailbox.mbox(tmp_path / "archive.mbox")
    for raw in mails:
        box.add(raw)
    box.close()
    started: list[int] = []
    real_init = read_ahead.ReadAhead.__init__

    def counting_init(self: read_ahead.ReadAhead, *args: object, **kwargs: object) -> None:
        started.append(1)
        real_init(self, *args, **kwargs)

    monkeypatch.setattr(read_ahead.ReadAhead, "__init__", counting_init)
    used: list[int] = []
    real_get = read_ahead.Readings.get

    def counting_get(self: read_ahead.Readings, row_id: int) -> parse_ahead.Prepared | None:
        found = real_get(self, row_id)
        if found is not None:
            used.append(row_id)
        return found

    monkeypatch.setattr(read_ahead.Readings, "get", counting_get)

    ahead = _group(make_runtime, db_url, tmp_path)
    summary = files.ingest(
        ahead, files.find_sources([str(tmp_path / "archive.mbox")]), no_deliver=True
    )
    assert started, "the import was large enough to read ahead"
    # The worker ran from the first batch on: it read every message (the unreadable
    # ones too: its reading says why), none was left to the runner.
    assert len(set(used)) == len(mails)
    assert summary.read == len(mails) and summary.quarantined == 6
    # Every batch went through at once: none failed to be processed again message
    # by message (as one would whose rules read a header the worker did not send).
    assert "one by one" not in caplog.text

    if db_url.startswith("sqlite"):
        plain_url = f"sqlite:///{tmp_path / 'plain.db'}"
    else:
        plain_url = request.getfixturevalue("pg_server").create_database(
            f"plain_{abs(hash(request.node.nodeid)) % 10**8}"
        )
    plain = _group(make_runtime, plain_url, tmp_path)
    sources = files.find_sources([str(tmp_path / "archive.mbox")])
    for raw in [raw for source in sources for raw in files.read_source(source)]:
        with transaction(plain.sessions) as session:
            store_message(
                session, plain.group_id, raw, via="file", clock=plain.clock, no_deliver=True
            )
    process_pending(plain)  # one message per transaction, no worker
    assert _rows(ahead) == _rows(plain)
    assert any(row[4] is not None for row in _rows(ahead))  # Bea's posts


def _mime(kind: str, part: bytes, top: str = "multipart/mixed") -> bytes:
    return (
        b"From: ana@example.org\r\nSubject: broken\r\nMessage-ID: <b64@x>\r\n"
        + f"MIME-Version: 1.0\r\nContent-Type: {top}; boundary=XX\r\n\r\n".encode()
        + f"--XX\r\nContent-Type: {kind}\r\nContent-Transfer-Encoding: base64\r\n\r\n".encode()
        + part
        + b"\r\n--XX--\r\n"
    )


@pytest.mark.parametrize("kind", ["image/png", "message/delivery-status"])
def test_the_reading_carries_the_mail_as_a_bare_parse_leaves_it(kind: str) -> None:
    # A mail whose body the runner may read (no text found in it; a delivery report):
    # reading a part with broken base64 notes a defect on that part, and the runner's
    # rules must get the mail as parsed, not as the worker's reading left it.
    top = "multipart/report" if kind.startswith("message/") else "multipart/mixed"
    raw = _mime(kind, b"PGI+SGVsbG8gd29y=bGQ*", top)
    fresh = BytesParser(policy=compat32).parsebytes(raw)
    reading = parse_ahead.prepare("b64@x", raw)
    assert reading is not None and reading.problem is None
    shipped = reading.parsed()
    assert shipped is not None
    assert shipped.as_bytes() == fresh.as_bytes()
    assert _defects(shipped) == _defects(fresh)
    if kind == "image/png":  # what the test guards against: reading adds a defect
        assert _defects(_read(raw)) != _defects(fresh)


def _defects(mail: EmailMessage) -> list[list[str]]:
    return [[type(defect).__name__ for defect in part.defects] for part in mail.walk()]


def _rules_headers(mail: EmailMessage) -> list[tuple[str, str]]:
    return [(name, value) for name, value in mail.raw_items() if name.lower() in HEADERS_READ]


def test_a_plain_text_mail_is_carried_as_the_headers_the_rules_read() -> None:
    # The runner reads only row fields and the rules' header values of such a mail:
    # its body would be a second copy of the text, its other headers unread.
    raw = _mime("text/plain", b"SGVsbG8gd29y=bGQ*").replace(
        b"From:", b"To: cg@lists.example.org\r\nList-Id: <cg.lists.example.org>\r\nFrom:"
    )
    fresh = BytesParser(policy=compat32).parsebytes(raw)
    reading = parse_ahead.prepare("b64@x", raw)
    assert reading is not None and reading.fields["text_body"]
    shipped = reading.parsed()
    assert isinstance(shipped, HeadersRead)
    assert [name for name, _ in shipped.raw_items()] == ["To", "List-Id", "Content-Type"]
    assert list(shipped.raw_items()) == _rules_headers(fresh)
    assert shipped.defects == fresh.defects
    assert shipped.get_content_type() == "multipart/mixed" and shipped.get_payload() == ""
    assert reading.email is None  # no pickled mail at all


def test_a_header_the_rules_do_not_read_is_refused_from_such_a_mail(
    runtime: Runtime,
) -> None:
    # So that a rule reading another header cannot be answered "none" in an import;
    # the runner then processes the batch again from the raw bytes.
    reading = parse_ahead.prepare("r@x", make_mail("ana@example.org", "Hi", "Hi.\n"))
    assert reading is not None
    with transaction(runtime.sessions) as session:
        row = Message(group_id=runtime.group_id, message_id="r@x")
        ctx = MessageContext(runtime, session, session.get_one(Group, runtime.group_id), row)
        ctx.parsed = reading.parsed()
        assert header_values(ctx, "Auto-Submitted") == []
        with pytest.raises(LookupError):
            header_values(ctx, "Subject")


def test_the_envelope_line_is_carried_with_the_headers() -> None:
    raw = b"From ana@example.org Mon Jan  1 00:00:00 2024\n" + make_mail(
        "ana@example.org", "Hi", "Hi.\n"
    )
    reading = parse_ahead.prepare("env@x", raw)
    assert reading is not None
    shipped = reading.parsed()
    assert shipped is not None
    assert shipped.get_unixfrom() == "From ana@example.org Mon Jan  1 00:00:00 2024"
    assert list(shipped.raw_items()) == _rules_headers(BytesParser(policy=compat32).parsebytes(raw))


def _read(raw: bytes) -> EmailMessage:
    parsed, _ = read_message(Message(message_id="b64@x"), raw)
    return parsed


def test_a_parse_that_cannot_be_unpickled_is_parsed_again_by_the_runner() -> None:
    reading = parse_ahead.prepare("b64@x", make_mail("ana@example.org", "Hi", "Hi.\n"))
    assert reading is not None
    broken = dataclasses.replace(reading, email=b"not a pickle", head=None)
    assert broken.parsed() is None  # parse.py then parses the raw bytes itself


def test_headers_that_could_hold_the_separator_are_sent_in_a_pickled_mail() -> None:
    # A parse cannot give U+0080 (it reads bytes as ASCII with surrogate escapes);
    # were one there, the packed headers would split wrongly, so they are not used.
    odd = EmailMessage()
    odd.set_raw("To", "caf\x80")
    assert packed_head.scan_keys(odd)[0] is None
    fine = BytesParser(policy=compat32).parsebytes(b"To: caf\xc3\xa9\n\nbody")
    head = packed_head.scan_keys(fine)[0]
    assert head is not None
    assert packed_head.rebuilt(head).items() == fine.items()


def test_the_workers_run_at_a_lower_priority_than_the_runner() -> None:
    ahead = read_ahead.ReadAhead()
    try:
        # os.nice(0) answers the calling process's niceness
        worker = ahead._pool.submit(os.nice, 0).result(timeout=60)
    finally:
        ahead.close()
    assert worker == min(19, os.nice(0) + read_ahead.WORKER_NICENESS)


def test_a_reading_comes_back_without_the_lists_and_gets_the_runners_own() -> None:
    # A group's lists, pickled back with every chunk of readings, cost the runner's
    # process more than the readings' own objects: Readings puts its own copy back.
    refs = parse_ahead.Refs(
        (parse_ahead.TaskRef("a", "Review the issues"),), (), 0.5, ListAddresses.of("cg@x.org")
    )
    raw = make_mail("ana@example.org", "Review", "We review the issues.\n")
    sent = parse_ahead.read_arrivals([raw], refs)
    reading = sent[0][2]
    assert reading is not None and reading.refs is None and reading.tags_for is not None
    as_sent = dataclasses.replace(reading)
    done: Future[list[parse_ahead.ArrivalReading]] = Future()
    done.set_result(sent)
    readings = read_ahead.Readings()
    readings.add([7], done, refs)
    got = readings.get(7)
    assert got is not None and got.refs is refs
    assert dataclasses.replace(got, refs=None) == as_sent
