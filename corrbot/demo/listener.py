"""Start corrbot's listener in this process, for a runtime whose clock the demo moves.

TEMPORARY STAND-IN until corrbot.ingress lands (then `running_listener` should start
corrbot.ingress's listener for `runtime` instead): an aiosmtpd SMTP or LMTP server,
per `[listener] protocol`, that stores each message with `store_message` and
acknowledges it only after the commit.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.lmtp import LMTP

from corrbot.db import transaction
from corrbot.intake import store_message
from corrbot.runtime import Runtime


class _Handler:
    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        with transaction(self.runtime.sessions) as s:
            store_message(
                s,
                self.runtime.group_id,
                envelope.original_content,
                via="smtp",
                clock=self.runtime.clock,
                envelope_from=envelope.mail_from,
                envelope_to=envelope.rcpt_tos,
            )
        # LMTP owes one reply per recipient.
        return "\r\n".join("250 OK" for _ in envelope.rcpt_tos) or "250 OK"


class _LmtpController(Controller):
    def factory(self) -> Any:
        return LMTP(self.handler)


@contextmanager
def running_listener(runtime: Runtime) -> Iterator[tuple[str, int]]:
    """Listen on `[listener]` host and port until the block ends; yields (host, port)."""
    cfg = runtime.settings.listener
    kind = _LmtpController if cfg.protocol == "lmtp" else Controller
    controller = kind(_Handler(runtime), hostname=cfg.host, port=cfg.port)
    controller.start()
    try:
        yield cfg.host, cfg.port
    finally:
        controller.stop()
