"""Fixtures for delivery tests: a real SMTP sink on loopback and a runtime on each database."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from corrbot.runtime import Runtime
from tests.servers.smtp_sink import SmtpSink


@pytest.fixture
def smtp_sink() -> Iterator[SmtpSink]:
    with SmtpSink() as sink:
        yield sink


@pytest.fixture
def outbox_runtime(db_url: str, make_runtime: Callable[..., Runtime]) -> Runtime:
    """An initialised runtime in maildir mode (folder `outbox` next to the config)."""
    return make_runtime(db_url)
