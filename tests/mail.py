"""Sample mail for tests, written by us, and a way to feed it through the pipeline."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

from corrbot.db import transaction
from corrbot.intake import store_message
from corrbot.pipeline.runner import process_pending
from corrbot.runtime import Runtime

LIST = "cg@lists.example.org"


def make_mail(
    sender: str,
    subject: str,
    body: str,
    *,
    to: str = LIST,
    message_id: str | None = None,
    in_reply_to: str | None = None,
    references: Sequence[str] = (),
    date: datetime | None = None,
    headers: dict[str, str] | None = None,
    html: str | None = None,
) -> bytes:
    """One email as bytes; ids are given without angle brackets."""
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = to
    msg["Subject"] = subject
    msg["Date"] = format_datetime((date or datetime(2013, 10, 2, 10, 0)).replace(tzinfo=UTC))
    msg["Message-ID"] = f"<{message_id}>" if message_id else make_msgid(domain="test.example")
    if in_reply_to:
        msg["In-Reply-To"] = f"<{in_reply_to}>"
        refs = [*references, in_reply_to] if in_reply_to not in references else list(references)
        msg["References"] = " ".join(f"<{r}>" for r in refs)
    for name, value in (headers or {}).items():
        msg[name] = value
    if html is not None and not body:
        msg.set_content(html, subtype="html")
    else:
        msg.set_content(body)
        if html is not None:
            msg.add_alternative(html, subtype="html")
    return msg.as_bytes()


def feed(
    runtime: Runtime,
    raws: Iterable[bytes],
    *,
    envelope_to: Sequence[str] = (LIST,),
    via: str = "smtp",
    process: bool = True,
) -> list[int]:
    """Store each message as the listener would, then run the pipeline; returns row ids."""
    ids = []
    for raw in raws:
        with transaction(runtime.sessions) as session:
            ids.append(
                store_message(
                    session,
                    runtime.group_id,
                    raw,
                    via=via,
                    clock=runtime.clock,
                    envelope_to=envelope_to,
                ).row_id
            )
    if process:
        process_pending(runtime)
    return ids


def now_utc() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)
