"""Build the emails corrbot writes itself (replies, confirmations, referrals, reports).

Every body comes from a template pair under templates/; automatic mail carries
`Auto-Submitted` (RFC 3834) so that well-behaved responders do not answer it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime, formataddr, make_msgid
from typing import Any

from corrbot.templating import Renderer


@dataclass(frozen=True)
class Attachment:
    filename: str
    content: bytes
    maintype: str
    subtype: str


@dataclass
class Outgoing:
    """What to write: the template, its context and the headers around it."""

    template: str
    context: dict[str, Any]
    to: Sequence[str]
    from_addr: str
    from_name: str
    subject: str
    auto_submitted: str = "auto-generated"
    in_reply_to: str | None = None
    references: Sequence[str] = ()
    reply_to: str | None = None
    cc: Sequence[str] = ()
    headers: dict[str, str] = field(default_factory=dict)
    attachments: Sequence[Attachment] = ()


def compose(renderer: Renderer, out: Outgoing, now: datetime, domain: str) -> EmailMessage:
    text, html = renderer.render_pair(out.template, **out.context)
    msg = EmailMessage()
    msg["From"] = formataddr((out.from_name, out.from_addr))
    msg["To"] = ", ".join(out.to)
    if out.cc:
        msg["Cc"] = ", ".join(out.cc)
    msg["Subject"] = out.subject
    msg["Date"] = format_datetime(now.replace(tzinfo=UTC))
    msg["Message-ID"] = make_msgid(domain=domain)
    if out.auto_submitted:
        msg["Auto-Submitted"] = out.auto_submitted
    if out.reply_to:
        msg["Reply-To"] = out.reply_to
    if out.in_reply_to:
        msg["In-Reply-To"] = f"<{out.in_reply_to}>"
        refs = [*out.references, out.in_reply_to]
        msg["References"] = " ".join(f"<{r}>" for r in refs)
    for name, value in out.headers.items():
        msg[name] = value
    msg.set_content(text)
    if html is not None:
        msg.add_alternative(html, subtype="html")
    for att in out.attachments:
        msg.add_attachment(
            att.content, maintype=att.maintype, subtype=att.subtype, filename=att.filename
        )
    return msg
