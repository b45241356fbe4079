"""Talk to a running `make run` corrbot: join, confirm, post, ask for help.

    python scripts/try.py help                 # the list of commands
    python scripts/try.py join                 # ask to join; a confirmation lands in var/outbox/new
    python scripts/try.py confirm TOKEN        # confirm (the token is in that file)
    python scripts/try.py post "Subject" "Text of the contribution"

Uses only the standard library; sends to 127.0.0.1:8025 as participant@example.net.
"""

from __future__ import annotations

import smtplib
import sys
from email.message import EmailMessage

LIST = "cg@lists.example.org"
REQUEST = "cg-request@lists.example.org"
ME = "Participant <participant@example.net>"


def send(to: str, subject: str, body: str) -> None:
    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = ME, to, subject
    msg.set_content(body)
    with smtplib.SMTP("127.0.0.1", 8025) as smtp:
        smtp.send_message(msg)
    print(f"sent {subject!r} to {to}; look in var/outbox/new/ for what corrbot sends back")


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in ("help", "join", "confirm", "post", "leave"):
        print(__doc__)
        return 2
    verb, rest = argv[0], argv[1:]
    if verb == "post":
        subject, body = (rest + ["A first contribution", "Hello everyone."])[:2]
        send(LIST, subject, body)
    elif verb == "join":
        send(REQUEST, "join civil-society A. Participant", "join civil-society A. Participant")
    elif verb == "confirm":
        send(REQUEST, f"confirm {rest[0] if rest else ''}", f"confirm {rest[0] if rest else ''}")
    else:
        send(REQUEST, verb, verb)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
