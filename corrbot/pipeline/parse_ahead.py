"""Reading ahead for archive imports: the pure part of parse and understand, in other processes.

Parsing and decoding a message, cutting its new text out of the quotes, tagging
it and reading its line conventions need no database, and for an import they cost
about as much as all the database work after them. ``ReadAhead`` runs them in
worker processes for each batch the import has stored, while the runner's own
process threads, tags and stores the batch before, so an import uses every core
(issue 3). The result is exactly what ``parse.read_message``, ``new_text`` and the
readers give in the runner's process (the same functions on the same bytes); a
message the worker cannot read is simply read again by the runner, which
quarantines it with the reason as usual.
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import os
import pickle
import re
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, replace
from email.message import Message as EmailMessage
from email.utils import getaddresses
from functools import lru_cache
from typing import Any

from corrbot.addresses import ListAddresses, Purpose
from corrbot.model import Message
from corrbot.pipeline.body import is_plain, pick_bodies
from corrbot.pipeline.parse import read_parsed
from corrbot.pipeline.parse_bytes import parse_bytes
from corrbot.pipeline.tagging import issue_refs, task_refs
from corrbot.rules.addressing import best, first_in_headers
from corrbot.rules.chain import HEADERS_READ
from corrbot.rules.verdict import HeadersRead
from corrbot.runtime import Runtime
from corrbot.understand import FoundTag, IssueRef, TaskRef, find_tags, new_text
from corrbot.understand.conventions import Conventions, read_conventions

log = logging.getLogger("corrbot.pipeline")

# The row fields read_message sets (see parse.py), copied onto the real row.
FIELDS = (
    "date",
    "subject",
    "from_name",
    "from_addr",
    "in_reply_to",
    "references",
    "text_body",
    "attachments",
    "defects",
)

# A parsed mail's envelope (From_) line and the headers the rules read, as parsed
# (see _head): names and values in one string, each followed by _SEP. One string
# unpickles several times faster than (name, value) pairs, and _SEP cannot occur in
# them: the parse reads bytes as ASCII with surrogate escapes, which give only
# U+0000-U+007F and U+DC80-U+DCFF (a surrogate would do too, but pickle encodes each
# through an error handler).
Head = tuple[str | None, str]
_SEP = "\x80"

# (row id, Message-ID, raw bytes): what the worker needs of a stored row. Not the
# time it was received: a message without a usable Date takes it (parse.py fills it).
RowToRead = tuple[int, str, bytes]


@dataclass(frozen=True)
class Prepared:
    fields: dict[str, Any]  # FIELDS, as read_message set them
    problem: str | None  # why the message is unreadable, as read_message says
    own: str | None  # new_text of the bodies (None when unreadable)
    # What rules/addressing.py falls back on when no envelope recipient is the group's:
    # best() of the first recipient header naming one of the group's addresses (None
    # when none does), worked out for ``refs.addresses`` and used only for the same
    # addresses (None: not worked out, without Refs).
    addressed: tuple[Purpose, str | None] | None = None
    # find_tags of the subject and new text read (``tags_for``) with ``refs``: pipeline/
    # understand.py uses it only when its own inputs are the same (see Refs)
    tags: list[FoundTag] | None = None
    tags_for: tuple[str, str] | None = None
    # What the reading was made with. Not sent back by a worker (a group's lists,
    # unpickled once per chunk of readings, cost the runner's process more than the
    # readings' own objects): ``Readings.get`` puts back the runner's own copy.
    refs: Refs | None = None
    # the line conventions of ``own`` (None when unreadable)
    conventions: Conventions | None = None
    # The bare parse, pickled as a parse leaves it (reading a part's payload can note
    # a defect on it), when the runner may read its body (see _body_wanted);
    # otherwise only what the runner reads of it: the envelope line and the headers
    # the rules read, as parsed (a Message rebuilt from them costs a fraction of
    # unpickling one).
    email: bytes | None = None
    head: Head | None = None

    def parsed(self) -> EmailMessage | None:
        """A fresh copy of the parsed mail, as ``parse_bytes`` gives it (the rules'
        headers only, a ``HeadersRead``, when the runner reads nothing else)."""
        if self.head is not None:
            return _rebuilt(self.head)
        if self.email is None:
            return None
        try:
            found = pickle.loads(self.email)  # our own worker's, over the pool's pipe anyway
        except Exception:  # then the runner parses the raw bytes itself, as without it
            log.warning("a read-ahead parse could not be unpickled", exc_info=True)
            return None
        return found if isinstance(found, EmailMessage) else None


@dataclass(frozen=True)
class Refs:
    """The group's tasks and issues and the classifier threshold, as tagging reads them.

    And its addresses, for the header fallback of rules/addressing.py.
    """

    tasks: tuple[TaskRef, ...]
    issues: tuple[IssueRef, ...]
    threshold: float
    addresses: ListAddresses | None = None


def prepare(item: RowToRead, refs: Refs | None = None) -> Prepared | None:
    """Read one message as parse and understand would; None if anything raised."""
    _, message_id, data = item
    try:
        row = Message(message_id=message_id)
        parsed = parse_bytes(data)
        head = _head(parsed)
        parsed, problem = read_parsed(row, parsed)
        email = None
        if head is None or _body_wanted(row, parsed):  # rare: it goes whole, parsed afresh
            email, head = _whole(data), None
        own: str | None = None
        if problem is None:  # what understand reads, from the same fields and mail
            own = new_text(*pick_bodies(row.text_body or "", lambda: parsed))
        addresses = refs.addresses if refs is not None else None
        addressed = _addressed(addresses, parsed) if addresses is not None else None
        lines = read_conventions(own) if own is not None else None
        tags: list[FoundTag] | None = None
        tags_for: tuple[str, str] | None = None
        # Tag:/Untag: lines change what is read for tags; rare, left to the runner.
        if refs is not None and own is not None and lines and lines.tag_correction is None:
            subject = row.subject or ""
            tags = find_tags(subject, own, refs.tasks, refs.issues, refs.threshold)
            tags_for = (subject, own)
        fields = {name: getattr(row, name) for name in FIELDS}
        return Prepared(
            fields,
            problem,
            own,
            addressed=addressed,
            tags=tags,
            tags_for=tags_for,
            refs=refs,
            conventions=lines,
            email=email,
            head=head,
        )
    except Exception:  # the runner reads it again and deals with it
        return None


def _head(parsed: EmailMessage) -> Head | None:
    """What ``_rebuilt`` needs of a parse; None if _SEP occurs after all.

    Only the headers the rules read: a mail's other headers (a few dozen in list
    mail) were a third of what the workers sent back, to be unpickled while the
    runner waited for the lock they share.
    """
    kept = [(name, value) for name, value in parsed.raw_items() if name.lower() in HEADERS_READ]
    packed = "".join(f"{name}{_SEP}{value}{_SEP}" for name, value in kept)
    envelope = parsed.get_unixfrom()
    if packed.count(_SEP) != 2 * len(kept) or _SEP in (envelope or ""):
        return None
    return envelope, packed


def _rebuilt(head: Head) -> EmailMessage:
    """The parsed mail's envelope line and the headers the rules read, in their order,
    without its body (nor its parse defects, which the worker read)."""
    envelope, packed = head
    rebuilt = HeadersRead(HEADERS_READ)  # compat32, as the parser makes it
    if envelope is not None:
        rebuilt.set_unixfrom(envelope)
    parts = packed.split(_SEP)
    for name, value in zip(parts[0:-1:2], parts[1::2], strict=True):
        rebuilt.set_raw(name, value)
    rebuilt.set_payload("")
    return rebuilt


def _whole(data: bytes) -> bytes:
    return pickle.dumps(parse_bytes(data), protocol=pickle.HIGHEST_PROTOCOL)


def _body_wanted(row: Message, parsed: EmailMessage) -> bool:
    """Whether the runner may read the mail's body parts, not only its headers.

    Only three readers look below the headers: the HTML of a mail with no plain
    text (body.bodies; consensus.decision.reply_text), and a delivery report's
    fields (list.bounces). Everything else reads row fields and the values of the
    headers the rules read.
    """
    return not is_plain(row.text_body or "") or parsed.get_content_type() == "multipart/report"


def _addressed(addresses: ListAddresses, parsed: EmailMessage) -> tuple[Purpose, str | None] | None:
    """rules/addressing.py's header fallback, parsing only headers that may name the group."""
    domain = addresses.domain if _PLAIN_DOMAIN.fullmatch(addresses.domain) else None

    def read(name: str) -> tuple[Purpose, str | None] | None:
        values = tuple(str(v) for v in parsed.get_all(name) or [])
        # what getaddresses parses: the values joined by ", "
        if values and (domain is None or _may_name(", ".join(values), domain)):
            return _best(addresses, values)
        return None

    return first_in_headers(read)


# Which headers may name the group, told without parsing them (parsing long Cc lists
# was a tenth of the worker's time on linux-mips). classify takes an address for one
# of the group's only if its text after the last "@", lowercased, is the domain. An
# address getaddresses (email._parseaddr) finds in a text has its characters from
# that text, in order, except that it
#   - skips what lies between the words and dots it joins: spaces, tabs, CR, LF and
#     comments ("a@exam ple.org" and "a@exa(x)mple.org" both give a@example.org);
#   - drops the "\\" of a quoted pair, in a quoted string or a domain literal
#     ('"a@exa\\mple.org"' alone gives a@example.org: a lone quoted word is taken bare);
#   - adds quotes, brackets and backslashes (around a quoted local part or a literal).
# Take a domain of ASCII letters, digits, ".", "-" and "_" only: none of what is
# added. In a text with no "(" and no "\\", an address classify takes has that domain
# in the text as it is, save for spaces, tabs, CR and LF in between. str.lower maps
# each character on its own (Σ aside, whose lowercase forms are not ASCII) and makes
# "@" only of "@", so the text without those four, lowered as classify lowers the
# address, holds the domain. "(" and "\\" are rare in these headers (linux-mips: in
# 242 of 19,318); a domain of any other kind (a literal, non-ASCII) is looked for by
# parsing every header.
_PLAIN_DOMAIN = re.compile(r"[a-z0-9._-]+")
_GAPS = str.maketrans("", "", " \t\r\n")


def _may_name(text: str, domain: str) -> bool:
    return "(" in text or "\\" in text or domain in text.translate(_GAPS).lower()


@lru_cache(maxsize=4096)
def _best(addresses: ListAddresses, values: tuple[str, ...]) -> tuple[Purpose, str | None] | None:
    # A thread's replies repeat the same To and Cc lines (linux-mips: 7 in 8 header
    # values seen before), and those that may name the group are parsed.
    return best(addresses, [addr for _, addr in getaddresses(list(values))])


def prepare_many(items: list[RowToRead], refs: Refs | None = None) -> list[Prepared | None]:
    """``prepare`` of each, as a worker sends them back: without ``refs`` (see Prepared)."""
    readings = [prepare(item, refs) for item in items]
    return [None if found is None else replace(found, refs=None) for found in readings]


# How much lower the workers' scheduling priority is than the runner's.
WORKER_NICENESS = 10


def _yield_to_runner() -> None:
    """Give the runner's process the CPU first: it is the one path every message
    waits for (its database work, one transaction at a time), while the workers
    read ahead of it; and a `serve` on the same machine keeps its share too. On two
    cores, runner and two workers had shared them evenly. linux-mips-10k, plain
    group (where the runner is the longer path): 0.1-0.4 s faster in most runs,
    within the noise in some; the example group's unchanged.
    """
    # Not on Windows; and a sandbox may refuse: reading ahead works all the same.
    if hasattr(os, "nice"):
        with contextlib.suppress(OSError):
            os.nice(WORKER_NICENESS)


class ReadAhead:
    """Worker processes preparing messages; ``close`` ends them.

    ``readings`` holds what they read (or are reading) of every row submitted.
    As many workers as cores, up to four: the runner waits for the database part
    of the time, and on two cores two workers beat one (linux-mips with the example
    group's tasks: 12.5 against 15.2 s; bench/README.md). They run at a lower
    priority, so they take what the runner leaves (see _yield_to_runner).
    """

    CHUNK = 10  # messages per task: small, so the runner can start on the first soon
    MAX_WORKERS = 4

    def __init__(self) -> None:
        # fork where there is one: "spawn" would re-import the caller's main module,
        # which breaks any script without a __main__ guard. A forked worker only
        # runs the pure functions above; it never touches the database connections
        # it inherits, and a pool worker leaves through os._exit, closing nothing.
        methods = multiprocessing.get_all_start_methods()
        context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
        workers = max(1, min(self.MAX_WORKERS, os.cpu_count() or 1))
        self._pool = ProcessPoolExecutor(
            max_workers=workers, mp_context=context, initializer=_yield_to_runner
        )
        self._broken = False
        self.readings = Readings()

    def submit(self, items: list[RowToRead], refs: Refs | None = None) -> None:
        """Queue the items in small chunks, for ``readings``.

        Nothing is queued once the worker has failed: the runner then reads every
        message itself, as without a worker.
        """
        for start in range(0, len(items), self.CHUNK):
            chunk = items[start : start + self.CHUNK]
            if self._broken:
                break
            try:
                future = self._pool.submit(prepare_many, chunk, refs)
            except Exception:  # a broken pool, or one shut down
                log.warning("reading ahead stopped; reading in the runner", exc_info=True)
                self._broken = True
                break
            self.readings.add([item[0] for item in chunk], future, refs)

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)


class Readings:
    """The worker's readings by row id, each waited for only when it is wanted.

    So the runner starts on a batch's first messages as soon as the worker has read
    them, rather than after a whole transaction's worth.
    """

    def __init__(self) -> None:
        self._where: dict[int, tuple[int, Future[list[Prepared | None]], Refs | None]] = {}
        self._failed = False

    def add(
        self, ids: list[int], future: Future[list[Prepared | None]], refs: Refs | None = None
    ) -> None:
        """The rows one task of the worker reads, in its order, with what it was given."""
        self._where.update((row_id, (place, future, refs)) for place, row_id in enumerate(ids))

    def forget(self, ids: list[int]) -> None:
        """Let go of rows processed (a large import would otherwise keep every reading)."""
        for row_id in ids:
            self._where.pop(row_id, None)

    def has(self, row_id: int) -> bool:
        """Whether the worker was given this row (its reading may still be on its way)."""
        return row_id in self._where and not self._failed

    def ready(self, row_id: int) -> bool:
        """Whether ``get`` would answer this row at once (its chunk is read)."""
        found = self._where.get(row_id)
        return found is not None and not self._failed and found[1].done()

    def get(self, row_id: int) -> Prepared | None:
        """The reading of this row; None when there is none (the runner reads it itself)."""
        found = self._where.get(row_id)
        if found is None or self._failed:
            return None
        place, future, refs = found
        try:
            reading = future.result()[place]
            return reading if reading is None or refs is None else replace(reading, refs=refs)
        except Exception:  # a dead worker: the runner reads the rest itself
            log.warning("reading ahead failed; reading in the runner", exc_info=True)
            self._failed = True
            return None


def group_refs(runtime: Runtime) -> Refs:
    """The group's tasks and issues as tagging reads them now, for the worker."""
    with runtime.sessions() as session:
        return Refs(
            tuple(task_refs(session, runtime.group_id)),
            tuple(issue_refs(session, runtime.group_id)),
            runtime.settings.tagging.classifier_threshold,
            runtime.addresses,
        )
