"""Shared fixtures: a database on SQLite and on a throwaway PostgreSQL, a config, a runtime.

PostgreSQL is started by the suite itself (tests/servers/postgres.py); if it cannot
start, the tests that need it fail with the server's own message: they never skip.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from corrbot.clock import FixedClock
from corrbot.config import load_settings
from corrbot.db import transaction
from corrbot.groups import sync_group
from corrbot.migrate import upgrade
from corrbot.runtime import Runtime

_counter = itertools.count()

BASE_CONFIG = """
[group]
name = "Test Correspondence Group"
list_address = "cg@lists.example.org"
chair = "chair@example.org"
coordinators = ["coordinator@example.org"]

[database]
url = "{db_url}"

[delivery]
mode = "maildir"
maildir = "outbox"

[[tasks]]
key = "a"
title = "Review the identified international public policy issues"

[[tasks]]
key = "b"
title = "Identify the existing mechanisms addressing each issue"

[[tasks]]
key = "c"
title = "Assess the status of those mechanisms in addressing the issues"

[[tasks]]
key = "d"
title = "Identify the gaps where issues are not adequately addressed"

[[deadlines]]
key = "update-1"
kind = "update-report"
due = 2013-11-29T17:00:00
"""


@pytest.fixture(scope="session")
def pg_server() -> Iterator[Any]:
    from tests.servers.postgres import PostgresServer

    with PostgresServer() as server:
        yield server


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh, empty database on each backend."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'corrbot.db'}"
    server = request.getfixturevalue("pg_server")
    url: str = server.create_database(f"t{next(_counter)}_{abs(hash(request.node.nodeid)) % 10**8}")
    return url


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'corrbot.db'}"


@pytest.fixture
def write_config(tmp_path: Path) -> Callable[..., Path]:
    """Write a test config; `extra` is appended TOML (later tables win by being new)."""

    def write(db_url: str, extra: str = "", base: str = BASE_CONFIG) -> Path:
        path = tmp_path / "corrbot.toml"
        path.write_text(base.format(db_url=db_url) + "\n" + extra)
        return path

    return write


@pytest.fixture
def make_runtime(write_config: Callable[..., Path]) -> Iterator[Callable[..., Runtime]]:
    """Build an initialised runtime (schema + group) on a given database URL."""
    built: list[Runtime] = []

    def make(db_url: str, extra: str = "", at: datetime = datetime(2013, 10, 1, 9, 0)) -> Runtime:
        settings = load_settings(write_config(db_url, extra))
        runtime = Runtime.build(settings, FixedClock(at))
        upgrade(runtime.engine)
        with transaction(runtime.sessions) as session:
            sync_group(session, settings, runtime.clock)
        built.append(runtime)
        return runtime

    yield make
    for runtime in built:
        runtime.close()


@pytest.fixture
def runtime(sqlite_url: str, make_runtime: Callable[..., Runtime]) -> Runtime:
    """An initialised runtime on SQLite, its clock fixed at 2013-10-01 09:00 UTC."""
    return make_runtime(sqlite_url)
