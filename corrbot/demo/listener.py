"""Run corrbot's own listener in this process, for a runtime whose clock the demo moves.

The demo plays its mail through the very listener `corrbot serve` runs (SMTP or LMTP
per `[listener]`), so what it shows is what an operator gets; only the clock differs.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from corrbot.ingress.smtp import start_listener
from corrbot.runtime import Runtime


@contextmanager
def running_listener(runtime: Runtime) -> Iterator[tuple[str, int]]:
    """Listen on `[listener]` host and port until the block ends; yields (host, port)."""
    handle = start_listener(runtime)
    try:
        yield handle.host, handle.port
    finally:
        handle.stop()
