"""The headers a read-ahead worker sends back of a mail, packed, and the mail rebuilt from them.

Of a mail whose body the runner does not read (pipeline/parse_ahead.py), a worker
sends only its envelope (From_) line and the headers the rules read, as parsed,
names and values in one string, each followed by SEP: one string unpickles several
times faster than (name, value) pairs, and the runner rebuilds a ``HeadersRead``
from it for a fraction of what unpickling a parse costs. SEP cannot occur in them:
the parse reads bytes as ASCII with surrogate escapes, which give only U+0000-U+007F
and U+DC80-U+DCFF (a surrogate would do too, but pickle encodes each through an
error handler).
"""

from __future__ import annotations

from email.message import Message as EmailMessage

from corrbot.addresses import RECIPIENT_HEADERS
from corrbot.rules.chain import HEADERS_READ
from corrbot.rules.verdict import HeadersRead

Head = tuple[str | None, str]
SEP = "\x80"

# What the worker reads of the recipient headers itself (the header fallback of
# rules/addressing.py), by lowercased name.
RECIPIENTS = frozenset(name.lower() for name in RECIPIENT_HEADERS)
# The headers intake reads (intake.message_keys and header_date), by lowercased name.
KEYS = frozenset({"message-id", "date"})
_SCANNED = HEADERS_READ | RECIPIENTS | KEYS

Recipients = dict[str, list[tuple[str, str]]]
# head, recipients, and the first value of each of the KEYS headers present
Scanned = tuple[Head | None, Recipients, dict[str, str]]


def scan_keys(parsed: EmailMessage) -> Scanned:
    """The parse's head (what ``rebuilt`` needs of it; None if SEP occurs after all:
    then the whole parse is sent), its recipient headers, by lowercased name, as
    ``raw_items`` gives them (``get_all`` of each name: the policy's
    ``header_fetch_parse`` of those), and the raw value of the first of each of the
    KEYS headers present (by lowercased name). One pass over the headers, where the
    head, four ``get_all`` calls and intake's look-ups took seven (each lowering
    every header's name).

    Only the headers the rules read are kept in the head: a mail's other headers (a
    few dozen in list mail) were a third of what the workers sent back, to be
    unpickled while the runner waited for the lock they share.
    """
    kept: list[tuple[str, str]] = []
    recipients: Recipients = {}
    firsts: dict[str, str] = {}
    for name, value in parsed.raw_items():
        lowered = name.lower()
        if lowered in _SCANNED:
            if lowered in HEADERS_READ:
                kept.append((name, value))
            if lowered in RECIPIENTS:
                recipients.setdefault(lowered, []).append((name, value))
            elif lowered in KEYS:
                firsts.setdefault(lowered, value)
    return _packed(parsed, kept), recipients, firsts


def _packed(parsed: EmailMessage, kept: list[tuple[str, str]]) -> Head | None:
    packed = "".join(f"{name}{SEP}{value}{SEP}" for name, value in kept)
    envelope = parsed.get_unixfrom()
    if packed.count(SEP) != 2 * len(kept) or SEP in (envelope or ""):
        return None
    return envelope, packed


def rebuilt(head: Head) -> EmailMessage:
    """The parsed mail's envelope line and the headers the rules read, in their order,
    without its body (nor its parse defects, which the worker read)."""
    envelope, packed = head
    mail = HeadersRead(HEADERS_READ)  # compat32, as the parser makes it
    if envelope is not None:
        mail.set_unixfrom(envelope)
    parts = packed.split(SEP)
    for name, value in zip(parts[0:-1:2], parts[1::2], strict=True):
        mail.set_raw(name, value)
    mail.set_payload("")
    return mail
