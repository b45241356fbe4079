"""Engine, sessions and the declarative base with a naming convention.

The naming convention keeps constraint names stable, so alembic's autogenerate
compares like with like on SQLite and PostgreSQL. SQLite runs in WAL mode with
foreign keys on and synchronous=FULL, so an acknowledged message survives a power
cut, not only a crash.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar, cast

from sqlalchemy import MetaData, create_engine, event, inspect
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Session, configure_mappers, sessionmaker
from sqlalchemy.orm.attributes import instance_dict

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


M = TypeVar("M", bound=Base)


def holding(model: type[M], values: dict[str, Any]) -> M:
    """An object of ``model`` holding ``values`` (by attribute name) as a query loads
    them: put in its state, not set one by one through the instrumentation, as the
    constructor does (with their events, about 2 us a column). A flush inserts a new
    object's values from there all the same; one made detached
    (``make_transient_to_detached``) is as if loaded."""
    mapper = inspect(model)
    if not mapper.configured:  # as the constructor would (a query always has by now)
        configure_mappers()
    made = cast(M, mapper.class_manager.new_instance())
    instance_dict(made).update(values)
    return made


# Pages of 16 KiB instead of SQLite's 4: a message row with its texts (often
# 10 KB: kernel patches) and its raw blob then spill over fewer overflow pages.
# linux-mips-10k imports 0.3-0.45 s faster (plain group, three alternating runs);
# a 5,000-copy fan-out, all small rows, is unchanged (32 KiB made it 5-10 % slower).
# SQLite takes it only for a file with nothing in it yet: existing stores keep theirs.
_PAGE_SIZE = 16384
# Temporary files in memory: a statement that may stop half-way (one checking a foreign key)
# first copies each page it changes that the transaction changed before to a
# statement journal, a temporary file by default: an import batch rewrites the
# same pages statement after statement, and that file took 60 % of the bytes an
# import wrote (1.2 GB per 10,000 messages with 16 KiB pages). Kept in memory, as
# SQLite's temporary tables then are too, it costs no system calls: runner CPU
# 4.1-4.6 -> 3.8-4.1 s (linux-mips-10k, plain group, three alternating runs).
_TEMP_STORE = "MEMORY"
# Each connection's page cache, in KiB (SQLite's default: 2 MiB, 128 of our pages). An
# import batch writes its 200 raw blobs and message rows, and the next round updates
# those rows again: with 2 MiB they had left the cache by then. The two statements'
# time, 10.4 % of the runner's CPU instead of 12.2 % (linux-mips-10k, example group,
# three alternating pairs); raw sqlite3 replay of the same rows 15-25 % less. A
# connection grows its cache only as it reads or writes that many pages.
_CACHE_KIB = 32768


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cursor = dbapi_conn.cursor()
    cursor.execute(f"PRAGMA page_size={_PAGE_SIZE}")  # before WAL: a WAL file fixes it
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute(f"PRAGMA temp_store={_TEMP_STORE}")
    cursor.execute(f"PRAGMA cache_size=-{_CACHE_KIB}")
    cursor.close()


def _to_json(value: Any) -> str:
    """``json.dumps``, with the empty list (most JSON columns of most rows) written at once."""
    if type(value) is list and not value:
        return "[]"
    return json.dumps(value)


def _from_json(text: str) -> Any:
    """``json.loads``, with the empty list read at once. An archive import writes and
    reads four such columns per message row (about 100,000 calls per 10,000 messages)."""
    if text == "[]":
        return []
    return json.loads(text)


def make_engine(url: str, **kwargs: Any) -> Engine:
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        kwargs = {"json_serializer": _to_json, "json_deserializer": _from_json, **kwargs}
        engine = create_engine(url, connect_args={"timeout": 30}, **kwargs)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True, **kwargs)


def make_sessions(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


@contextmanager
def transaction(sessions: sessionmaker[Session]) -> Iterator[Session]:
    """One unit of work: committed on success, rolled back on any error."""
    with sessions() as session, session.begin():
        yield session
