"""read_date's direct reading of the usual Date layout gives the standard parser's date.

``_usual_date`` must agree with ``_parsed_date`` (parsedate_to_datetime) wherever it
answers, and leave every date that parser rejects or reads differently to it.
"""

from __future__ import annotations

import random

import pytest

from corrbot.pipeline.parse_headers import _parsed_date, _usual_date, read_date

USUAL = [
    "Mon, 1 Jan 2024 10:00:00 +0000",
    "Tue, 02 Feb 2021 03:04:05 -0800",
    "Wed,  3 Mar 2021 23:59:59 +0530 (IST)",
    "4 Apr 2021 00:00:00 -0000",  # no zone given: UTC, naive
    "Thu, 5 May 2022 12:00:00 +0000 (Coordinated Universal Time)",
    "Sun, 31 Dec 9999 23:59:59 +0100",
    "Sat, 1 Jan 1000 00:00:00 -2359",
    "Sat, 1 Jan 1000 00:00:00 +0100",  # a year earlier in UTC
]
LEFT = [
    "Tue, 2 Feb 2021 03:04 -0800",  # no seconds
    "Tue, 2 Feb 21 03:04:05 +0100",  # two-digit year
    "Tue, 2 Feb 0099 03:04:05 +0100",  # read as 1999 by the standard parser
    "Tue, 2 Feb 2021 03:04:05 GMT",
    "Tue, 2 Feb 2021 03:04:05",
    "Tue, 31 Feb 2021 03:04:05 +0000",  # no such day
    "Tue, 2 Feb 2021 24:00:00 +0000",
    "Tue, 2 Feb 2021 03:04:60 +0000",
    "Tue, 2 Feb 2021 03:04:05 +9999",  # no such zone
    "Fri, 31 Dec 9999 23:59:59 -0100",  # past the last date
    "Tue, 2 feb 2021 03:04:05 +0000",
    "Tue, 2 Feb 2021 03:04:05 +0000(UTC)",
    "Tue, \u0662 Feb 2021 03:04:05 +0000",  # an Arabic-Indic digit, which int() reads
    "2021-02-02T03:04:05Z",
]


@pytest.mark.parametrize("raw", USUAL)
def test_usual_dates_read_directly(raw: str) -> None:
    when = _usual_date(raw)
    assert when is not None
    assert (when, None) == _parsed_date(raw) == read_date(raw)


@pytest.mark.parametrize("raw", LEFT)
def test_other_dates_left_to_the_standard_parser(raw: str) -> None:
    assert _usual_date(raw) is None
    assert read_date(raw) == _parsed_date(raw)


def _random_date(rng: random.Random) -> str:
    """Mostly the usual layout, each part now and then odd or out of range."""

    def usual(common: str, *odd: str) -> str:
        return common if rng.random() < 0.85 else rng.choice(odd)

    day = usual(str(rng.randint(1, 28)), str(rng.randint(0, 99)), "07", "31", "")
    month = usual(rng.choice(["Jan", "Feb", "Dec"]), "feb", "Foo", "February")
    year = usual(str(rng.randint(1000, 9999)), "1000", "9999", "0099", "99", "10000")
    clock = f"{rng.randint(0, 23):02}:{rng.randint(0, 59):02}:{rng.randint(0, 59):02}"
    clock = usual(clock, "24:00:00", "12:00", "23:59:60", "1:2:3", "12.00.00")
    zone = f"{rng.choice('+-')}{rng.randint(0, 23):02}{rng.randint(0, 59):02}"
    zone = usual(zone, "-0000", "+0000", "+2400", "-2399", "+0099", "GMT", "", "+00")
    name = usual(rng.choice(["Mon, ", "Sun,  "]), "", "sun, ", "Fri,", "Xyz, ")
    after = usual("", " (UTC)", " (a b c)", "(UTC)", "  x")
    return f"{name}{day} {month} {year}{usual(' ', '  ')}{clock} {zone}{after}".strip()


def test_random_dates_as_the_standard_parser() -> None:
    rng = random.Random(5)
    direct = 0
    for _ in range(20000):
        raw = _random_date(rng)
        when = _usual_date(raw)
        direct += when is not None
        assert read_date(raw) == _parsed_date(raw), raw
        if when is not None:
            assert (when, None) == _parsed_date(raw), raw
    assert direct > 1000  # the direct reading is really tried
