"""The fresh group every benchmark starts from: one config, the schema, the group.

Each bench/*.py runs as a script, so this sits beside them and is imported by name.
"""

from __future__ import annotations

import socket
from pathlib import Path
from typing import Any

from corrbot.clock import Clock, SystemClock
from corrbot.config import parse_settings
from corrbot.db import transaction
from corrbot.groups import sync_group
from corrbot.migrate import upgrade
from corrbot.runtime import Runtime

LIST = "cg@lists.example.org"


def build_group(url: str, home: Path, clock: Clock | None = None, **sections: Any) -> Runtime:
    """A runtime on a new database at `url`: schema created, group, chair and
    coordinator loaded; `sections` are further config tables (tasks, delivery...)."""
    settings = parse_settings(
        {
            "group": {
                "name": "Bench Group",
                "list_address": LIST,
                "chair": "chair@example.org",
                "coordinators": ["coordinator@example.org"],
            },
            "database": {"url": url},
            **sections,
        },
        home,
    )
    runtime = Runtime.build(settings, clock or SystemClock())
    upgrade(runtime.engine)
    with transaction(runtime.sessions) as session:
        sync_group(session, settings, runtime.clock)
    return runtime


def free_port() -> int:
    """A loopback port nobody listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])
