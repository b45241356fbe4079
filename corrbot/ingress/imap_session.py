"""One IMAP session of the poller: connect (TLS or STARTTLS), log in, select, mark.

Marking (a flag, or a move to another folder) tells a person looking at the mailbox
which messages corrbot has stored; it happens only after the commit, so a crash in
between leaves a stored message unmarked, never a marked message unstored. `settle`
marks such stragglers when the poller connects again.
"""

from __future__ import annotations

import logging
import ssl
from collections.abc import Sequence
from dataclasses import dataclass

from imapclient import IMAPClient

from corrbot.config import ImapSettings, Settings

log = logging.getLogger("corrbot.intake")


class MissingPassword(Exception):
    """The environment variable named by [imap] password_env is not set."""


@dataclass
class Mailbox:
    client: IMAPClient
    uidvalidity: int
    can_idle: bool


def tls_context(settings: Settings, imap: ImapSettings) -> ssl.SSLContext:
    context = ssl.create_default_context()
    if imap.ca_file:
        context.load_verify_locations(cafile=str(settings.path(imap.ca_file)))
    if not imap.tls_verify:
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    return context


def open_mailbox(settings: Settings, imap: ImapSettings) -> Mailbox:
    """A logged-in client with the folder selected; the caller closes it."""
    password = settings.secret(imap.password_env)
    if password is None:
        raise MissingPassword(f"the environment variable {imap.password_env} is not set")
    context = tls_context(settings, imap) if imap.ssl or imap.starttls else None
    client = IMAPClient(
        imap.host, imap.port, ssl=imap.ssl, ssl_context=context, timeout=imap.timeout_seconds
    )
    try:
        if imap.starttls:
            client.starttls(context)
        client.login(imap.username, password)
        if imap.move_to and not client.folder_exists(imap.move_to):
            client.create_folder(imap.move_to)
        selected = client.select_folder(imap.folder)
        return Mailbox(client, int(selected[b"UIDVALIDITY"]), client.has_capability("IDLE"))
    except BaseException:
        close(client)
        raise


def close(client: IMAPClient) -> None:
    """Log out if the connection still works, else just drop it."""
    try:
        client.logout()
    except Exception:
        try:
            client.shutdown()
        except Exception as exc:  # already gone: nothing left to close
            log.debug("IMAP connection closed uncleanly: %s", exc)


def mark(client: IMAPClient, imap: ImapSettings, uids: Sequence[int]) -> None:
    """Flag or move messages that are committed to the store."""
    if not uids:
        return
    if imap.move_to:
        if client.has_capability("MOVE"):
            client.move(list(uids), imap.move_to)
            return
        client.copy(list(uids), imap.move_to)
        client.delete_messages(list(uids))
        if client.has_capability("UIDPLUS"):
            client.uid_expunge(list(uids))  # only ours: never expunge what others deleted
        return
    client.add_flags(list(uids), [imap.flag.encode()], silent=True)


def _unmarked(flag: str) -> list[str]:
    if flag == "\\Seen":
        return ["UNSEEN"]
    if flag == "\\Flagged":
        return ["UNFLAGGED"]
    return ["UNKEYWORD", flag]


def settle(client: IMAPClient, imap: ImapSettings, last_uid: int, max_bytes: int) -> None:
    """Mark the committed messages (UID up to last_uid) that a crash left unmarked.

    Those over max_bytes were never stored, and are left as they are.
    """
    if last_uid < 1:
        return
    criteria: list[str] = ["UID", f"1:{last_uid}", "SMALLER", str(max_bytes + 1)]
    if not imap.move_to:
        criteria += _unmarked(imap.flag)
    stragglers = sorted(uid for uid in client.search(criteria) if uid <= last_uid)
    if stragglers:
        log.info("IMAP: marking %d stored message(s) left unmarked", len(stragglers))
        mark(client, imap, stragglers)
