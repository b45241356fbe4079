"""Write the demo's mails as a participant's mail client would, and send them over SMTP.

Replies carry In-Reply-To and References, quote their parent under the new text when
the script asks for top-posting, and end with the sender's signature block, so that
corrbot has to find the new text the way it does in real mail.
"""

from __future__ import annotations

import smtplib
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime, formataddr

from corrbot.demo.data import Mail, Person


@dataclass
class Sent:
    """What a later reply needs to know about a mail already sent."""

    message_id: str
    references: list[str]
    sender: Person
    at: datetime
    subject: str
    body: str


@dataclass
class Mailer:
    host: str
    port: int
    domain: str  # the list's domain, for the Message-IDs we invent
    sent: dict[str, Sent] = field(default_factory=dict)

    def build(
        self,
        mail: Mail,
        sender: Person,
        to: str,
        *,
        parent: Sent | None = None,
        subject: str | None = None,
    ) -> EmailMessage:
        msg = EmailMessage()
        msg["From"] = formataddr((sender.name, sender.email))
        msg["To"] = to
        msg["Subject"] = subject or mail.subject
        msg["Date"] = format_datetime(mail.at.replace(tzinfo=UTC))
        # Stable ids: a rerun of the demo writes the same archive.
        msg["Message-ID"] = f"<{mail.at:%Y%m%d%H%M}.{mail.id}@{sender.email.split('@')[1]}>"
        msg["User-Agent"] = "corrbot-demo"
        body = mail.body
        if mail.sign:
            body += f"\n-- \n{sender.name}\n{sender.org}\n"
        if parent is not None:
            refs = [*parent.references, parent.message_id]
            msg["In-Reply-To"] = f"<{parent.message_id}>"
            msg["References"] = " ".join(f"<{r}>" for r in refs)
            if mail.quote == "below":
                body += _quoted(parent)
        msg.set_content(body)
        return msg

    def send(self, mail: Mail, msg: EmailMessage, sender: Person, to: str) -> Sent:
        with smtplib.SMTP(self.host, self.port, timeout=30) as smtp:
            smtp.send_message(msg, from_addr=sender.email, to_addrs=[to])
        parent_refs = [r.strip("<>") for r in str(msg.get("References", "")).split()]
        sent = Sent(
            message_id=str(msg["Message-ID"]).strip("<>"),
            references=parent_refs,
            sender=sender,
            at=mail.at,
            subject=str(msg["Subject"]),
            body=mail.body,
        )
        self.sent[mail.id] = sent
        return sent


def _quoted(parent: Sent) -> str:
    when = parent.at.strftime("%d %B %Y at %H:%M")
    lines = [f"> {line}".rstrip() for line in parent.body.rstrip("\n").splitlines()]
    return (
        f"\nOn {when}, {parent.sender.name} <{parent.sender.email}> wrote:\n"
        + "\n".join(lines)
        + "\n"
    )
