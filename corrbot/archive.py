"""The archive as rows (``corrbot messages``) and as raw mbox (``corrbot archive export``).

Arrival order is the time a message was received, then its row id: a placeholder
row filled in when its message finally arrives keeps its (older) id, so the id
alone would put a late parent before the replies that arrived first.

The mbox is mboxrd: each message's exact bytes after a ``From `` line, with every
line matching ``>*From `` given one more ``>``, and a blank line after each. A
reader that removes one ``>`` from such lines (``unescape_mboxrd``) gets the bytes
back exactly; a message whose bytes do not end in a newline gets one (mbox cannot
tell that difference).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import BinaryIO

from sqlalchemy import Select, select
from sqlalchemy.orm import Session, aliased

from corrbot.model import Message, Position, RawBlob, Tag, Thread
from corrbot.understand.quotes import new_text

FIELDS = (
    "message_id",
    "date",
    "from",
    "subject",
    "status",
    "parent_message_id",
    "thread_root_message_id",
    "tasks",
    "issues",
    "position",
)
_BATCH = 500
_FROM_LINE = re.compile(rb"^(>*From )", re.MULTILINE)
_ESCAPED_FROM = re.compile(rb"^>(>*From )", re.MULTILINE)


@dataclass(frozen=True)
class ArchiveRow:
    message_id: str
    date: str
    sender: str  # the field "from"
    subject: str
    status: str
    parent_message_id: str
    thread_root_message_id: str
    tasks: str
    issues: str
    position: str
    new_text: str

    def as_dict(self, with_text: bool = False) -> dict[str, str]:
        """The row under the field names of SPEC "Command line"."""
        values = asdict(self)
        values["from"] = values.pop("sender")
        out = {name: values[name] for name in FIELDS}
        if with_text:
            out["new_text"] = self.new_text
        return out


def _arrival(group_id: int) -> Select[int]:
    return (
        select(Message.id)
        .where(Message.group_id == group_id, Message.placeholder.is_(False))
        .order_by(Message.received_at, Message.id)
    )


def archive_rows(
    session: Session, group_id: int, since: datetime | None = None
) -> Iterator[ArchiveRow]:
    """Every stored (non-placeholder) message in arrival order, dated ``since`` or later."""
    query = _arrival(group_id)
    if since is not None:
        query = query.where(Message.date >= since)
    ids = list(session.scalars(query))
    for start in range(0, len(ids), _BATCH):
        yield from _rows(session, ids[start : start + _BATCH])


def _rows(session: Session, ids: list[int]) -> Iterator[ArchiveRow]:
    parent, root = aliased(Message), aliased(Message)
    found = session.execute(
        select(Message, parent.message_id, root.message_id)
        .outerjoin(parent, parent.id == Message.parent_id)
        .outerjoin(Thread, Thread.id == Message.thread_id)
        .outerjoin(root, root.id == Thread.root_id)
        .where(Message.id.in_(ids))
    ).all()
    by_id = {m.id: (m, p, r) for m, p, r in found}
    tags: dict[tuple[int, str], list[str]] = defaultdict(list)
    for message_id, kind, key in session.execute(
        select(Tag.message_id, Tag.kind, Tag.key).where(
            Tag.message_id.in_(ids), Tag.active.is_(True)
        )
    ):
        tags[(message_id, kind)].append(key)
    positions: dict[int, list[str]] = defaultdict(list)
    for said_in, stance, option in session.execute(
        select(Position.message_id, Position.stance, Position.option)
        .where(Position.message_id.in_(ids))
        .order_by(Position.id)
    ):
        said = f"{stance} {option}" if option else stance
        if said_in is not None and said not in positions[said_in]:
            positions[said_in].append(said)
    for row_id in ids:
        message, parent_id, root_id = by_id[row_id]
        yield ArchiveRow(
            message_id=message.message_id,
            date=message.date.isoformat(timespec="seconds") if message.date else "",
            sender=message.from_addr or "",
            subject=message.subject or "",
            status=message.status or "",
            parent_message_id=parent_id or "",
            thread_root_message_id=root_id or "",
            tasks=" ".join(sorted(tags[(row_id, "task")])),
            issues=" ".join(sorted(tags[(row_id, "issue")], key=_number_first)),
            position="; ".join(positions[row_id]),
            new_text=_new_text(message),
        )


def _new_text(message: Message) -> str:
    """What the pipeline read as new; a message it did not read as a post (held,
    rejected, a command, owner mail) is read here the same way, from its text."""
    if message.new_text is not None:
        return message.new_text
    return new_text(message.text_body) if message.text_body else ""


def _number_first(key: str) -> tuple[int, str]:
    return (int(key), "") if key.isdigit() else (1 << 62, key)


def export_mbox(session: Session, group_id: int, out: BinaryIO) -> int:
    """Write every stored message to ``out`` as mboxrd, in arrival order; returns the count."""
    ids = [i for i in session.scalars(_arrival(group_id).where(Message.sha256.is_not(None)))]
    written = 0
    for start in range(0, len(ids), _BATCH):
        chunk = ids[start : start + _BATCH]
        found = session.execute(
            select(Message, RawBlob.data)
            .join(RawBlob, RawBlob.sha256 == Message.sha256)
            .where(Message.id.in_(chunk))
        ).all()
        by_id = {m.id: (m, data) for m, data in found}
        for row_id in chunk:
            if row_id in by_id:
                message, data = by_id[row_id]
                out.write(from_line(message))
                out.write(escape_mboxrd(data))
                out.write(b"\n" if data.endswith(b"\n") else b"\n\n")
                written += 1
        session.expunge_all()  # keep memory flat on large archives
    return written


def from_line(message: Message) -> bytes:
    sender = (message.envelope_from or message.from_addr or "").split()
    who = sender[0] if sender else "MAILER-DAEMON"
    when = message.received_at or message.date or datetime(1970, 1, 1)
    return f"From {who} {when.strftime('%a %b %d %H:%M:%S %Y')}\n".encode("ascii", "replace")


def escape_mboxrd(data: bytes) -> bytes:
    return _FROM_LINE.sub(rb">\1", data)


def unescape_mboxrd(data: bytes) -> bytes:
    return _ESCAPED_FROM.sub(rb"\1", data)
