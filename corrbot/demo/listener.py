"""Start corrbot's own listener in this process, for a runtime whose clock the demo moves.

TEMPORARY STAND-IN until corrbot.ingress lands: aiosmtpd + store_message.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from aiosmtpd.controller import Controller

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
        return "250 OK"


@contextmanager
def running_listener(runtime: Runtime) -> Iterator[tuple[str, int]]:
    cfg = runtime.settings.listener
    controller = Controller(_Handler(runtime), hostname=cfg.host, port=cfg.port)
    controller.start()
    try:
        yield cfg.host, cfg.port
    finally:
        controller.stop()
