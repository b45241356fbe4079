"""parse fills a row from a worker's reading: every field ends as the reading has it."""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

import pytest

from corrbot.model import Message
from corrbot.pipeline import parse_ahead
from corrbot.pipeline.context import MessageContext
from corrbot.pipeline.parse import parse
from corrbot.pipeline.row_fields import FIELDS
from tests.mail import make_mail

RECEIVED = datetime(2020, 1, 2, 3, 4)
# What a row may hold before parse sets it: intake's defaults, or anything else (a
# rerun); parse must end with the reading's values either way.
HELD: list[dict[str, Any]] = [
    {},
    {"references": [], "attachments": [], "defects": [], "in_reply_to": None, "from_name": None},
    {
        "date": datetime(1999, 1, 1),
        "subject": "old",
        "from_name": "Old Name",
        "from_addr": "old@example.org",
        "in_reply_to": "old@x",
        "references": ["old@x"],
        "text_body": "old text",
        "attachments": [{"filename": "a", "type": "text/plain", "size": 1}],
        "defects": ["old"],
    },
]
MAILS = [
    make_mail("Ann <ann@example.org>", "Plain", "Hello.\n", message_id="m@x"),
    make_mail(
        "bob@example.org",
        "Re: Plain",
        "Yes.\n",
        message_id="m@x",
        in_reply_to="p@x",
        references=["q@x", "p@x"],
    ),
]


@pytest.mark.parametrize("held", HELD)
@pytest.mark.parametrize("raw", MAILS)
def test_every_field_is_the_readings_whatever_the_row_held(
    held: dict[str, Any], raw: bytes
) -> None:
    reading = parse_ahead.prepare("m@x", raw)
    assert reading is not None
    message = Message(message_id="m@x", received_at=RECEIVED, **held)
    none = cast(Any, None)  # parse reads neither with a reading that has the mail
    ctx = MessageContext(none, none, none, message, ahead=reading)
    assert parse(ctx)
    assert {name: getattr(message, name) for name in FIELDS} == reading.fields
    assert ctx.parsed is not None
