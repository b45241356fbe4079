"""The one source of time, injected everywhere so tests and `tick --as-of` can move it.

All datetimes corrbot stores are naive UTC: SQLite keeps no zone, and one convention
for both databases keeps comparisons honest.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime: ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC).replace(tzinfo=None)


@dataclass
class FixedClock:
    """A clock that stands still (for `--as-of` and tests); `advance` moves it."""

    at: datetime

    def now(self) -> datetime:
        return self.at

    def advance(self, **delta: float) -> None:
        from datetime import timedelta

        self.at = self.at + timedelta(**delta)


def to_utc_naive(value: datetime) -> datetime:
    """Aware datetimes become naive UTC; naive ones are taken to be UTC already."""
    if value.tzinfo is None:
        return value
    return value.astimezone(UTC).replace(tzinfo=None)
