"""A group with members of every kind, and ways to read what corrbot queued."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from corrbot.db import transaction
from corrbot.members import add_member
from corrbot.runtime import Runtime

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
def make_group(db_url: str, make_runtime: Callable[..., Runtime]) -> Callable[..., Runtime]:
    """Like `group`, with extra TOML appended to the config."""

    def make(extra: str = "") -> Runtime:
        runtime = make_runtime(db_url, extra)
        add_members(runtime)
        return runtime

    return make
