"""corrbot's threads against Dovecot's own THREAD on the same real mailbox (linux-mips, 1k).

Compared: for every message, its nearest *real* ancestor (IMAP THREAD responses
leave out messages that are not in the mailbox, and corrbot's placeholders stand for
those, so both sides are compared without them).

- ``THREAD=REFS`` (Dovecot's references-only algorithm) must agree exactly.
- ``THREAD=REFERENCES`` (RFC 5256) also merges threads by base subject. The one
  deliberate difference: a reply whose referenced parent is missing keeps that
  parent (a placeholder) in corrbot, where RFC 5256 hangs it under another thread
  that has the same subject. Its References say which mail it answers; the subject
  is weaker evidence (corrbot joins by subject only mail that has no references).
"""

from __future__ import annotations

import mailbox
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from corrbot.archive import unescape_mboxrd
from corrbot.intake import header_message_id
from corrbot.model import Message
from corrbot.runtime import Runtime
from corrbot.understand.subject import normalise_subject
from tests.pipeline.test_thread import thread_only
from tests.servers.dovecot import DovecotServer

CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpora" / "linux-mips"
Parents = dict[str, str | None]


def corpus() -> list[bytes]:
    """The 1k archive, one copy per Message-ID (cross-posts appear twice in it)."""
    box = mailbox.mbox(str(CORPUS / "linux-mips-1k.mbox"), create=False)
    raws, seen = [], set()
    for key in box.iterkeys():
        raw = unescape_mboxrd(box.get_bytes(key))
        message_id = header_message_id(raw)
        if message_id not in seen:
            seen.add(message_id)
            raws.append(raw)
    return raws


def imap_parents(threads: Any, names: dict[int, str]) -> Parents:
    """Parent of each message in a THREAD response (nested tuples), by Message-ID.

    In ``(3 6 (4 23)(44 7 96))`` each number is the child of the one before it, and
    each nested list is a branch under the last number before it; a list that
    starts with a list has a missing message at its head.
    """
    parents: Parents = {}
    stack: list[tuple[Any, str | None]] = [(thread, None) for thread in threads]
    while stack:
        node, current = stack.pop()
        for element in node:
            if isinstance(element, int):
                parents[names[element]] = current
                current = names[element]
            else:
                stack.append((element, current))
    return parents


@pytest.fixture(scope="module")
def dovecot_threads() -> Iterator[tuple[list[bytes], Parents, Parents]]:
    raws = corpus()
    with DovecotServer() as server:
        uids = server.append(raws)
        names = {uid: header_message_id(raw) or "" for uid, raw in zip(uids, raws, strict=True)}
        with server.client() as client:
            client.select_folder("INBOX", readonly=True)
            refs = client.thread(algorithm="REFS", criteria="ALL")
            references = client.thread(algorithm="REFERENCES", criteria="ALL")
    yield raws, imap_parents(refs, names), imap_parents(references, names)


def corrbot_parents(runtime: Runtime) -> tuple[Parents, dict[str, Message]]:
    with runtime.sessions() as session:
        rows = {row.id: row for row in session.scalars(select(Message))}
        session.expunge_all()
    parents: Parents = {}
    for row in rows.values():
        if row.placeholder:
            continue
        above = rows.get(row.parent_id) if row.parent_id else None
        while above is not None and above.placeholder:
            above = rows.get(above.parent_id) if above.parent_id else None
        parents[row.message_id] = above.message_id if above else None
    return parents, {row.message_id: row for row in rows.values()}


def test_threads_agree_with_dovecot(
    rt: Runtime, dovecot_threads: tuple[list[bytes], Parents, Parents]
) -> None:
    raws, refs, references = dovecot_threads
    thread_only(rt, raws)
    ours, rows = corrbot_parents(rt)
    assert len(ours) == len(refs) == len(raws)

    assert ours == refs

    different = {mid for mid in ours if ours[mid] != references[mid]}
    assert len(different) < len(ours) // 100  # two in this archive
    for mid in different:
        row = rows[mid]
        other = references[mid]
        assert other is not None and ours[mid] is None
        parent = next(r for r in rows.values() if r.id == row.parent_id)
        assert parent.placeholder  # it answers a message that is not in the archive
        assert normalise_subject(rows[other].subject or "") == normalise_subject(row.subject or "")
