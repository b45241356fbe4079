"""Everything a running corrbot needs, built once and passed in (no globals)."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from corrbot.addresses import ListAddresses
from corrbot.clock import Clock, SystemClock
from corrbot.config import Settings
from corrbot.db import make_engine, make_sessions
from corrbot.model import Group
from corrbot.templating import Renderer


class NotInitialised(Exception):
    """The database has no group for this config: `corrbot init` has not run."""


@dataclass
class Runtime:
    settings: Settings
    clock: Clock
    engine: Engine
    sessions: sessionmaker[Session]
    renderer: Renderer
    addresses: ListAddresses
    _group_id: int | None = field(default=None, repr=False)

    @classmethod
    def build(cls, settings: Settings, clock: Clock | None = None) -> Runtime:
        engine = make_engine(settings.database_url)
        override = settings.reports.template_dir
        return cls(
            settings=settings,
            clock=clock or SystemClock(),
            engine=engine,
            sessions=make_sessions(engine),
            renderer=Renderer(settings.path(override) if override else None),
            addresses=ListAddresses.of(settings.group.list_address),
        )

    @property
    def group_id(self) -> int:
        if self._group_id is None:
            from sqlalchemy.exc import OperationalError, ProgrammingError

            try:
                with self.sessions() as session:
                    gid = session.scalar(
                        select(Group.id).where(Group.list_address == self.addresses.post)
                    )
            except (OperationalError, ProgrammingError):
                gid = None
            if gid is None:
                raise NotInitialised(
                    f"no group {self.addresses.post} in the database: run `corrbot init` first"
                )
            self._group_id = gid
        return self._group_id

    def close(self) -> None:
        self.engine.dispose()
