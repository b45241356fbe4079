"""A group with members of every kind, and ways to read what corrbot queued."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path

import pytest

from corrbot.clock import FixedClock
from corrbot.config import load_settings
from corrbot.db import transaction
from corrbot.groups import sync_group
from corrbot.members import add_member
from corrbot.migrate import upgrade
from corrbot.runtime import Runtime
from tests.conftest import BASE_CONFIG

MEMBERS = [
    ("ana@example.org", "Ana Member", "civil-society", "member"),
    ("obs@example.org", "Olga Observer", "government", "observer"),
    ("dig@example.org", "Dieter Digest", "private-sector", "member"),
    ("gmail.user@gmail.com", "Gita Gmail", "academic-technical", "member"),
]


def add_members(runtime: Runtime) -> None:
    with transaction(runtime.sessions) as session:
        for email, name, stakeholder, role in MEMBERS:
            member = add_member(
                session,
                runtime.group_id,
                runtime.clock,
                email=email,
                name=name,
                stakeholder=stakeholder,
                role=role,
            )
            member.digest = email.startswith("dig@")


@pytest.fixture
def group(db_url: str, make_runtime: Callable[..., Runtime]) -> Runtime:
    """A group on each backend with a member, an observer, a digest reader and a gmail user."""
    runtime = make_runtime(db_url)
    add_members(runtime)
    return runtime


@pytest.fixture
def make_group(db_url: str, write_config: Callable[..., Path]) -> Iterator[Callable[..., Runtime]]:
    """Like `group`, with extra TOML: `extra` is appended, `section` lines go into a table
    of the base config ({"group": "reply_to = 'sender'"}), `replace` edits its text."""
    built: list[Runtime] = []

    def make(
        extra: str = "",
        section: dict[str, str] | None = None,
        replace: dict[str, str] | None = None,
    ) -> Runtime:
        base = BASE_CONFIG
        for name, lines in (section or {}).items():
            base = base.replace(f"[{name}]\n", f"[{name}]\n{lines}\n", 1)
        for old, new in (replace or {}).items():
            assert old in base
            base = base.replace(old, new)
        settings = load_settings(write_config(db_url, extra, base=base))
        runtime = Runtime.build(settings, FixedClock(datetime(2013, 10, 1, 9, 0)))
        upgrade(runtime.engine)
        with transaction(runtime.sessions) as session:
            sync_group(session, settings, runtime.clock)
        built.append(runtime)
        add_members(runtime)
        return runtime

    yield make
    for runtime in built:
        runtime.close()
