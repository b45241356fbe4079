"""The message row fields ``parse.read_parsed`` reads and sets, on a plain object.

A read-ahead worker (pipeline/parse_ahead.py) needs the fields, not a row: a
SQLAlchemy ``Message`` built per message, and its instrumented attributes set, cost
the workers about a third of what ``read_parsed`` itself costs on linux-mips.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

# The fields read_parsed sets, which the worker sends back.
FIELDS = (
    "date",
    "subject",
    "from_name",
    "from_addr",
    "in_reply_to",
    "references",
    "text_body",
    "attachments",
    "defects",
)


class RowFields:
    """A new message row as read_parsed sees one: its Message-ID, no time received."""

    __slots__ = ("message_id", "received_at", *FIELDS)

    message_id: str
    received_at: datetime | None
    date: datetime | None
    subject: str | None
    from_name: str | None
    from_addr: str | None
    in_reply_to: str | None
    references: list[str]
    text_body: str | None
    attachments: list[dict[str, Any]]
    defects: list[str]

    def __init__(self, message_id: str) -> None:
        self.message_id = message_id
        self.received_at = None  # a new row's, as the worker knows it (parse.py fills it)

    def fields(self) -> dict[str, Any]:
        """FIELDS and their values, once read_parsed has set them."""
        return {name: getattr(self, name) for name in FIELDS}
