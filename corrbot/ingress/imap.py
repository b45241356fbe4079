"""The IMAP poller of `corrbot serve`: new mail in an [imap] folder goes to the store.

One blocking loop, run in its own thread until `stop` is set: connect, store what
is new in batches (see imap_fetch), mark it after the commit, then wait for more,
with IDLE when the server offers it and by polling otherwise. Any failure (network,
login, server, database) ends the session; the loop logs it, waits with exponential
backoff and connects again, so it never crashes and never loses a message: what
was not committed is still unmarked on the server and is fetched again.
"""

from __future__ import annotations

import imaplib
import logging
import select
import ssl
import threading
import time
from collections.abc import Callable

from imapclient import IMAPClient

from corrbot.config import ImapSettings
from corrbot.ingress.imap_fetch import new_uids, start_from, store_batch
from corrbot.ingress.imap_session import Mailbox, MissingPassword, close, mark, open_mailbox, settle
from corrbot.runtime import NotInitialised, Runtime

log = logging.getLogger("corrbot.intake")

# How often a wait looks at `stop`, so that shutdown never waits for a whole IDLE.
_STOP_CHECK_SECONDS = 0.5

# Failures of the server or the way to it: one line in the log is enough.
_CONNECTION_ERRORS = (OSError, imaplib.IMAP4.error, MissingPassword, NotInitialised)


class SessionLost(Exception):
    """During IDLE the server closed the connection, said BYE, or reported an error.

    An untagged NO in IDLE is how Dovecot reports that the selected folder was
    deleted; a new session selects it again and sees its new UIDVALIDITY.
    """


def run_poller(
    runtime: Runtime, stop: threading.Event, on_stored: Callable[[], None] | None = None
) -> None:
    """Poll the [imap] folder until `stop` is set; call on_stored after each commit."""
    imap = runtime.settings.imap
    if imap is None:
        return
    if not imap.ssl and not imap.starttls:
        log.warning("IMAP: [imap] has neither ssl nor starttls: the password goes in clear")
    delay = imap.reconnect_seconds
    while not stop.is_set():
        healthy = threading.Event()  # set once a session has stored all there was
        try:
            _session(runtime, imap, stop, on_stored, healthy)
            continue  # a session ends without error only when stop is set
        except (*_CONNECTION_ERRORS, SessionLost) as exc:
            log.warning(
                "IMAP %s@%s:%d: %s: %s",
                imap.username,
                imap.host,
                imap.port,
                type(exc).__name__,
                exc,
            )
        except Exception:
            log.exception("IMAP poller: unexpected failure; the batch will be fetched again")
        if healthy.is_set():
            delay = imap.reconnect_seconds
        log.info("IMAP: connecting again in %.1f s", delay)
        if stop.wait(delay):
            break
        delay = min(delay * 2, imap.reconnect_max_seconds)
    log.info("IMAP poller stopped")


def _session(
    runtime: Runtime,
    imap: ImapSettings,
    stop: threading.Event,
    on_stored: Callable[[], None] | None,
    healthy: threading.Event,
) -> None:
    mailbox = open_mailbox(runtime.settings, imap)
    try:
        log.info(
            "IMAP: connected to %s, folder %s (UIDVALIDITY %d, %s)",
            imap.host,
            imap.folder,
            mailbox.uidvalidity,
            "IDLE" if mailbox.can_idle else "polling",
        )
        last_uid = start_from(runtime, imap, mailbox.uidvalidity)
        settle(mailbox.client, imap, last_uid, runtime.settings.listener.max_message_bytes)
        while not stop.is_set():
            last_uid = _drain(runtime, imap, mailbox, last_uid, stop, on_stored)
            healthy.set()
            if mailbox.can_idle:
                _idle(mailbox.client, imap.idle_seconds, stop)
            else:
                stop.wait(imap.poll_seconds)
    finally:
        close(mailbox.client)


def _drain(
    runtime: Runtime,
    imap: ImapSettings,
    mailbox: Mailbox,
    last_uid: int,
    stop: threading.Event,
    on_stored: Callable[[], None] | None,
) -> int:
    """Store everything above last_uid, batch by batch; returns the new last UID."""
    while not stop.is_set():
        _exists_reported(mailbox.client)  # forget what earlier commands reported
        # One SEARCH for all that is waiting (a first run may find a whole archive).
        pending = new_uids(mailbox.client, last_uid)
        if not pending:
            if _exists_reported(mailbox.client):
                continue  # mail came in while the server answered the SEARCH: look again
            break
        for start in range(0, len(pending), imap.batch_size):
            if stop.is_set():
                break
            uids = pending[start : start + imap.batch_size]
            new, refused = store_batch(runtime, mailbox.client, imap, mailbox.uidvalidity, uids)
            # Committed: only now may the server learn that these are taken care of.
            mark(mailbox.client, imap, [uid for uid in uids if uid not in refused])
            last_uid = uids[-1]
            log.info("IMAP: committed UIDs %d..%d (%d new)", uids[0], uids[-1], new)
            _notify(on_stored)
    return last_uid


def _notify(on_stored: Callable[[], None] | None) -> None:
    if on_stored is None:
        return
    try:
        on_stored()
    except Exception:
        log.exception("IMAP: the on_stored callback failed")


def _exists_reported(client: IMAPClient) -> bool:
    """Whether the server reported new mail (EXISTS) since the last call; clears it.

    A message that arrives while the server answers a SEARCH is reported once, with
    that answer, and not again in the IDLE that follows: missed here, it would wait
    for the next re-issue. imapclient keeps such untagged responses in imaplib's
    `untagged_responses`; it offers no public way to read them.
    """
    return client._imap.untagged_responses.pop("EXISTS", None) is not None


def _idle(client: IMAPClient, seconds: float, stop: threading.Event) -> None:
    """Wait in IDLE until new mail, `stop`, or `seconds` (re-issued by the caller)."""
    client.idle()
    deadline = time.monotonic() + seconds
    while not stop.is_set():
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            break
        if _already_read(client):
            # Mail that came since the last SEARCH is reported right after "+ idling",
            # often in the same packet, so imaplib read it with that line: no socket
            # event will come for it, and IDLE would sit out its whole time. Ending
            # IDLE costs one SEARCH, which finds it (or nothing, for a mere "OK").
            break
        responses = _idle_responses(client, min(remaining, _STOP_CHECK_SECONDS))
        if any(len(r) > 1 and r[1] == b"EXISTS" for r in responses):
            break
    client.idle_done()


def _already_read(client: IMAPClient) -> bool:
    """Whether server lines wait in imaplib's buffer or in TLS's, not on the socket."""
    sock = client.socket()
    if isinstance(sock, ssl.SSLSocket) and sock.pending():
        return True
    # imapclient offers no public way to see imaplib's buffer; without one (another
    # transport) the socket alone is watched, as before.
    peek = getattr(getattr(client._imap, "file", None), "peek", None)
    if peek is None:
        return False
    timeout = sock.gettimeout()
    sock.setblocking(False)  # peek reads the socket only when the buffer is empty
    try:
        return bool(peek(1))
    except (BlockingIOError, ssl.SSLWantReadError):
        return False
    finally:
        sock.settimeout(timeout)


def _idle_responses(client: IMAPClient, timeout: float) -> list[tuple[object, ...]]:
    sock = client.socket()
    if not select.select([sock], [], [], timeout)[0]:
        return []
    responses: list[tuple[object, ...]] = client.idle_check(timeout=0)
    # A readable socket that yields no line is at its end: imapclient hides the EOF.
    if not responses:
        raise SessionLost("the server closed the connection")
    for response in responses:
        kind = response[0] if response else None
        if isinstance(kind, bytes) and kind in (b"BYE", b"NO", b"BAD"):
            text = b" ".join(r for r in response[1:] if isinstance(r, bytes))
            raise SessionLost(
                f"the server said {kind.decode()} during IDLE: {text.decode('utf-8', 'replace')}"
            )
    return responses
