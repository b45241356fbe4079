"""What a read-ahead worker does around the readers: its one pass over a mail's headers
and the plain row fields it reads into."""

from __future__ import annotations

import random
from concurrent.futures import Future
from email.message import Message as EmailMessage
from email.parser import BytesParser
from email.policy import compat32

from corrbot.addresses import RECIPIENT_HEADERS, ListAddresses, Purpose
from corrbot.ingress import files
from corrbot.intake import Arrival, header_date, message_keys
from corrbot.model import Message
from corrbot.pipeline import packed_head, parse_ahead, read_ahead
from corrbot.pipeline.parse import read_parsed
from corrbot.pipeline.row_fields import FIELDS, RowFields
from corrbot.rules.addressing import first_in_headers
from corrbot.rules.chain import HEADERS_READ
from tests.mail import make_mail

# Header names in any case, the rules' and others, and values with what a parse can
# give: surrogate escapes (8-bit bytes), folded lines, the separator's neighbours.
NAMES = [
    *RECIPIENT_HEADERS,
    "to",
    "CC",
    "dElIvErEd-To",
    "X-ORIGINAL-TO",
    "List-Id",
    "Precedence",
    "Content-Type",
    "Subject",
    "From",
    "Bcc",
    "Resent-To",
    "X-To",
]
VALUES = [
    "wg@ek.org",
    "A <a@b.c>",
    "caf\udce9 <c@ek.org>",
    "x,\n y@z",
    "",
    "\x7f",
    "\udcff",
    " ",
    "@",
]


def _mails(count: int) -> list[EmailMessage]:
    draw = random.Random(20261126)
    mails = []
    for _ in range(count):
        mail = EmailMessage(policy=compat32)
        for _ in range(draw.randint(0, 12)):
            value = "".join(draw.choice(VALUES) for _ in range(draw.randint(0, 3)))
            mail.set_raw(draw.choice(NAMES), value)
        if draw.random() < 0.2:
            mail.set_unixfrom("From a@b Mon Jan  1 00:00:00 2024")
        mails.append(mail)
    return mails


def test_one_pass_finds_what_get_all_and_the_rules_filter_find() -> None:
    for mail in _mails(3_000):
        head, recipients, _ = packed_head.scan_keys(mail)
        fetched = mail.policy.header_fetch_parse
        for name in RECIPIENT_HEADERS:
            found = [str(fetched(*pair)) for pair in recipients.get(name.lower(), [])]
            assert found == [str(value) for value in mail.get_all(name) or []]
        assert set(recipients) <= {name.lower() for name in RECIPIENT_HEADERS}
        assert head is not None
        kept = [(n, v) for n, v in mail.raw_items() if n.lower() in HEADERS_READ]
        assert head == (mail.get_unixfrom(), "".join(f"{n}\x80{v}\x80" for n, v in kept))
        assert list(packed_head.rebuilt(head).raw_items()) == kept


def _addressed_by_get_all(
    addresses: ListAddresses, mail: EmailMessage
) -> tuple[Purpose, str | None] | None:
    """The header fallback as it read the mail before the one pass: ``get_all``."""

    def read(name: str) -> tuple[Purpose, str | None] | None:
        values = tuple(str(value) for value in mail.get_all(name) or [])
        return parse_ahead._answer(addresses, values) if values else None

    return first_in_headers(read)


def test_the_workers_recipients_give_the_answer_of_get_all() -> None:
    addresses = ListAddresses.of("wg@ek.org")
    answers = set()
    for mail in _mails(3_000):
        given = parse_ahead._addressed(addresses, mail, packed_head.scan_keys(mail)[1])
        assert given == _addressed_by_get_all(addresses, mail)
        answers.add(given)
    assert None in answers and len(answers) > 1  # found, and not found


def _fields(row: Message | RowFields) -> dict[str, object]:
    return {name: getattr(row, name) for name in FIELDS}


def test_plain_row_fields_read_as_a_message_row_does() -> None:
    mails = [
        make_mail("ana@example.org", "Hi", "Hi.\n", message_id="m@x", in_reply_to="p@x"),
        # its own Message-ID among its references, which read_parsed drops
        b"From: a@b.c\nReferences: <p@x> <m@x>\nDate: nonsense\n\nbody\n",
        b"From: a@b.c\nSubject: =?x-unknown?q?caf=E9?=\n\n\xe9t\xe9\n",
        b"not an email at all",
        b"",
    ]
    for raw in mails:
        plain, row = RowFields("m@x"), Message(message_id="m@x")
        parse = BytesParser(policy=compat32).parsebytes
        assert read_parsed(plain, parse(raw))[1] == read_parsed(row, parse(raw))[1]
        assert plain.fields() == _fields(row)
        assert plain.received_at is None and row.received_at is None


REFS = parse_ahead.Refs((), (), 0.5)


def _readings(future: Future[list[parse_ahead.ArrivalReading]]) -> read_ahead.Readings:
    readings = read_ahead.Readings()
    readings.add([5, 6], future, REFS)
    return readings


def test_every_reading_of_a_task_gets_its_refs_and_is_kept() -> None:
    raws = [make_mail("a@b.c", "S", "T.\n"), make_mail("d@e.f", "U", "V.\n")]
    done: Future[list[parse_ahead.ArrivalReading]] = Future()
    readings = _readings(done)
    assert readings.has(6) and not readings.ready(6)
    done.set_result(parse_ahead.read_arrivals(raws))
    second, first = readings.get(6), readings.get(5)
    assert readings.ready(5) and first is not None and second is not None
    assert first.refs is REFS and second.refs is REFS
    assert second.fields["from_addr"] == "d@e.f" and readings.get(6) is second


def test_a_dead_worker_leaves_every_row_to_the_runner() -> None:
    dead: Future[list[parse_ahead.ArrivalReading]] = Future()
    dead.set_exception(BrokenPipeError())
    readings = _readings(dead)
    assert readings.ready(5) and readings.get(5) is None
    assert not readings.has(6) and not readings.ready(6) and readings.get(6) is None


def _arrivals_corpus() -> list[bytes]:
    folded = (
        b"From: a@b.c\r\nMessage-ID:\r\n <folded@x>\r\n"
        b"Date: Mon, 2 Mar 2020\r\n 10:00:00 +0100\r\n\r\nT.\r\n"
    )
    return [
        make_mail("a@b.c", "S", "T.\n"),
        make_mail("a@b.c", "S", "T.\n").replace(b"Message-ID:", b"X-Was-Message-ID:"),
        folded,
        b"Date: not a date\nSubject: no sender\n\nbody\n",
        b"\x00\xff not an email \xfe",
        b"",
    ]


def test_the_workers_read_intakes_keys_and_dates_as_intake_does() -> None:
    # intake takes the keys they send as its own (Arrival.keys): the same function,
    # on the same bytes, in another process.
    raws = _arrivals_corpus()
    read = parse_ahead.read_arrivals(raws)
    assert [(keys, sent) for keys, sent, _ in read] == [
        (message_keys(raw), header_date(raw)) for raw in raws
    ]
    assert read[2][0] is not None and read[2][0][1] == "folded@x"
    assert read[1][0] is not None and read[1][0][1].startswith("sha256-")


def test_a_dead_worker_leaves_intake_to_read_the_keys_itself() -> None:
    dead: Future[list[parse_ahead.ArrivalReading]] = Future()
    dead.set_exception(BrokenPipeError())
    readings = read_ahead.Readings()
    arriving = read_ahead.Arriving(readings, [(slice(0, 1), dead)], REFS)
    assert arriving.keys() is None
    raw = _arrivals_corpus()[2]
    assert files._arrival(raw, True, None, None) == Arrival(
        raw, "file", no_deliver=True, posted_at=header_date(raw)
    )
    arriving.stored([5])  # a reading that never came: the runner reads row 5 itself
    assert readings.ready(5) and readings.get(5) is None
