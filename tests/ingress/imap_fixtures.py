"""Helpers for the IMAP poller tests: an [imap] config for a test Dovecot, the poller
in a thread, and views of what was stored."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from types import TracebackType

from sqlalchemy import select

from corrbot.ingress.imap import run_poller
from corrbot.model import ImapState, Message
from corrbot.runtime import Runtime
from tests.mail import make_mail
from tests.servers.dovecot import DovecotServer

PASSWORD_ENV = "CORRBOT_TEST_IMAP_PASSWORD"


def imap_config(
    server: DovecotServer,
    *,
    mode: str = "plain",
    folder: str = "INBOX",
    trust: bool = True,
    **extra: object,
) -> str:
    """An [imap] section for the server; short waits keep the tests quick."""
    settings: dict[str, object] = {
        "host": server.host,
        "port": server.ssl_port if mode == "ssl" else server.port,
        "ssl": mode == "ssl",
        "starttls": mode == "starttls",
        "username": server.user,
        "password_env": PASSWORD_ENV,
        "folder": folder,
        "batch_size": 2,
        "poll_seconds": 0.2,
        "idle_seconds": 30,
        "timeout_seconds": 5,
        "reconnect_seconds": 0.1,
        "reconnect_max_seconds": 0.4,
    }
    if trust and mode != "plain":
        settings["ca_file"] = str(server.cert)
    settings.update(extra)
    lines = ["[imap]"]
    for key, value in settings.items():
        if isinstance(value, bool):
            lines.append(f"{key} = {'true' if value else 'false'}")
        elif isinstance(value, str):
            escaped = value.replace("\\", "\\\\")
            lines.append(f'{key} = "{escaped}"')
        else:
            lines.append(f"{key} = {value}")
    return "\n".join(lines) + "\n"


def mail(n: int, **kwargs: object) -> bytes:
    """Post number n, with Message-ID post-n@test.example."""
    return make_mail(
        f"member{n}@example.net",
        f"Post {n}",
        f"Contribution number {n}.",
        message_id=f"post-{n}@test.example",
        **kwargs,  # type: ignore[arg-type]
    )


def wait_for(check: Callable[[], bool], what: str, timeout: float = 20.0) -> None:
    """Wait until check() holds; the timeout is a ceiling against hangs, not a goal."""
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


@dataclass(frozen=True)
class Stored:
    message_id: str
    via: str | None
    envelope_to: list[str]


def stored(runtime: Runtime) -> list[Stored]:
    with runtime.sessions() as session:
        rows = session.scalars(
            select(Message).where(Message.placeholder.is_(False)).order_by(Message.id)
        )
        return [Stored(m.message_id, m.via, list(m.envelope_to)) for m in rows]


def stored_ids(runtime: Runtime) -> list[str]:
    return [s.message_id for s in stored(runtime)]


def imap_state(runtime: Runtime) -> list[tuple[str, int | None, int]]:
    with runtime.sessions() as session:
        return [
            (row.folder, row.uidvalidity, row.last_uid)
            for row in session.scalars(select(ImapState).order_by(ImapState.id))
        ]


class Poller:
    """run_poller in a thread, as `corrbot serve` runs it; stopped on exit."""

    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime
        self.stop_event = threading.Event()
        self.wakeups = 0
        self.thread = threading.Thread(
            target=run_poller,
            args=(runtime, self.stop_event, self._stored),
            name="imap-poller-test",
            daemon=True,
        )

    def _stored(self) -> None:
        self.wakeups += 1

    def __enter__(self) -> Poller:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.stop_event.set()
        self.thread.join(timeout=15)
        assert not self.thread.is_alive(), "the poller did not stop when asked"

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
