"""Delivery mode "maildir": each outbox row becomes one file in the Maildir's `new/`.

The file starts with `Return-Path: <envelope sender>` and `Delivered-To: recipient`,
as a local delivery agent writes them, so a person (or the demo) can read exactly what
would have been sent and to whom. Written the Maildir way: into `tmp/`, fsync,
rename into `new/`, fsync the folder, so a reader never sees half a message.

The file name is derived from the row (its id and creation time), not from the
moment of delivery: if corrbot dies after the rename but before the row is marked
sent, the retry finds the file (in `new/`, or in `cur/` once a reader moved it)
and does not write a second copy. Maildir delivery is therefore exactly once.
"""

from __future__ import annotations

import calendar
import contextlib
import os
from pathlib import Path
from types import TracebackType

from corrbot.model import OutboxEntry
from corrbot.outbound.transport import Unavailable


def file_name(entry: OutboxEntry) -> str:
    """`time.unique.host` as Maildir names go; stable for a row across retries."""
    created = calendar.timegm(entry.created_at.timetuple())
    return f"{created}.R{entry.id}G{entry.group_id}.corrbot"


def as_delivered(entry: OutboxEntry) -> bytes:
    """The stored bytes with the delivery headers in front, in local (LF) line endings."""
    sender = entry.envelope_from.strip().strip("<>")
    head = f"Return-Path: <{sender}>\nDelivered-To: {entry.recipient}\n".encode()
    return head + entry.raw.replace(b"\r\n", b"\n")


class MaildirTransport:
    """Writes copies under `root` (created with cur/, new/ and tmp/ when missing)."""

    # Sending a row twice writes nothing the second time (the file name is the row's).
    idempotent = True

    def __init__(self, root: Path) -> None:
        self.root = root

    def __enter__(self) -> MaildirTransport:
        try:
            for sub in ("cur", "new", "tmp"):
                (self.root / sub).mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise Unavailable(f"cannot create Maildir {self.root}: {exc.strerror}") from None
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        return None

    def delivered(self, name: str) -> bool:
        """Already there: still unread in new/, or moved to cur/ with flags after `:2,`."""
        cur = self.root / "cur"
        if (self.root / "new" / name).exists() or (cur / name).exists():
            return True
        return any(cur.glob(f"{name}:*"))

    def send(self, entry: OutboxEntry) -> None:
        name = file_name(entry)
        if self.delivered(name):
            return
        tmp = self.root / "tmp" / name
        try:
            with tmp.open("wb") as fh:
                fh.write(as_delivered(entry))
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, self.root / "new" / name)
            _fsync_dir(self.root / "new")
        except OSError as exc:
            # A full disk or a permission problem fails every copy alike: pause the pass.
            with contextlib.suppress(OSError):
                tmp.unlink(missing_ok=True)
            raise Unavailable(f"cannot write to Maildir {self.root}: {exc.strerror}") from None


def _fsync_dir(path: Path) -> None:
    """Make the rename itself durable (the directory entry), not only the file's bytes."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
