"""New mail of one IMAP folder, fetched by UID in batches and committed with its state.

The ImapState row (UIDVALIDITY, last UID) is written in the same transaction as the
messages of a batch, so after any crash the row says exactly what is stored. A new
UIDVALIDITY means the server renumbered the folder: the old last UID is meaningless,
so the folder is read again from the start, and de-duplication in the store keeps
that from storing anything twice.
"""

from __future__ import annotations

import logging

from imapclient import IMAPClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from corrbot.config import ImapSettings
from corrbot.db import transaction
from corrbot.ingress.imap_recipients import recipients
from corrbot.intake import header_message_id, store_message
from corrbot.model import ImapState
from corrbot.runtime import Runtime

log = logging.getLogger("corrbot.intake")


class FolderRenumbered(Exception):
    """The stored UIDVALIDITY changed under a running session (another poller?)."""


def account_name(imap: ImapSettings) -> str:
    return f"{imap.username}@{imap.host}"


def _state(session: Session, group_id: int, imap: ImapSettings) -> ImapState:
    account = account_name(imap)
    row = session.scalar(
        select(ImapState).where(
            ImapState.group_id == group_id,
            ImapState.account == account,
            ImapState.folder == imap.folder,
        )
    )
    if row is None:
        row = ImapState(group_id=group_id, account=account, folder=imap.folder, last_uid=0)
        session.add(row)
    return row


def start_from(runtime: Runtime, imap: ImapSettings, uidvalidity: int) -> int:
    """The last UID stored under this UIDVALIDITY (0 when the folder is new to us)."""
    with transaction(runtime.sessions) as session:
        row = _state(session, runtime.group_id, imap)
        if row.uidvalidity != uidvalidity:
            if row.uidvalidity is not None:
                log.warning(
                    "IMAP folder %s: UIDVALIDITY changed from %s to %s; reading it again "
                    "from the start (messages already stored are not stored twice)",
                    imap.folder,
                    row.uidvalidity,
                    uidvalidity,
                )
            row.uidvalidity = uidvalidity
            row.last_uid = 0
        return row.last_uid


def new_uids(client: IMAPClient, last_uid: int) -> list[int]:
    """The UIDs above last_uid, oldest first."""
    # "UID n:*" names the highest UID even when that is below n, hence the filter.
    found = client.search(["UID", f"{last_uid + 1}:*"])
    return sorted(uid for uid in found if uid > last_uid)


def too_large(client: IMAPClient, uids: list[int], limit: int) -> list[int]:
    """The UIDs whose size is over the limit, asked for before any body is fetched."""
    sizes = client.fetch(uids, ["RFC822.SIZE"])
    return [uid for uid in uids if int(sizes.get(uid, {}).get(b"RFC822.SIZE", 0)) > limit]


def store_batch(
    runtime: Runtime, client: IMAPClient, imap: ImapSettings, uidvalidity: int, uids: list[int]
) -> tuple[int, list[int]]:
    """Fetch and store these UIDs and advance the state, in one transaction.

    Returns how many were new, and the UIDs too large to take: like the listener's
    552, a message over `[listener] max_message_bytes` is not fetched or stored; it
    stays in the folder unmarked, for a person, and is not asked for again (the
    last UID moves past it). Nothing is marked here: the caller marks the others
    after this returns, that is after the commit.
    """
    limit = runtime.settings.listener.max_message_bytes
    refused = too_large(client, uids, limit)
    for uid in refused:
        log.warning("IMAP UID %d is over max_message_bytes (%d): left in the folder", uid, limit)
    wanted = [uid for uid in uids if uid not in refused]
    fetched = client.fetch(wanted, ["BODY.PEEK[]"]) if wanted else {}
    new = 0
    with transaction(runtime.sessions) as session:
        row = _state(session, runtime.group_id, imap)
        if row.uidvalidity != uidvalidity:
            raise FolderRenumbered(
                f"IMAP folder {imap.folder}: stored UIDVALIDITY {row.uidvalidity} "
                f"is not the server's {uidvalidity}"
            )
        for uid in wanted:
            # b'BODY[]', not b'BODY.PEEK[]': the server answers with the plain name.
            raw = fetched.get(uid, {}).get(b"BODY[]")
            if not isinstance(raw, bytes):
                log.warning("IMAP UID %d vanished before it could be fetched", uid)
                continue
            result = store_message(
                session,
                runtime.group_id,
                raw,
                via="imap",
                clock=runtime.clock,
                envelope_to=recipients(raw, runtime.addresses),
            )
            message_id = header_message_id(raw)
            if result.duplicate:
                log.info("IMAP UID %d <%s>: already stored", uid, message_id)
            else:
                new += 1
                log.info("IMAP UID %d <%s>: stored", uid, message_id)
        row.last_uid = max(row.last_uid, max(uids))
    return new, refused
