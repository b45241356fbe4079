"""`corrbot serve` as a real process: starts, takes mail, processes it, stops on a signal.

The crash test kills it with SIGKILL while clients are sending: every message that
got a 250 must be in the store afterwards.
"""

from __future__ import annotations

import os
import select
import signal
import smtplib
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import select as sql_select

from corrbot.model import Message
from corrbot.runtime import Runtime
from tests.ingress.conftest import listener_config
from tests.mail import LIST, make_mail

MakeRuntime = Callable[..., Runtime]


class Serve:
    """A `corrbot --config X serve` child process."""

    def __init__(self, config: Path) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "corrbot.cli.main", "--config", str(config), "serve"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            cwd=config.parent,
        )
        assert self.proc.stdout is not None
        ready, _, _ = select.select([self.proc.stdout], [], [], 30)
        self.first_line = self.proc.stdout.readline().decode() if ready else ""

    def stop(self, sig: int = signal.SIGTERM) -> tuple[int, str, str]:
        self.proc.send_signal(sig)
        out, err = self.proc.communicate(timeout=60)
        return self.proc.returncode, out.decode(), err.decode()

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.communicate(timeout=30)


@pytest.fixture
def serve_process() -> Iterator[Callable[[Path], Serve]]:
    started: list[Serve] = []

    def start(config: Path) -> Serve:
        serve = Serve(config)
        started.append(serve)
        return serve

    yield start
    for serve in started:
        serve.kill()


def _crlf(raw: bytes) -> bytes:
    return raw.replace(b"\n", b"\r\n")


def _wait_for(check: Callable[[], bool], seconds: float = 30.0) -> bool:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if check():
            return True
        time.sleep(0.1)
    return False


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_serve_takes_mail_processes_it_and_stops_cleanly(
    db_url: str,
    make_runtime: MakeRuntime,
    serve_process: Callable[[Path], Serve],
    tmp_path: Path,
    sig: int,
) -> None:
    runtime = make_runtime(db_url, listener_config())
    cfg = runtime.settings.listener
    serve = serve_process(tmp_path / "corrbot.toml")
    assert serve.first_line == f"corrbot: listening (SMTP on {cfg.host}:{cfg.port})\n"
    raw = _crlf(make_mail("stranger@example.org", "Hello", "body", message_id="live@x"))
    with smtplib.SMTP(cfg.host, cfg.port, timeout=30) as client:
        assert client.sendmail("stranger@example.org", [LIST], raw) == {}

    def processed() -> bool:
        with runtime.sessions() as session:
            stage = session.scalar(sql_select(Message.stage).where(Message.message_id == "live@x"))
        return stage == "processed"

    assert _wait_for(processed), "the worker did not process the stored message"
    code, out, err = serve.stop(sig)
    assert code == 0, err
    assert out.endswith("corrbot: stopped\n")
    assert "Traceback" not in err
    with pytest.raises(OSError):  # the port is free again: nobody answers
        smtplib.SMTP(cfg.host, cfg.port, timeout=5)


def test_serve_errors_are_one_line(
    sqlite_url: str,
    make_runtime: MakeRuntime,
    write_config: Callable[..., Path],
    tmp_path: Path,
) -> None:
    import socket

    runtime = make_runtime(sqlite_url, listener_config())
    cfg = runtime.settings.listener
    command = [sys.executable, "-m", "corrbot.cli.main", "--config", str(tmp_path / "corrbot.toml")]
    with socket.socket() as busy:
        busy.bind((cfg.host, cfg.port))
        busy.listen()
        done = subprocess.run([*command, "serve"], capture_output=True, text=True, timeout=60)
    assert done.returncode != 0
    assert done.stderr.strip().splitlines() == [
        f"Error: cannot listen on {cfg.host}:{cfg.port}: Address already in use"
    ]
    write_config(f"sqlite:///{tmp_path / 'empty.db'}", listener_config())
    done = subprocess.run([*command, "serve"], capture_output=True, text=True, timeout=60)
    assert done.returncode != 0
    assert len(done.stderr.strip().splitlines()) == 1
    assert "corrbot init" in done.stderr


def test_every_acknowledged_message_survives_kill_9(
    db_url: str,
    make_runtime: MakeRuntime,
    serve_process: Callable[[Path], Serve],
    tmp_path: Path,
) -> None:
    runtime = make_runtime(db_url, listener_config())
    cfg = runtime.settings.listener
    serve = serve_process(tmp_path / "corrbot.toml")
    assert serve.first_line.startswith("corrbot: listening")
    acknowledged: list[str] = []
    lock = threading.Lock()

    def client(n: int) -> None:
        try:
            with smtplib.SMTP(cfg.host, cfg.port, timeout=30) as smtp:
                for k in range(10_000):
                    message_id = f"{n}.{k}@crash"
                    raw = _crlf(make_mail("s@example.org", "x", "y", message_id=message_id))
                    smtp.sendmail("s@example.org", [LIST], raw)
                    with lock:
                        acknowledged.append(message_id)
        except (smtplib.SMTPException, OSError):
            return  # the server died under us: what was acknowledged must be stored

    clients = [threading.Thread(target=client, args=(n,)) for n in range(4)]
    for t in clients:
        t.start()
    assert _wait_for(lambda: len(acknowledged) >= 50)
    os.kill(serve.proc.pid, signal.SIGKILL)
    for t in clients:
        t.join(timeout=60)
    serve.kill()
    with runtime.sessions() as session:
        stored = set(session.scalars(sql_select(Message.message_id)))
    assert set(acknowledged) <= stored
    # And it starts again on the same store, picking up where it stopped.
    again = serve_process(tmp_path / "corrbot.toml")
    assert again.first_line.startswith("corrbot: listening")
    assert again.stop()[0] == 0


def test_serve_in_process_takes_mail_from_the_listener_and_the_imap_poller(
    sqlite_url: str, make_runtime: MakeRuntime, monkeypatch: pytest.MonkeyPatch
) -> None:
    from corrbot.service import serve
    from tests.ingress.imap_fixtures import PASSWORD_ENV, imap_config
    from tests.servers.dovecot import DovecotServer

    with DovecotServer() as dovecot:
        monkeypatch.setenv(PASSWORD_ENV, dovecot.password)
        runtime = make_runtime(sqlite_url, listener_config() + imap_config(dovecot))
        stop = threading.Event()
        where: list[str] = []
        failures: list[BaseException] = []

        def run() -> None:
            try:
                serve(runtime, stop, ready=where.append)
            except BaseException as exc:  # reported in the test's thread
                failures.append(exc)

        thread = threading.Thread(target=run)
        thread.start()
        try:
            assert _wait_for(lambda: bool(where) or bool(failures)), "serve did not start"
            assert failures == []
            cfg = runtime.settings.listener
            assert where[0].startswith(f"SMTP on {cfg.host}:{cfg.port}, polling IMAP ")
            with smtplib.SMTP(cfg.host, cfg.port, timeout=30) as client:
                raw = _crlf(make_mail("s@example.org", "by smtp", "x", message_id="smtp@x"))
                client.sendmail("s@example.org", [LIST], raw)
            dovecot.append([make_mail("s@example.org", "by imap", "y", message_id="imap@x")])

            def both_processed() -> bool:
                with runtime.sessions() as session:
                    rows = session.execute(
                        sql_select(Message.message_id, Message.via, Message.stage)
                    ).all()
                return sorted(rows) == [
                    ("imap@x", "imap", "processed"),
                    ("smtp@x", "smtp", "processed"),
                ]

            assert _wait_for(both_processed)
        finally:
            stop.set()
            thread.join(timeout=60)
        assert not thread.is_alive()
        assert failures == []
