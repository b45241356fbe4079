"""A real SMTP server on loopback that keeps what it receives: the Internet, for tests.

`SmtpSink` runs aiosmtpd's Controller on a free port (it cannot bind port 0) and
records each transaction's envelope and exact bytes in `.messages`. Tests make it
refuse chosen recipients (`refuse("x@example.org", "451 4.7.1 Try later", times=1)`),
demand a login (`credentials=("user", "secret")`), or STARTTLS (`tls=self_signed_cert(dir)`).

    with SmtpSink() as sink:
        ...  # send to sink.host, sink.port
        assert sink.messages[0].rcpt_tos == ["a@example.org"]
"""

from __future__ import annotations

import ssl
import subprocess
import threading
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from tests.servers.ports import free_port


@dataclass(frozen=True)
class Received:
    """One accepted transaction: who sent it, to whom, the bytes exactly as received."""

    mail_from: str
    rcpt_tos: list[str]
    data: bytes
    login: str | None = None


@dataclass
class _Refusal:
    reply: str
    times: int | None  # None: for ever


@dataclass
class _Handler:
    messages: list[Received] = field(default_factory=list)
    refusals: dict[str, _Refusal] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)
    rcpt_attempts: list[str] = field(default_factory=list)

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, options: list[str]
    ) -> str:
        with self.lock:
            self.rcpt_attempts.append(address)
            refusal = self.refusals.get(address.lower())
            if refusal is not None and refusal.times != 0:
                if refusal.times is not None:
                    refusal.times -= 1
                return refusal.reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        login = session.auth_data.login.decode() if session.authenticated else None
        received = Received(envelope.mail_from, list(envelope.rcpt_tos), envelope.content, login)
        with self.lock:
            self.messages.append(received)
        return "250 OK: kept"


class SmtpSink:
    """A started sink (use as a context manager); `.host`, `.port`, `.messages`."""

    def __init__(
        self,
        host: str = "127.0.0.1",
        credentials: tuple[str, str] | None = None,
        port: int | None = None,
        tls: tuple[Path, Path] | None = None,
    ) -> None:
        self.host = host
        self.port = port or free_port(host)
        self.credentials = credentials
        self._handler = _Handler()
        kwargs: dict[str, Any] = {}
        if tls is not None:
            # (certificate, key): offer STARTTLS and refuse mail until it is used.
            context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            context.load_cert_chain(*tls)
            kwargs.update(tls_context=context, require_starttls=True)
        if credentials is not None:
            # Plain-text AUTH on loopback: the tests check that a login happens, not TLS.
            kwargs.update(
                authenticator=self._authenticate, auth_required=True, auth_require_tls=False
            )
        self._controller = Controller(self._handler, hostname=host, port=self.port, **kwargs)

    @property
    def messages(self) -> list[Received]:
        with self._handler.lock:
            return list(self._handler.messages)

    @property
    def rcpt_attempts(self) -> list[str]:
        """Every RCPT TO the sink saw, refused or not, in order."""
        with self._handler.lock:
            return list(self._handler.rcpt_attempts)

    def refuse(self, address: str, reply: str, times: int | None = None) -> None:
        """Answer RCPT TO `address` with `reply` (e.g. "550 5.1.1 No such user"), `times` times."""
        with self._handler.lock:
            self._handler.refusals[address.lower()] = _Refusal(reply, times)

    def _authenticate(
        self, server: Any, session: Any, envelope: Any, mechanism: str, auth_data: Any
    ) -> AuthResult:
        ok = (
            self.credentials is not None
            and isinstance(auth_data, LoginPassword)
            and (auth_data.login.decode(), auth_data.password.decode()) == self.credentials
        )
        # handled=False on failure: aiosmtpd then answers 535 itself (True would answer nothing).
        return AuthResult(success=ok, handled=ok, auth_data=auth_data if ok else None)

    def start(self) -> SmtpSink:
        self._controller.start()
        return self

    def stop(self) -> None:
        self._controller.stop()

    def __enter__(self) -> SmtpSink:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


def self_signed_cert(folder: Path, ip: str = "127.0.0.1") -> tuple[Path, Path]:
    """A certificate for `ip` and its key, made with the openssl command line tool."""
    cert, key = folder / "sink-cert.pem", folder / "sink-key.pem"
    request = ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"]
    subject = ["-subj", f"/CN={ip}", "-addext", f"subjectAltName=IP:{ip}"]
    subprocess.run(
        ["openssl", *request, "-keyout", str(key), "-out", str(cert), *subject],
        check=True,
        capture_output=True,
    )
    return cert, key
