"""One pass of all due work, in order; `corrbot tick` and the scheduler both run this.

Each step claims its work in the database, so running a tick twice, or two ticks
at once, does each piece of work once.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from corrbot.runtime import Runtime

log = logging.getLogger("corrbot.tick")


@dataclass(frozen=True)
class TickSummary:
    messages: int
    closed: int
    reports: int
    delivered: int

    def __str__(self) -> str:
        return (
            f"processed {self.messages} messages, closed {self.closed} items, "
            f"sent {self.reports} reports, delivered {self.delivered} emails"
        )


def run_tick(runtime: Runtime, deliver: bool = True) -> TickSummary:
    from corrbot.consensus import close_due
    from corrbot.outbound.deliver import deliver_due
    from corrbot.pipeline.runner import process_pending
    from corrbot.reports.due import send_due

    messages = process_pending(runtime)
    closed = close_due(runtime)
    # Closing may have queued referrals and read new mail; reports see both.
    reports = send_due(runtime)
    delivered = deliver_due(runtime) if deliver else 0
    summary = TickSummary(messages, closed, reports, delivered)
    log.info("tick as of %s: %s", runtime.clock.now().isoformat(), summary)
    return summary
