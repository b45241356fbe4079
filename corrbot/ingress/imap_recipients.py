"""Who a message from an IMAP mailbox was for: such mail has no envelope.

SPEC "Addresses": the recipient is read from Delivered-To, X-Original-To, To and Cc,
in that order. The first of those headers that names one of the group's addresses
wins, and only the group's addresses in it count (a Delivered-To naming the mailbox
of a forwarding account must not hide the list address in X-Original-To or To).
When none names the group, the addresses of the first header present are kept, so
that the rules see where the message really went and can answer it as they would
answer any mail that is not for the group: the message is stored all the same,
since it is already in the mailbox and nothing is lost.
"""

from __future__ import annotations

from email.parser import BytesHeaderParser
from email.policy import compat32
from email.utils import getaddresses

from corrbot.addresses import RECIPIENT_HEADERS, ListAddresses


def _addresses(values: list[str]) -> list[str]:
    # compat32 keeps undecodable bytes as surrogates; they are never part of an address
    # we could match, so replace them rather than fail on them.
    cleaned = [v.encode("utf-8", "replace").decode("utf-8") for v in values]
    found = [addr.strip().lower() for _, addr in getaddresses(cleaned)]
    return list(dict.fromkeys(a for a in found if "@" in a))


def recipients(raw: bytes, addresses: ListAddresses) -> list[str]:
    """The envelope recipients to record for a message read from a mailbox."""
    headers = BytesHeaderParser(policy=compat32).parsebytes(raw)
    first_present: list[str] = []
    for name in RECIPIENT_HEADERS:
        found = _addresses([str(v) for v in headers.get_all(name) or []])
        ours = [a for a in found if addresses.classify(a) is not None]
        if ours:
            return ours
        if found and not first_present:
            first_present = found
    return first_present
