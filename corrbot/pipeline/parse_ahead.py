"""Reading ahead for archive imports: the pure part of parse and understand, in other processes.

Parsing and decoding a message, cutting its new text out of the quotes, tagging
it and reading its line conventions need no database, and for an import they cost
about as much as all the database work after them. Worker processes run them
(pipeline/read_ahead.py) for each batch the import has stored, while the runner's
own process threads, tags and stores the batch before, so an import uses every
core (issue 3). The result is exactly what ``parse.read_message``, ``new_text``
and the readers give in the runner's process (the same functions on the same
bytes); a message the worker cannot read is simply read again by the runner,
which quarantines it with the reason as usual.
"""

from __future__ import annotations

import logging
import pickle
import re
from dataclasses import dataclass
from datetime import datetime
from email.message import Message as EmailMessage
from email.utils import getaddresses
from functools import lru_cache
from typing import Any

from corrbot.addresses import ListAddresses, Purpose
from corrbot.intake import date_of, header_date, keys_of, message_keys
from corrbot.pipeline.body import is_plain, pick_bodies
from corrbot.pipeline.packed_head import Head, Recipients, Scanned, rebuilt, scan_keys
from corrbot.pipeline.parse import read_parsed
from corrbot.pipeline.parse_bytes import Parse, parse_bytes, parse_read
from corrbot.pipeline.row_fields import RowFields
from corrbot.pipeline.tagging import issue_refs, task_refs
from corrbot.rules.addressing import best, first_in_headers
from corrbot.runtime import Runtime
from corrbot.understand import FoundTag, IssueRef, TaskRef, find_tags, new_text
from corrbot.understand.conventions import Conventions, read_conventions

log = logging.getLogger("corrbot.pipeline")


@dataclass
class Prepared:
    fields: dict[str, Any]  # row_fields.FIELDS, as read_parsed set them
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
    # readings' own objects): ``Readings`` sets the runner's own copy on a task's
    # readings, in place (a copy of each cost the runner 2 us, and it asked twice).
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
            return rebuilt(self.head)
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


def prepare(message_id: str, data: bytes, refs: Refs | None = None) -> Prepared | None:
    """Read one message (its Message-ID as intake stores it, its bytes) as parse and
    understand would; None if anything raised. Not the time it is received: a
    message without a usable Date takes it (parse.py fills it in)."""
    found = _read(message_id, data, refs)
    if found is not None:
        found.refs = refs
    return found


def _read(
    message_id: str,
    data: bytes,
    refs: Refs | None,
    parse: Parse | None = None,
    scanned: Scanned | None = None,
) -> Prepared | None:
    """``prepare`` of one message, without ``refs`` (as a worker sends it back);
    ``parse``: ``parse_read(data)``, and ``scanned``: ``scan_keys`` of its message,
    when made already."""
    try:
        row = RowFields(message_id)
        if parse is None:
            parse = parse_read(data)
        parsed = parse.message
        head, recipients, _ = scan_keys(parsed) if scanned is None else scanned
        parsed, problem = read_parsed(row, parsed)
        email = None
        # rare: it goes whole, parsed afresh
        if head is None or _body_wanted(row, parsed, parse.content_type):
            email, head = _whole(data), None
        own: str | None = None
        if problem is None:  # what understand reads, from the same fields and mail
            own = new_text(*pick_bodies(row.text_body or "", lambda: parsed))
        addresses = refs.addresses if refs is not None else None
        addressed = None
        if addresses is not None:
            addressed = _addressed(addresses, parsed, recipients)
        lines = read_conventions(own) if own is not None else None
        tags: list[FoundTag] | None = None
        tags_for: tuple[str, str] | None = None
        # Tag:/Untag: lines change what is read for tags; rare, left to the runner.
        if refs is not None and own is not None and lines and lines.tag_correction is None:
            subject = row.subject or ""
            tags = find_tags(subject, own, refs.tasks, refs.issues, refs.threshold)
            tags_for = (subject, own)
        return Prepared(
            row.fields(),
            problem,
            own,
            addressed=addressed,
            tags=tags,
            tags_for=tags_for,
            conventions=lines,
            email=email,
            head=head,
        )
    except Exception:  # the runner reads it again and deals with it
        return None


def _whole(data: bytes) -> bytes:
    return pickle.dumps(parse_bytes(data), protocol=pickle.HIGHEST_PROTOCOL)


def _body_wanted(row: RowFields, parsed: EmailMessage, content_type: str | None = None) -> bool:
    """Whether the runner may read the mail's body parts, not only its headers.

    Only three readers look below the headers: the HTML of a mail with no plain
    text (body.bodies; consensus.decision.reply_text), and a delivery report's
    fields (list.bounces). Everything else reads row fields and the values of the
    headers the rules read. ``content_type``: the mail's, when known already
    (``Parse.content_type``).
    """
    if not is_plain(row.text_body or ""):
        return True
    known = parsed.get_content_type() if content_type is None else content_type
    return known == "multipart/report"


def _addressed(
    addresses: ListAddresses, parsed: EmailMessage, recipients: Recipients
) -> tuple[Purpose, str | None] | None:
    """rules/addressing.py's header fallback, parsing only headers that may name the group.

    ``recipients``: the parse's recipient headers as ``packed_head.scan_keys`` found them.
    """
    fetched = parsed.policy.header_fetch_parse

    def read(name: str) -> tuple[Purpose, str | None] | None:
        pairs = recipients.get(name.lower())
        if not pairs:
            return None
        # str of what parsed.get_all(name) gives: fetched of each (name, value) pair
        return _answer(addresses, tuple(str(fetched(*pair)) for pair in pairs))

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
def _answer(addresses: ListAddresses, values: tuple[str, ...]) -> tuple[Purpose, str | None] | None:
    """best() of a recipient header's values (None at once if they cannot name the group).

    Kept for the same values: a thread's replies repeat the same To and Cc lines
    (linux-mips: 7 in 8 header values seen before).
    """
    # what getaddresses parses: the values joined by ", "
    if _PLAIN_DOMAIN.fullmatch(addresses.domain) and not _may_name(
        ", ".join(values), addresses.domain
    ):
        return None
    return best(addresses, [addr for _, addr in getaddresses(list(values))])


# What intake reads of a message before storing it (its keys: intake.message_keys;
# and its Date), then its reading; None for a part the worker could not read.
ArrivalReading = tuple[tuple[str, str] | None, datetime | None, Prepared | None]


def read_arrivals(raws: list[bytes], refs: Refs | None = None) -> list[ArrivalReading]:
    """For messages not stored yet: intake's keys and the Date, and each one's reading
    (as a worker sends it back: without ``refs``, see Prepared) under the Message-ID
    intake will store (an import hands each batch to the
    workers before storing it, so its main thread need not hash and search every
    message's headers itself)."""
    return [_arrival(raw, refs) for raw in raws]


def _arrival(raw: bytes, refs: Refs | None) -> ArrivalReading:
    """``read_arrivals`` of one message.

    intake.py searches the header block for its Message-ID and Date before any
    parse. When the parse read that same block (``Parse.plain_head``: it ends at
    the same blank line, and every line of it is a header, a continuation line or
    the envelope line), the first header of a name is the one the search finds,
    and its value as parsed is the text the search takes but for the blanks after
    the colon and the CR ending its line, which intake's readers skip (date_of,
    message_id_of): so they are read from the parse's value.
    """
    parse: Parse | None = None
    scanned: Scanned | None = None
    firsts: dict[str, str] | None = None
    try:
        parse = parse_read(raw)
        scanned = scan_keys(parse.message)
    except Exception:  # the runner reads it again and deals with it
        pass
    else:
        firsts = scanned[2] if parse.plain_head else None
    try:
        if firsts is None:
            keys = message_keys(raw)
        else:
            message_id = firsts.get("message-id")
            keys = keys_of(raw, None if message_id is None else _written(message_id))
    except Exception:  # intake reads them itself, and meets whatever this met
        return None, None, None
    reading = None if parse is None else _read(keys[1], raw, refs, parse, scanned)
    try:
        return keys, _sent(raw, firsts, reading), reading
    except Exception:  # as when header_date raises: intake reads them itself
        return None, None, None


def _sent(raw: bytes, firsts: dict[str, str] | None, reading: Prepared | None) -> datetime | None:
    """``header_date(raw)``, from ``firsts`` (``scan_keys``' of a Parse.plain_head)."""
    if firsts is None:
        return header_date(raw)
    value = firsts.get("date")
    if value is None:
        return None
    if reading is not None and value.isascii():
        # read_parsed dated the row by read_raw of this value, for ASCII text the
        # string date_of reads (a parsed value has a blank after each line break:
        # both unfold it to one space), with no time received to stand in
        return reading.fields["date"]  # type: ignore[no-any-return]
    return date_of(_written(value))


def _written(value: str) -> bytes:
    """A header value as parsed (8-bit bytes as surrogate escapes), as written."""
    return value.encode("ascii", "surrogateescape")


def group_refs(runtime: Runtime) -> Refs:
    """The group's tasks and issues as tagging reads them now, for the worker."""
    with runtime.sessions() as session:
        return Refs(
            tuple(task_refs(session, runtime.group_id)),
            tuple(issue_refs(session, runtime.group_id)),
            runtime.settings.tagging.classifier_threshold,
            runtime.addresses,
        )
