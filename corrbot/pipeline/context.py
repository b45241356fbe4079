"""The state one message carries through the pipeline, and the one way handlers send mail."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session

from corrbot.addresses import Purpose
from corrbot.model import Group, Member, Message
from corrbot.outbound.compose import Outgoing, compose
from corrbot.outbound.queue import enqueue
from corrbot.runtime import Runtime

if TYPE_CHECKING:
    from corrbot.pipeline.parse_ahead import Prepared

log = logging.getLogger("corrbot.pipeline")


@dataclass
class MessageContext:
    runtime: Runtime
    session: Session
    group: Group
    message: Message
    purpose: Purpose = "post"
    detail: str | None = None  # confirmation token, or the address a VERP bounce names
    member: Member | None = None
    # set by the parse step; the parsed email.message.Message, when parsing worked
    parsed: Any = None
    # what the understand step found, for later handlers (tags, position, mapping …)
    reading: dict[str, Any] = field(default_factory=dict)
    # an archive import's reading ahead (parse_ahead.py), when a worker did it
    ahead: Prepared | None = None
    # rules/verdict.py's index of ``parsed``'s headers by lowercased name, with the
    # parse it indexes
    header_index: tuple[Any, dict[str, list[tuple[str, str]]]] | None = field(
        default=None, repr=False
    )

    @property
    def quiet(self) -> bool:
        """An archive import (`ingest --no-deliver`): read everything, send nothing."""
        return self.message.no_deliver

    def send(
        self, out: Outgoing, *, kind: str, dedupe_key: str, envelope_from: str | None = None
    ) -> int:
        """Compose from a template and queue, unless this message is an archive import."""
        if self.quiet:
            log.info("not sending %s for <%s>: archive import", kind, self.message.message_id)
            return 0
        runtime = self.runtime
        msg = compose(runtime.renderer, out, runtime.clock.now(), runtime.addresses.domain)
        return enqueue(
            self.session,
            self.group.id,
            runtime.clock,
            message=msg,
            recipients=[*out.to, *out.cc],
            kind=kind,
            dedupe_key=dedupe_key,
            envelope_from=envelope_from or runtime.addresses.bounces,
        )
