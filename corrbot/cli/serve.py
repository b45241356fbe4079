"""`corrbot serve`: run listener, poller, scheduler and delivery in one process."""

from __future__ import annotations

import logging
import os
import signal
import threading
from types import FrameType

import click

from corrbot.cli.common import runtime_of, user_errors


@click.command("serve")
@click.pass_context
@user_errors
def serve(ctx: click.Context) -> None:
    """Run everything until SIGTERM/SIGINT."""
    from corrbot.service import serve as run

    runtime = runtime_of(ctx)  # the real clock
    # aiosmtpd logs every SMTP command at INFO; our own log says what was stored.
    logging.getLogger("mail.log").setLevel(logging.WARNING)
    stop = threading.Event()

    def on_signal(signum: int, _frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    cfg = runtime.settings.listener
    try:
        run(runtime, stop, ready=lambda where: click.echo(f"corrbot: listening ({where})"))
    except OSError as exc:
        # asyncio wraps the bind error in a long sentence; the errno says it plainly.
        reason = os.strerror(exc.errno) if exc.errno else str(exc)
        raise click.ClickException(f"cannot listen on {cfg.host}:{cfg.port}: {reason}") from None
    click.echo("corrbot: stopped")
