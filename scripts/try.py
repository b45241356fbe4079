"""Talk to a running `make run` corrbot as a participant would: join, confirm, post, ask.

    python scripts/try.py help                 # the list of commands
    python scripts/try.py join                 # ask to join; a confirmation lands in var/outbox/new
    python scripts/try.py confirm              # reply to the newest confirmation request
    python scripts/try.py confirm TOKEN        # or confirm a token by command
    python scripts/try.py post "Subject" "Text of the contribution"
    python scripts/try.py status|issues|whoami|leave
    python scripts/try.py show                 # print the newest mail corrbot sent to you

Sends to 127.0.0.1:8025 (or $CORRBOT_PORT) as participant@example.net (or $TRY_AS),
reads var/outbox (or $CORRBOT_OUTBOX). Uses only the standard library.
"""

from __future__ import annotations

import os
import re
import smtplib
import sys
from email import message_from_bytes, policy
from email.message import EmailMessage
from email.utils import formataddr, make_msgid
from pathlib import Path

LIST = "cg@lists.example.org"
REQUEST = "cg-request@lists.example.org"
ME = os.environ.get("TRY_AS", "participant@example.net")
NAME = "A. Participant"
PORT = int(os.environ.get("CORRBOT_PORT", "8025"))
OUTBOX = Path(os.environ.get("CORRBOT_OUTBOX", "var/outbox"))
CONFIRM = re.compile(r"[\w.-]+-confirm\+[0-9A-Za-z_-]+@[\w.-]+")


def send(to: str, subject: str, body: str, in_reply_to: str | None = None) -> None:
    msg = EmailMessage()
    msg["From"] = formataddr((NAME, ME))
    msg["To"], msg["Subject"] = to, subject
    msg["Message-ID"] = make_msgid(domain="example.net")
    if in_reply_to:
        msg["In-Reply-To"] = msg["References"] = in_reply_to
    msg.set_content(body)
    try:
        with smtplib.SMTP("127.0.0.1", PORT, timeout=30) as smtp:
            smtp.send_message(msg)
    except OSError as exc:
        sys.exit(f"cannot reach corrbot on 127.0.0.1:{PORT} ({exc}); is `make run` running?")
    print(f"sent {subject!r} to {to}")
    print(f"corrbot's answers land in {OUTBOX / 'new'}/ within a few seconds;")
    print("`python scripts/try.py show` prints the newest one addressed to you.")


def my_mail() -> list[EmailMessage]:
    """What corrbot sent to ME, oldest first (Delivered-To names the recipient)."""
    found = []
    files = sorted((OUTBOX / "new").glob("*"), key=lambda p: p.stat().st_mtime_ns)
    for path in files:
        msg = message_from_bytes(path.read_bytes(), policy=policy.default)
        if str(msg.get("Delivered-To", "")).lower() == ME.lower():
            assert isinstance(msg, EmailMessage)
            found.append(msg)
    return found


def text_of(msg: EmailMessage) -> str:
    part = msg.get_body(preferencelist=("plain",))
    return part.get_content() if isinstance(part, EmailMessage) else ""


def confirm_newest() -> None:
    for msg in reversed(my_mail()):
        found = CONFIRM.search(str(msg.get("Reply-To", ""))) or CONFIRM.search(text_of(msg))
        if found:
            send(found.group(0), f"Re: {msg['Subject']}", "Yes, confirmed.", msg["Message-ID"])
            return
    sys.exit(f"no confirmation request for {ME} in {OUTBOX / 'new'}; try `join` first")


def show() -> None:
    mail = my_mail()
    if not mail:
        sys.exit(f"nothing for {ME} in {OUTBOX / 'new'} yet")
    newest = mail[-1]
    for header in ("From", "To", "Reply-To", "Subject"):
        if newest.get(header):
            print(f"{header}: {newest[header]}")
    print()
    print(text_of(newest))


def main(argv: list[str]) -> int:
    verbs = ("help", "join", "confirm", "post", "leave", "status", "issues", "whoami", "show")
    if not argv or argv[0] not in verbs:
        print(__doc__)
        return 2
    verb, rest = argv[0], argv[1:]
    if verb == "post":
        subject = rest[0] if rest else "A first contribution"
        body = rest[1] if len(rest) > 1 else "Hello everyone."
        send(LIST, subject, body)
    elif verb == "join":
        send(REQUEST, f"join civil-society {NAME}", f"join civil-society {NAME}")
    elif verb == "confirm" and not rest:
        confirm_newest()
    elif verb == "confirm":
        send(REQUEST, f"confirm {rest[0]}", f"confirm {rest[0]}")
    elif verb == "show":
        show()
    else:
        send(REQUEST, verb, verb)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
