"""The SMTP or LMTP listener (aiosmtpd): validate the envelope, store, commit, then 250.

- RCPT is accepted only for the group's addresses (SPEC "Addresses"); others get 550.
- DATA is answered 250 only after the raw bytes and the envelope are committed
  (through `GroupCommitter`, which shares commits between concurrent clients and
  keeps the database off the event loop); any failure is a 451 with no error text.
- Messages over `[listener] max_message_bytes` get 552, announced in EHLO as SIZE.
- LMTP owes one reply per accepted recipient, for every outcome of DATA.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, AnyStr

from aiosmtpd.controller import Controller
from aiosmtpd.lmtp import LMTP
from aiosmtpd.smtp import SMTP, Envelope, Session

from corrbot.ingress.committer import GroupCommitter
from corrbot.intake import Arrival, header_message_id
from corrbot.runtime import Runtime

log = logging.getLogger("corrbot.intake")

TEMPFAIL = "451 4.3.0 Temporary failure, please try again later"
SHUTTING_DOWN = "421 4.3.2 Service shutting down, please try again later"


class ListenerHandler:
    """aiosmtpd handler hooks; `inflight` counts DATA commands being committed."""

    def __init__(self, runtime: Runtime, committer: GroupCommitter, protocol: str) -> None:
        self.runtime = runtime
        self.committer = committer
        self.via = protocol
        self.closing = False
        self.inflight = 0

    async def handle_MAIL(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        if self.closing:
            return SHUTTING_DOWN
        envelope.mail_from = address
        envelope.mail_options.extend(options)
        return "250 OK"

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        if self.closing:
            return SHUTTING_DOWN
        if self.runtime.addresses.classify(address) is None:
            return f"550 5.1.1 <{address}>: no such address here"
        envelope.rcpt_tos.append(address)
        envelope.rcpt_options.extend(options)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        replies = max(1, len(envelope.rcpt_tos)) if self.via == "lmtp" else 1
        raw = envelope.original_content or b""
        self.inflight += 1
        try:
            arrival = Arrival(
                raw=raw,
                via=self.via,
                envelope_from=envelope.mail_from,
                envelope_to=tuple(envelope.rcpt_tos),
            )
            result = await self.committer.store(arrival)
        except asyncio.CancelledError:
            raise
        except Exception:
            # intake has logged why
            log.warning("<%s> not stored; answered 451", header_message_id(raw))
            return "\r\n".join([TEMPFAIL] * replies)
        finally:
            self.inflight -= 1
        if log.isEnabledFor(logging.INFO):  # reading the header again costs the event loop
            log.info(
                "<%s> %s as row %d",
                header_message_id(raw),
                "duplicate" if result.duplicate else "stored",
                result.row_id,
            )
        return "\r\n".join(["250 2.0.0 OK: queued"] * replies)

    async def handle_exception(self, error: Exception) -> str:
        # aiosmtpd's default answer is a permanent 500 carrying the exception text.
        log.error("listener error", exc_info=error)
        return TEMPFAIL


class _Server(SMTP):
    # Real mail has lines far over RFC 5321's 1000 octets (HTML, base64 without
    # breaks); Postfix accepts them, so do we, up to asyncio's stream limit.
    line_length_limit = 2**16
    lmtp = False

    async def push(self, status: AnyStr) -> None:
        text = status.decode() if isinstance(status, bytes) else status
        if text.startswith("552 Error: Too much mail data"):
            text = f"552 5.3.4 Message larger than {self.data_size_limit} bytes"
            text = self._per_recipient(text)
        elif text.startswith("500 Line too long"):
            text = self._per_recipient("500 5.5.2 Line too long")
        await super().push(text)

    def _per_recipient(self, text: str) -> str:
        # aiosmtpd answers an oversized DATA once; an LMTP client waits for one
        # reply per accepted recipient and would hang.
        rcpts = len(self.envelope.rcpt_tos) if self.lmtp and self.envelope else 1
        return "\r\n".join([text] * max(1, rcpts))


class _LmtpServer(_Server, LMTP):
    lmtp = True


class _Controller(Controller):
    def __init__(self, handler: ListenerHandler, lmtp: bool, **kwargs: Any) -> None:
        self._lmtp = lmtp
        super().__init__(handler, **kwargs)

    def factory(self) -> SMTP:
        cls = _LmtpServer if self._lmtp else _Server
        return cls(self.handler, **self.SMTP_kwargs)


@dataclass
class ListenerHandle:
    """A running listener: where it listens, and how to stop it."""

    host: str
    port: int
    protocol: str
    controller: _Controller
    handler: ListenerHandler
    committer: GroupCommitter
    stopped: bool = False

    def stop(self, grace_seconds: float = 10.0) -> None:
        """Stop accepting, let DATA commands being committed get their answer, stop."""
        if self.stopped:
            return
        self.stopped = True
        self.handler.closing = True
        server = self.controller.server
        if server is not None:
            self.controller.loop.call_soon_threadsafe(server.close)
        deadline = time.monotonic() + grace_seconds
        while self.handler.inflight and time.monotonic() < deadline:
            time.sleep(0.02)
        self.controller.stop()
        self.committer.stop()  # commits whatever was submitted before the stop


def start_listener(
    runtime: Runtime,
    on_stored: Callable[[], None] | None = None,
    *,
    host: str | None = None,
    port: int | None = None,
) -> ListenerHandle:
    """Listen per `[listener]` (host/port may be overridden) in a background thread.

    `on_stored` is called from the intake thread after a commit that stored new mail.
    Raises OSError when the address cannot be bound.
    """
    cfg = runtime.settings.listener
    _ = runtime.group_id  # fail now, not at the first message, if `corrbot init` has not run
    committer = GroupCommitter(runtime, on_stored)
    handler = ListenerHandler(runtime, committer, cfg.protocol)
    lmtp = cfg.protocol == "lmtp"
    controller = _Controller(
        handler,
        lmtp,
        hostname=host or cfg.host,
        port=port or cfg.port,
        data_size_limit=cfg.max_message_bytes,
        enable_SMTPUTF8=True,
        ident="corrbot",
    )
    committer.start()
    try:
        controller.start()
    except BaseException:
        committer.stop()
        raise
    return ListenerHandle(
        host=controller.hostname,
        port=controller.port,
        protocol=cfg.protocol,
        controller=controller,
        handler=handler,
        committer=committer,
    )
