"""What a delivery backend (Maildir or SMTP relay) promises, and how it reports failure.

A backend sends one outbox row at a time. It returns normally when the copy is
delivered, and otherwise raises one of the failures below, which the delivery
worker turns into a retry, a permanent failure, or a pause of the whole pass.
"""

from __future__ import annotations

from types import TracebackType
from typing import Protocol

from corrbot.model import OutboxEntry


class DeliveryFailure(Exception):
    """Base class; the message is what goes into `last_error` (an SMTP reply or an OS error)."""


class TemporaryFailure(DeliveryFailure):
    """Try this copy again later (4xx reply, a refused or dropped connection)."""


class Unavailable(TemporaryFailure):
    """The backend itself is down: every other copy would fail the same way, so stop the pass."""


class PermanentFailure(DeliveryFailure):
    """The copy can never be delivered as it is (5xx reply): do not retry."""


def reply_text(code: int, text: str | bytes) -> str:
    """An SMTP reply as one line for logs and `last_error`, e.g. "550 5.1.1 No such user"."""
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    return " ".join(f"{code} {text}".split())


def smtp_failure(code: int, text: str | bytes) -> DeliveryFailure:
    """The failure for an SMTP reply: 4xx is temporary, anything else not 2xx permanent."""
    message = reply_text(code, text)
    return TemporaryFailure(message) if 400 <= code < 500 else PermanentFailure(message)


class Transport(Protocol):
    """A backend, used as a context manager around one delivery pass."""

    def send(self, entry: OutboxEntry) -> None: ...

    def __enter__(self) -> Transport: ...

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...
