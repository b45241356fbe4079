"""Which of the group's addresses a message reached, when only its headers say.

An import's worker works the header fallback out ahead (pipeline/parse_ahead.py),
parsing only the headers whose text may hold the group's domain; what it finds must
be what the runner finds parsing every header, and the runner takes it only for the
addresses the worker was given.
"""

from __future__ import annotations

import dataclasses
import random
from email.message import Message as EmailMessage
from email.parser import BytesParser
from email.policy import compat32

import pytest
from sqlalchemy.orm import Session

from corrbot.addresses import ListAddresses, Purpose
from corrbot.model import Group, Message
from corrbot.pipeline import packed_head, parse_ahead
from corrbot.pipeline.context import MessageContext
from corrbot.rules.addressing import assign, from_headers
from corrbot.runtime import Runtime
from tests.mail import LIST

OURS = ListAddresses.of(LIST)  # cg@lists.example.org
ELSEWHERE = ListAddresses.of("wg@example.org")

# (headers, what the fallback finds for cg@lists.example.org)
CASES: list[tuple[str, tuple[Purpose, str | None] | None]] = [
    (
        "To: someone@example.net\nCc: ana@example.org, cg-request@lists.example.org\n",
        ("request", None),
    ),
    (
        'To: "Ana (CG)" <ana@example.org>, The CG list (ours) <cg@lists.example.org>\n',
        ("post", None),
    ),
    ("To: cg (the list) @ lists (our host) . example.org\n", ("post", None)),
    ("To: cg@lists .example. org\n", ("post", None)),  # labels split by spaces
    ("To: cg@lists(x).exa(y)mple.org\n", ("post", None)),  # and by comments
    ('To: "cg@lists.ex\\ample.org"\n', ("post", None)),  # a quoted pair hides a letter
    ("To: ana@example.org,\n\tcg-owner@lists.example.org\n", ("owner", None)),  # folded
    ("To: CG-Owner@Lists.EXAMPLE.org\n", ("owner", None)),
    (
        "X-Original-To: cg-bounces+ana=example.org@lists.example.org\n",
        ("bounces", "ana@example.org"),
    ),
    ("To: <cg-confirm+AbC123@lists.example.org>\n", ("confirm", "abc123")),
    ("To: cg-request+x@lists.example.org\n", None),  # a command address takes no detail
    ("To: cg@lists.example.org, cg-request@lists.example.org\n", ("request", None)),
    # The first header naming the group wins, whatever the later ones say.
    (
        "Delivered-To: box@hosting.example\nX-Original-To: cg-owner@lists.example.org\n"
        "To: cg@lists.example.org\n",
        ("owner", None),
    ),
    ("Delivered-To: cg@lists.example.org\nCc: cg-request@lists.example.org\n", ("post", None)),
    # The domain's text, but no address at it.
    (
        'To: "lists.example.org admins" <cg@example.org>, cg@lists.example.org.example.net,'
        " cg@sub.lists.example.org, lists.example.org, cg@lists-example.org\n",
        None,
    ),
    ('To: "cg@lists.example.org" <ana@example.org>\n', None),
    ('To: "a@b"@lists.example.org, x@[cg@lists.example.org]\n', None),
    ("To: Lists.Example.Org <a@b.org>\nCc: cg@example.org\n", None),
    ("To: a@b.org\nCc: c@d.net, e@f.com\n", None),  # nothing of the group
    ("", None),
]


def _mail(headers: str) -> bytes:
    return f"From: stranger@example.net\n{headers}Subject: Hi\nMessage-ID: <m@x>\n\nHi.\n".encode()


def _runner(
    addresses: ListAddresses, mail: bytes | EmailMessage
) -> tuple[Purpose, str | None] | None:
    """What assign finds parsing every header, as without a worker."""
    parsed = BytesParser(policy=compat32).parsebytes(mail) if isinstance(mail, bytes) else mail
    return from_headers(addresses, lambda name: [str(v) for v in parsed.get_all(name) or []])


def _worker(addresses: ListAddresses, raw: bytes) -> parse_ahead.Prepared:
    reading = parse_ahead.prepare("m@x", raw, parse_ahead.Refs((), (), 0.5, addresses))
    assert reading is not None
    return reading


@pytest.mark.parametrize(("headers", "expected"), CASES)
def test_the_worker_finds_what_the_runner_finds(
    headers: str, expected: tuple[Purpose, str | None] | None
) -> None:
    raw = _mail(headers)
    assert _runner(OURS, raw) == expected
    for addresses in (OURS, ELSEWHERE, ListAddresses.of("CG@[192.0.2.1]")):
        reading = _worker(addresses, raw)
        assert reading.refs is not None and reading.refs.addresses == addresses
        assert reading.addressed == _runner(addresses, raw)


# Header texts getaddresses may read in unexpected ways: the group's addresses, with
# pieces put in anywhere or in place of a character: every character the parser treats
# specially, comments, and characters whose lowercase is ASCII (the Kelvin sign's is
# "k") or longer than themselves.
ADDRESSES = [
    *["wg@ek.org", "Wg-Request@EK.org", "wg-bounces+a=b.net@ek.org", "wg-confirm+T@ek.org"],
    *['"wg@ek.org"', "<wg@ek.org>"],
]
PIECES = [
    *["wg", "ek", ".org", "e", "k", "o", "EK", "\u212a", "\u0130", "\u03a3", "x", "@", "."],
    *['"', "\\", "(", ")", "(c)", "[", "]", "<", ">", ",", ":", ";", " ", "\t", "\r\n ", "\n"],
]


def _text(draw: random.Random) -> str:
    text = draw.choice(ADDRESSES) if draw.random() < 0.8 else ""
    for _ in range(draw.randint(0, 4)):
        at = draw.randint(0, len(text))
        replaced = at + (draw.random() < 0.3)
        text = text[:at] + draw.choice(PIECES) + text[replaced:]
    return text


def test_a_header_left_unparsed_could_not_have_named_the_group() -> None:
    addresses = ListAddresses.of("wg@ek.org")
    draw = random.Random(20261127)
    skipped = found = 0
    for _ in range(20_000):
        text = _text(draw)
        mail = EmailMessage(policy=compat32)
        mail["Cc"] = text
        expected = _runner(addresses, mail)
        recipients = packed_head.scan_keys(mail)[1]
        assert parse_ahead._addressed(addresses, mail, recipients) == expected, repr(text)
        may = parse_ahead._may_name(text, addresses.domain)
        assert may or expected is None, repr(text)
        skipped += not may
        found += expected is not None
    assert skipped > 2_000 and found > 2_000  # both ways were tried


@pytest.mark.parametrize(
    ("worker", "planted", "envelope", "purpose"),
    [
        (OURS, ("owner", None), [], "owner"),  # the worker's answer, for our addresses
        (ELSEWHERE, ("owner", None), [], "request"),  # for others': read again
        (None, None, [], "request"),  # no answer without Refs
        (OURS, ("owner", None), [LIST], "post"),  # the envelope decides first
    ],
)
def test_the_runner_takes_the_workers_answer_only_for_its_own_addresses(
    runtime: Runtime,
    worker: ListAddresses | None,
    planted: tuple[Purpose, str | None] | None,
    envelope: list[str],
    purpose: str,
) -> None:
    raw = _mail("To: someone@example.net\nCc: cg-request@lists.example.org\n")
    refs = parse_ahead.Refs((), (), 0.5, worker)
    reading = parse_ahead.prepare("m@x", raw, refs)
    assert reading is not None
    assert reading.addressed == (("request", None) if worker == OURS else None)
    # An answer the headers do not give shows whose answer assign took.
    reading = dataclasses.replace(reading, addressed=planted)
    with runtime.sessions() as session:
        ctx = _context(runtime, session, reading, envelope)
        assign(ctx)
        assert (ctx.purpose, ctx.message.purpose) == (purpose, purpose)


def _context(
    runtime: Runtime, session: Session, reading: parse_ahead.Prepared, envelope: list[str]
) -> MessageContext:
    group = session.get(Group, runtime.group_id)
    assert group is not None
    message = Message(message_id="m@x", from_addr="stranger@example.net", envelope_to=envelope)
    return MessageContext(runtime, session, group, message, parsed=reading.parsed(), ahead=reading)
