"""The listener over real sockets: smtplib and LMTP clients against corrbot's aiosmtpd server."""

from __future__ import annotations

import smtplib
import sqlite3
import threading
import time
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import select, text

from corrbot.ingress.smtp import ListenerHandle
from corrbot.model import Message, RawBlob
from corrbot.runtime import Runtime
from tests.ingress.conftest import listener_config, stored_count
from tests.mail import LIST, make_mail

Listen = Callable[[Runtime], ListenerHandle]
MakeRuntime = Callable[..., Runtime]


def _client(handle: ListenerHandle) -> smtplib.SMTP:
    if handle.protocol == "lmtp":
        return smtplib.LMTP(handle.host, handle.port, timeout=30)  # its ehlo() sends LHLO
    return smtplib.SMTP(handle.host, handle.port, timeout=30)


def _mail(*args: Any, **kwargs: Any) -> bytes:
    """SMTP carries CRLF lines, and smtplib sends bytes as they are."""
    return make_mail(*args, **kwargs).replace(b"\n", b"\r\n")


def test_accepted_message_is_stored_byte_for_byte_before_250(
    db_url: str, make_runtime: MakeRuntime, listen: Listen
) -> None:
    runtime = make_runtime(db_url, listener_config())
    handle = listen(runtime)
    raw = _mail("alice@example.org", "Hello", "Body\n.leading dot\n", message_id="a1@x")
    with _client(handle) as client:
        refused = client.sendmail("alice@example.org", [LIST, "cg-request@lists.example.org"], raw)
    assert refused == {}
    with runtime.sessions() as session:
        row = session.scalars(select(Message).where(Message.message_id == "a1@x")).one()
        blob = session.get(RawBlob, row.sha256)
        assert blob is not None
        assert blob.data == raw  # dot-stuffing undone, nothing added

        assert row.via == "smtp"
        assert row.stage == "received"
        assert row.envelope_from == "alice@example.org"
        assert row.envelope_to == [LIST, "cg-request@lists.example.org"]


def test_foreign_recipient_gets_550_and_group_addresses_are_accepted(
    db_url: str, make_runtime: MakeRuntime, listen: Listen
) -> None:
    runtime = make_runtime(db_url, listener_config())
    handle = listen(runtime)
    with _client(handle) as client:
        client.ehlo()
        assert client.mail("alice@example.org")[0] == 250
        code, reply = client.rcpt("someone@elsewhere.example")
        assert (code, reply[:5]) == (550, b"5.1.1")
        assert client.rcpt("cg-other@lists.example.org")[0] == 550
        for address in (
            LIST,
            "CG-Owner@lists.example.org",
            "cg-bounces+bob=example.org@lists.example.org",
            "cg-confirm+abc123@lists.example.org",
        ):
            assert client.rcpt(address)[0] == 250, address
        client.rset()
        client.mail("alice@example.org")
        client.rcpt("nobody@elsewhere.example")
        with pytest.raises(smtplib.SMTPDataError) as refused:
            client.data(_mail("alice@example.org", "x", "y"))
        assert refused.value.smtp_code == 503  # no valid recipient: nothing to store
    assert stored_count(runtime) == 0


def test_oversized_message_gets_552_and_is_not_stored(
    sqlite_url: str, make_runtime: MakeRuntime, listen: Listen
) -> None:
    runtime = make_runtime(sqlite_url, listener_config(max_bytes=5000))
    handle = listen(runtime)
    big = _mail("alice@example.org", "Big", "x" * 60 + "\n" * 200 + "y" * 9000)
    with _client(handle) as client:
        client.ehlo()
        assert client.has_extn("size")
        # Declared size over the limit: refused at MAIL.
        assert client.mail("alice@example.org", [f"SIZE={len(big)}"])[0] == 552
        client.rset()
        # Undeclared: refused after DATA, and the session goes on.
        client.mail("alice@example.org")
        client.rcpt(LIST)
        code, reply = client.data(big)
        assert code == 552 and reply.startswith(b"5.3.4")
        small = _mail("alice@example.org", "Small", "ok")
        assert client.sendmail("alice@example.org", [LIST], small) == {}
    assert stored_count(runtime) == 1


def test_store_failure_is_451_without_error_text_and_retry_succeeds(
    db_url: str, make_runtime: MakeRuntime, listen: Listen
) -> None:
    runtime = make_runtime(db_url, listener_config())
    handle = listen(runtime)
    raw = _mail("alice@example.org", "Hello", "body", message_id="retry@x")
    with runtime.engine.begin() as conn:
        conn.execute(text("ALTER TABLE message RENAME TO message_away"))
    with _client(handle) as client:
        client.ehlo()
        client.mail("alice@example.org")
        client.rcpt(LIST)
        code, reply = client.data(raw)
    assert code == 451
    assert reply == b"4.3.0 Temporary failure, please try again later"
    with runtime.engine.begin() as conn:
        conn.execute(text("ALTER TABLE message_away RENAME TO message"))
    with _client(handle) as client:
        assert client.sendmail("alice@example.org", [LIST], raw) == {}
    assert stored_count(runtime) == 1


def test_lmtp_answers_once_per_recipient(
    db_url: str, make_runtime: MakeRuntime, listen: Listen
) -> None:
    runtime = make_runtime(db_url, listener_config("lmtp", max_bytes=4000))
    handle = listen(runtime)
    raw = _mail("alice@example.org", "Both", "body", message_id="two@x")
    with _client(handle) as client:
        client.ehlo()
        client.mail("alice@example.org")
        assert client.rcpt(LIST)[0] == 250
        assert client.rcpt("nobody@elsewhere.example")[0] == 550
        assert client.rcpt("cg-owner@lists.example.org")[0] == 250
        first = client.data(raw)
        second = client.getreply()
        assert (first[0], second[0]) == (250, 250)
        # Oversized: still one answer per recipient, and the session goes on.
        client.mail("alice@example.org")
        client.rcpt(LIST)
        client.rcpt("cg-owner@lists.example.org")
        first = client.data(_mail("alice@example.org", "Big", "z" * 8000))
        second = client.getreply()
        assert (first[0], second[0]) == (552, 552)
        assert client.noop()[0] == 250
    with runtime.sessions() as session:
        row = session.scalars(select(Message)).one()
        assert row.via == "lmtp"
        assert row.envelope_to == [LIST, "cg-owner@lists.example.org"]


def test_duplicates_are_stored_once_and_still_accepted(
    db_url: str, make_runtime: MakeRuntime, listen: Listen
) -> None:
    runtime = make_runtime(db_url, listener_config())
    handle = listen(runtime)
    same_id = _mail("alice@example.org", "Hi", "body", message_id="dup@x")
    resent = _mail("alice@example.org", "Hi (resent)", "other body", message_id="dup@x")
    no_id = b"From: bob@example.org\r\nSubject: no id\r\n\r\nbody\r\n"
    with _client(handle) as client:
        for raw in (same_id, resent, no_id, no_id):
            assert client.sendmail("a@example.org", [LIST], raw) == {}
    with runtime.sessions() as session:
        ids = sorted(session.scalars(select(Message.message_id)))
    assert len(ids) == 2
    assert "dup@x" in ids


def test_concurrent_clients_are_all_stored(
    db_url: str, make_runtime: MakeRuntime, listen: Listen
) -> None:
    runtime = make_runtime(db_url, listener_config())
    handle = listen(runtime)
    replies: list[dict[str, tuple[int, bytes]]] = []
    errors: list[BaseException] = []

    def send(n: int) -> None:
        try:
            with _client(handle) as client:
                for k in range(5):
                    raw = _mail(f"p{n}@example.org", f"m {n}.{k}", "body", message_id=f"{n}.{k}@x")
                    replies.append(client.sendmail(f"p{n}@example.org", [LIST], raw))
        except BaseException as exc:  # reported below, in the test's thread
            errors.append(exc)

    threads = [threading.Thread(target=send, args=(n,)) for n in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert replies == [{}] * 100
    assert stored_count(runtime) == 100


def test_a_cut_database_connection_costs_no_451(
    pg_server: Any, make_runtime: MakeRuntime, listen: Listen
) -> None:
    """The intake thread keeps one connection; when the server drops it, the batch is
    retried on fresh ones and the next connection is new. (PostgreSQL: SQLite has no
    connection to cut.)"""
    runtime = make_runtime(pg_server.create_database("cut_connection"), listener_config())
    handle = listen(runtime)
    with _client(handle) as client:
        assert client.sendmail("a@example.org", [LIST], _mail("a@example.org", "1", "b")) == {}
        with runtime.engine.connect() as conn:
            cut = conn.execute(
                text(
                    "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                    " WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )
            ).scalar()
        assert cut and cut >= 1
        for n in (2, 3):
            raw = _mail("a@example.org", str(n), "b")
            assert client.sendmail("a@example.org", [LIST], raw) == {}
    assert stored_count(runtime) == 3


def _hold_writes(runtime: Runtime) -> Callable[[], None]:
    """Block every write to the store until the returned function is called."""
    if runtime.engine.dialect.name == "sqlite":
        path = runtime.engine.url.database
        assert path
        lite = sqlite3.connect(path, isolation_level=None)
        lite.execute("BEGIN IMMEDIATE")
        return lite.close  # closing rolls back
    conn = runtime.engine.connect()
    conn.begin()
    conn.execute(text("LOCK TABLE message IN EXCLUSIVE MODE"))  # readers still pass
    return conn.close  # closing rolls back


def test_a_client_gone_while_its_message_is_committed_does_not_stop_intake(
    db_url: str, make_runtime: MakeRuntime, listen: Listen
) -> None:
    """aiosmtpd cancels the handler of a client that disconnects; the commit still
    happens, its answer is dropped, and the next client is answered as usual."""
    runtime = make_runtime(db_url, listener_config())
    handle = listen(runtime)
    release = _hold_writes(runtime)
    try:
        client = _client(handle)
        client.ehlo()
        client.mail("alice@example.org")
        client.rcpt(LIST)
        client.putcmd("data")
        assert client.getreply()[0] == 354
        client.send(_mail("alice@example.org", "Gone", "body", message_id="gone@x") + b".\r\n")
        deadline = time.monotonic() + 10
        while not handle.handler.inflight and time.monotonic() < deadline:
            time.sleep(0.01)
        assert handle.handler.inflight == 1  # waiting for its commit
        client.close()
        while handle.handler.inflight and time.monotonic() < deadline:
            time.sleep(0.01)
        assert handle.handler.inflight == 0  # cancelled by aiosmtpd
    finally:
        release()
    with smtplib.SMTP(handle.host, handle.port, timeout=10) as client:
        raw = _mail("bob@example.org", "Next", "body", message_id="next@x")
        assert client.sendmail("bob@example.org", [LIST], raw) == {}
    with runtime.sessions() as session:
        ids = set(session.scalars(select(Message.message_id)))
    assert {"gone@x", "next@x"} <= ids
