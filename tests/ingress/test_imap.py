"""The IMAP poller against a real Dovecot on loopback (tests/servers/dovecot.py).

Stored once, marked only after the commit, IDLE and polling, UIDVALIDITY changes,
restarts and server outages, TLS and STARTTLS, and the recipient read from headers.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from sqlalchemy import delete, event, select
from sqlalchemy.orm import Session

from corrbot.addresses import ListAddresses
from corrbot.config import ConfigError, load_settings
from corrbot.db import transaction
from corrbot.ingress.imap import _idle
from corrbot.ingress.imap_fetch import new_uids
from corrbot.ingress.imap_recipients import recipients
from corrbot.ingress.imap_session import close, open_mailbox
from corrbot.model import Message, RawBlob
from corrbot.runtime import Runtime
from tests.ingress.imap_fixtures import (
    PASSWORD_ENV,
    Poller,
    imap_config,
    imap_state,
    mail,
    stored,
    stored_ids,
    wait_for,
)
from tests.mail import make_mail
from tests.servers.dovecot import DovecotServer

SEEN = b"\\Seen"
LIST = "cg@lists.example.org"


@pytest.fixture
def dovecot(monkeypatch: pytest.MonkeyPatch) -> Iterator[DovecotServer]:
    with DovecotServer() as server:
        monkeypatch.setenv(PASSWORD_ENV, server.password)
        yield server


@pytest.fixture
def imap_runtime(
    dovecot: DovecotServer, sqlite_url: str, make_runtime: Callable[..., Runtime]
) -> Callable[..., Runtime]:
    """A runtime whose [imap] section points at the test Dovecot."""

    def make(db_url: str = sqlite_url, **options: Any) -> Runtime:
        return make_runtime(db_url, imap_config(dovecot, **options))

    return make


def on_commit(runtime: Runtime, hook: Callable[[list[str]], None]) -> None:
    """Call hook(message_ids) just before each commit that stores new messages."""
    committed: set[str] = set()

    @event.listens_for(runtime.sessions, "before_commit")
    def call(session: Session) -> None:
        # What this transaction stores: the rows it sees that no earlier commit had.
        ids = [i for i in session.scalars(select(Message.message_id)) if i not in committed]
        if ids:
            hook(ids)
            committed.update(ids)


def _seen(server: DovecotServer, folder: str = "INBOX") -> dict[int, bool]:
    return {uid: SEEN in flags for uid, flags in server.flags(folder).items()}


def test_messages_are_stored_once_and_flagged_only_after_commit(
    dovecot: DovecotServer, db_url: str, imap_runtime: Callable[..., Runtime]
) -> None:
    runtime = imap_runtime(db_url)
    uids = dovecot.append([mail(1), mail(2), mail(3)])
    uid_of = {f"post-{n}@test.example": uid for n, uid in zip((1, 2, 3), uids, strict=True)}
    seen_at_commit: dict[str, bool] = {}

    def look_at_server(ids: list[str]) -> None:
        seen = _seen(dovecot)
        for message_id in ids:
            seen_at_commit[message_id] = seen[uid_of[message_id]]

    on_commit(runtime, look_at_server)

    with Poller(runtime) as poller:
        wait_for(lambda: all(_seen(dovecot).values()), "all three flagged \\Seen")
        # The same message again (another copy in the mailbox) is not stored twice.
        dovecot.append([mail(2)])
        wait_for(lambda: all(_seen(dovecot).values()), "the copy flagged too")
        assert poller.wakeups >= 2  # batches of two: the pipeline was woken per commit

    assert seen_at_commit == dict.fromkeys(uid_of, False)
    assert stored_ids(runtime) == list(uid_of)
    assert {(s.via, tuple(s.envelope_to)) for s in stored(runtime)} == {("imap", (LIST,))}
    assert imap_state(runtime) == [("INBOX", dovecot.uidvalidity(), 4)]


def test_a_failed_commit_leaves_the_message_unflagged_and_it_comes_again(
    dovecot: DovecotServer, imap_runtime: Callable[..., Runtime], caplog: pytest.LogCaptureFixture
) -> None:
    runtime = imap_runtime()
    dovecot.append([mail(1)])
    failed, retrying, release = threading.Event(), threading.Event(), threading.Event()

    def fail_once(_ids: list[str]) -> None:
        if not failed.is_set():
            failed.set()
            raise RuntimeError("disk full (simulated)")
        retrying.set()
        release.wait(timeout=20)  # hold the retry so the test can look in between

    on_commit(runtime, fail_once)

    with caplog.at_level(logging.INFO, logger="corrbot.intake"), Poller(runtime):
        wait_for(retrying.is_set, "the poller to try again")
        assert _seen(dovecot) == {1: False}
        assert stored_ids(runtime) == []
        release.set()
        wait_for(lambda: _seen(dovecot) == {1: True}, "the message flagged after the retry")
    assert stored_ids(runtime) == ["post-1@test.example"]
    assert any("disk full" in r.getMessage() or r.exc_info for r in caplog.records)


def test_a_crash_between_commit_and_flag_is_settled_on_reconnect(
    dovecot: DovecotServer, imap_runtime: Callable[..., Runtime]
) -> None:
    runtime = imap_runtime()
    dovecot.append([mail(1), mail(2), mail(3)])
    crashed = threading.Event()

    @event.listens_for(runtime.sessions, "after_commit")
    def crash_once(session: Session) -> None:
        # The first batch is committed; the poller dies before it can flag it.
        if not crashed.is_set() and imap_state(runtime) and imap_state(runtime)[0][2] > 0:
            crashed.set()
            raise RuntimeError("killed after the commit (simulated)")

    with Poller(runtime):
        wait_for(lambda: _seen(dovecot) == {1: True, 2: True, 3: True}, "all three flagged")
    assert crashed.is_set()
    assert stored_ids(runtime) == [f"post-{n}@test.example" for n in (1, 2, 3)]
    assert imap_state(runtime)[0][2] == 3


def test_new_mail_during_idle_arrives_without_waiting_for_the_next_idle(
    dovecot: DovecotServer, imap_runtime: Callable[..., Runtime], caplog: pytest.LogCaptureFixture
) -> None:
    # Both waits are a minute: only the server's IDLE notification can bring it sooner.
    runtime = imap_runtime(idle_seconds=60, poll_seconds=60)
    with caplog.at_level(logging.INFO, logger="corrbot.intake"), Poller(runtime):
        wait_for(lambda: bool(imap_state(runtime)), "the poller to connect")
        assert any("IDLE" in r.getMessage() for r in caplog.records)
        dovecot.append([mail(1)])
        wait_for(lambda: stored_ids(runtime) == ["post-1@test.example"], "the IDLE delivery")
        dovecot.append([mail(2)])
        wait_for(lambda: len(stored_ids(runtime)) == 2, "a second IDLE delivery")


def test_a_message_over_the_size_limit_is_left_in_the_folder_unmarked(
    dovecot: DovecotServer, sqlite_url: str, make_runtime: Callable[..., Runtime]
) -> None:
    # As the listener answers 552: not fetched, not stored, not asked for again.
    limit = "\n[listener]\nmax_message_bytes = 4000\n"
    runtime = make_runtime(sqlite_url, imap_config(dovecot) + limit)
    big = make_mail("member2@example.net", "Post 2", "x" * 6000, message_id="post-2@test.example")
    dovecot.append([mail(1), big, mail(3)])
    with Poller(runtime):
        wait_for(lambda: [s[2] for s in imap_state(runtime)] == [3], "all read")
        wait_for(lambda: _seen(dovecot)[3], "the third flagged")
    assert stored_ids(runtime) == ["post-1@test.example", "post-3@test.example"]
    assert _seen(dovecot) == {1: True, 2: False, 3: True}
    # A restart settles what a crash left unmarked, but not the message it refused.
    with Poller(runtime):
        dovecot.append([mail(4)])
        wait_for(lambda: _seen(dovecot).get(4, False), "the fourth flagged")
    assert _seen(dovecot)[2] is False
    assert "post-2@test.example" not in stored_ids(runtime)


def test_idle_is_reissued_before_the_server_would_end_it(
    dovecot: DovecotServer, imap_runtime: Callable[..., Runtime], caplog: pytest.LogCaptureFixture
) -> None:
    runtime = imap_runtime(idle_seconds=0.3)

    def idles() -> int:
        return sum("IDLE" in r.getMessage() and "> " in r.getMessage() for r in caplog.records)

    with caplog.at_level(logging.DEBUG, logger="imapclient"), Poller(runtime):
        wait_for(lambda: idles() >= 3, "three IDLE commands")
        dovecot.append([mail(1)])
        wait_for(lambda: len(stored_ids(runtime)) == 1, "delivery after re-issued IDLEs")


def test_a_server_without_idle_is_polled(
    monkeypatch: pytest.MonkeyPatch,
    sqlite_url: str,
    make_runtime: Callable[..., Runtime],
    caplog: pytest.LogCaptureFixture,
) -> None:
    no_idle = ["IMAP4rev1", "LITERAL+", "SASL-IR", "UIDPLUS", "MOVE", "NAMESPACE"]
    with DovecotServer(capabilities=no_idle) as server:
        monkeypatch.setenv(PASSWORD_ENV, server.password)
        runtime = make_runtime(sqlite_url, imap_config(server, poll_seconds=0.2))
        with caplog.at_level(logging.DEBUG), Poller(runtime):
            wait_for(lambda: bool(imap_state(runtime)), "the poller to connect")
            server.append([mail(1)])
            wait_for(lambda: len(stored_ids(runtime)) == 1, "the polled delivery")
    assert any("polling" in r.getMessage() for r in caplog.records)
    assert not any("IDLE" in r.getMessage() and "> " in r.getMessage() for r in caplog.records)


def test_a_uidvalidity_change_rereads_the_folder_without_duplicates(
    dovecot: DovecotServer, imap_runtime: Callable[..., Runtime]
) -> None:
    dovecot.create("cg")
    runtime = imap_runtime(folder="cg")
    dovecot.append([mail(1), mail(2)], folder="cg")
    with Poller(runtime):
        wait_for(lambda: len(stored_ids(runtime)) == 2, "the first two")
        before = dovecot.uidvalidity("cg")
        # The folder is renumbered: deleted and made again, with the same two and a third.
        dovecot.recreate("cg")
        dovecot.append([mail(1), mail(2), mail(3)], folder="cg")
        after = dovecot.uidvalidity("cg")
        assert after != before
        wait_for(lambda: _seen(dovecot, "cg") == {1: True, 2: True, 3: True}, "the re-read")
    assert stored_ids(runtime) == [f"post-{n}@test.example" for n in (1, 2, 3)]
    assert imap_state(runtime) == [("cg", after, 3)]


def test_a_restarted_poller_resumes_after_the_last_uid(
    dovecot: DovecotServer, imap_runtime: Callable[..., Runtime]
) -> None:
    runtime = imap_runtime()
    dovecot.append([mail(1), mail(2), mail(3)])
    with Poller(runtime):
        wait_for(lambda: len(stored_ids(runtime)) == 3, "the first three")
    # Forget the messages but keep the IMAP state: a poller that fetched from the
    # start would store them again, one that resumes stores only the new one.
    with transaction(runtime.sessions) as session:
        session.execute(delete(Message))
        session.execute(delete(RawBlob))
    dovecot.append([mail(4)])
    with Poller(runtime):
        wait_for(lambda: all(_seen(dovecot).values()), "the fourth flagged")
    assert stored_ids(runtime) == ["post-4@test.example"]
    assert imap_state(runtime)[0][2] == 4


def test_the_poller_reconnects_when_the_server_comes_back(
    dovecot: DovecotServer, imap_runtime: Callable[..., Runtime], caplog: pytest.LogCaptureFixture
) -> None:
    runtime = imap_runtime()
    with caplog.at_level(logging.INFO, logger="corrbot.intake"), Poller(runtime):
        dovecot.append([mail(1)])
        wait_for(lambda: len(stored_ids(runtime)) == 1, "the first message")
        dovecot.stop()
        wait_for(
            lambda: any("connecting again" in r.getMessage() for r in caplog.records),
            "the poller to notice the outage",
        )
        dovecot.start()
        dovecot.append([mail(2)])
        wait_for(lambda: len(stored_ids(runtime)) == 2, "the message sent after the restart")
    assert all(_seen(dovecot).values())
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


@pytest.mark.parametrize("mode", ["ssl", "starttls"])
def test_tls_with_a_trusted_self_signed_certificate(
    dovecot: DovecotServer, imap_runtime: Callable[..., Runtime], mode: str
) -> None:
    runtime = imap_runtime(mode=mode)
    dovecot.append([mail(1)])
    with Poller(runtime):
        wait_for(lambda: _seen(dovecot) == {1: True}, "the message over TLS")
    assert stored_ids(runtime) == ["post-1@test.example"]


def test_an_untrusted_certificate_is_refused_and_nothing_is_taken(
    dovecot: DovecotServer, imap_runtime: Callable[..., Runtime], caplog: pytest.LogCaptureFixture
) -> None:
    runtime = imap_runtime(mode="ssl", trust=False)
    dovecot.append([mail(1)])
    with caplog.at_level(logging.WARNING, logger="corrbot.intake"), Poller(runtime):
        wait_for(
            lambda: any("CERTIFICATE_VERIFY_FAILED" in r.getMessage() for r in caplog.records),
            "the refused certificate",
        )
    assert stored_ids(runtime) == []
    assert _seen(dovecot) == {1: False}


def test_a_missing_password_is_reported_and_the_poller_still_stops(
    dovecot: DovecotServer,
    imap_runtime: Callable[..., Runtime],
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    runtime = imap_runtime()
    monkeypatch.delenv(PASSWORD_ENV)
    with caplog.at_level(logging.WARNING, logger="corrbot.intake"), Poller(runtime):
        wait_for(
            lambda: any(f"{PASSWORD_ENV} is not set" in r.getMessage() for r in caplog.records),
            "the missing password in the log",
        )


def test_stored_mail_can_be_moved_to_another_folder(
    dovecot: DovecotServer, imap_runtime: Callable[..., Runtime]
) -> None:
    moving = imap_runtime(move_to="Processed")
    dovecot.append([mail(1), mail(2), mail(3)])
    with Poller(moving):
        wait_for(lambda: len(dovecot.flags("Processed")) == 3, "three moved")
    assert dovecot.flags("INBOX") == {}
    assert stored_ids(moving) == [f"post-{n}@test.example" for n in (1, 2, 3)]


def test_a_custom_keyword_marks_what_was_stored(
    dovecot: DovecotServer, imap_runtime: Callable[..., Runtime]
) -> None:
    runtime = imap_runtime(flag="$Corrbot")
    dovecot.append([mail(1)])
    with Poller(runtime):
        wait_for(lambda: b"$Corrbot" in dovecot.flags()[1], "the keyword")
    assert SEEN not in dovecot.flags()[1]  # a person still sees it as unread


def test_the_recipient_is_read_from_the_headers_in_spec_order(
    dovecot: DovecotServer, imap_runtime: Callable[..., Runtime]
) -> None:
    runtime = imap_runtime()
    dovecot.append(
        [
            mail(
                1,
                to=LIST,
                headers={
                    "Delivered-To": "cg-mailbox@hosting.example",
                    "X-Original-To": "cg-request@lists.example.org",
                },
            ),
            mail(2, to="someone@example.net", headers={"Cc": "cg-owner@lists.example.org"}),
            mail(3, to="someone@example.net"),
        ]
    )
    with Poller(runtime):
        wait_for(lambda: len(stored_ids(runtime)) == 3, "three messages")
    assert [s.envelope_to for s in stored(runtime)] == [
        ["cg-request@lists.example.org"],
        ["cg-owner@lists.example.org"],
        ["someone@example.net"],
    ]


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        (
            "Delivered-To: cg@lists.example.org\nTo: cg-request@lists.example.org\n",
            ["cg@lists.example.org"],
        ),
        (
            "X-Original-To: cg-owner@lists.example.org\nTo: cg@lists.example.org\n",
            ["cg-owner@lists.example.org"],
        ),
        (
            "To: Someone <a@b.org>, CG <CG@Lists.Example.org>\nCc: cg-owner@lists.example.org\n",
            ["cg@lists.example.org"],
        ),
        (
            "To: a@b.org\nCc: cg-confirm+tok@lists.example.org\n",
            ["cg-confirm+tok@lists.example.org"],
        ),
        ("Delivered-To: box@hosting.example\nTo: a@b.org\n", ["box@hosting.example"]),
        ("Subject: no recipient at all\n", []),
    ],
)
def test_recipient_header_order(headers: str, expected: list[str]) -> None:
    raw = (headers + "From: x@example.net\n\nbody\n").encode()
    assert recipients(raw, ListAddresses.of(LIST)) == expected


def test_imap_config_mistakes_are_named(tmp_path: Any) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(
        '[group]\nlist_address = "cg@lists.example.org"\nchair = "chair@example.org"\n'
        '[imap]\nhost = "imap.example.org"\nssl = true\nstarttls = true\nflag = "\\\\Deleted"\n'
        "idle_seconds = 0\n"
    )
    with pytest.raises(ConfigError) as caught:
        load_settings(path)
    message = str(caught.value)
    assert "ssl and starttls are both true" in message
    assert "flag = '\\\\Deleted'" in message
    assert "idle_seconds = 0" in message


def test_mail_reported_as_idle_begins_ends_that_idle_at_once(
    dovecot: DovecotServer, imap_runtime: Callable[..., Runtime]
) -> None:
    # Mail that came after the last SEARCH is reported right after IDLE's "+ idling",
    # often in the same packet: imaplib then holds that line in its buffer, where no
    # socket event will ever signal it, and the poller sat out the whole IDLE.
    runtime = imap_runtime()
    assert runtime.settings.imap is not None
    mailbox = open_mailbox(runtime.settings, runtime.settings.imap)
    try:
        assert new_uids(mailbox.client, 0) == []
        dovecot.append([mail(1)])
        time.sleep(1.5)  # the session has noticed it (mailbox_idle_check_interval = 1 s)
        started = time.monotonic()
        _idle(mailbox.client, 20, threading.Event())
        assert time.monotonic() - started < 10
        assert new_uids(mailbox.client, 0) == [1]
    finally:
        close(mailbox.client)
