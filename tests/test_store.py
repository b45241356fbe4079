"""The store: the newest migration and the models agree, on SQLite and PostgreSQL."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Connection, Engine, text
from sqlalchemy.exc import IntegrityError

import corrbot.model  # noqa: F401
from corrbot.db import Base, make_engine
from corrbot.migrate import MigrationError, upgrade


def test_migration_matches_models(db_url: str) -> None:
    engine = make_engine(db_url)
    try:
        upgrade(engine)
        upgrade(engine)  # safe to run again
        with engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            diff = compare_metadata(context, Base.metadata)
        assert diff == []
    finally:
        engine.dispose()


def test_sqlite_runs_wal_with_foreign_keys_and_full_sync(sqlite_url: str) -> None:
    engine = make_engine(sqlite_url)
    try:
        with engine.connect() as conn:
            assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
            assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
            assert conn.execute(text("PRAGMA synchronous")).scalar() == 2  # FULL
            assert conn.execute(text("PRAGMA page_size")).scalar() == 16384
            assert conn.execute(text("PRAGMA temp_store")).scalar() == 2  # MEMORY
            assert conn.execute(text("PRAGMA cache_size")).scalar() == -32768  # KiB
    finally:
        engine.dispose()


def test_a_store_made_with_smaller_pages_keeps_them(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    made = sqlite3.connect(path)  # as corrbot made stores before 16 KiB pages
    made.execute("PRAGMA page_size=4096")
    made.execute("PRAGMA journal_mode=WAL")
    made.execute("CREATE TABLE kept (x INTEGER)")
    made.close()
    engine = make_engine(f"sqlite:///{path}")
    try:
        upgrade(engine)
        with engine.connect() as conn:
            assert conn.execute(text("PRAGMA page_size")).scalar() == 4096
            assert conn.execute(text("SELECT count(*) FROM message")).scalar() == 0
    finally:
        engine.dispose()


def _foreign_keys_of(conn: Connection, table: str) -> set[tuple[str, str]]:
    return {(row[3], row[2]) for row in conn.exec_driver_sql(f"PRAGMA foreign_key_list({table})")}


def _populated_at_0001(sqlite_url: str) -> Engine:
    """A database at the first schema, with a reply to a message and a tag on it."""
    engine = make_engine(sqlite_url)
    upgrade(engine, "0001")
    with engine.begin() as conn:
        conn.execute(
            text(
                'INSERT INTO "group" (id, name, list_address, created_at) '
                "VALUES (1, 'g', 'cg@lists.example.org', '2013-10-01 09:00:00')"
            )
        )
        for row_id, parent in ((1, None), (2, 1)):
            conn.execute(
                text(
                    "INSERT INTO message (id, group_id, message_id, placeholder, envelope_to, "
                    'stage, no_deliver, "references", attachments, defects, parent_id) '
                    "VALUES (:id, 1, :mid, 0, '[]', 'processed', 0, '[]', '[]', '[]', :parent)"
                ),
                {"id": row_id, "mid": f"m{row_id}@example.org", "parent": parent},
            )
        conn.execute(
            text(
                "INSERT INTO tag (message_id, kind, key, source, confidence, active) "
                "VALUES (2, 'task', 'a', 'explicit', 1.0, 1)"
            )
        )
    return engine


def test_upgrading_keeps_every_row_and_drops_only_the_keys_it_names(sqlite_url: str) -> None:
    engine = _populated_at_0001(sqlite_url)
    try:
        with engine.connect() as conn:
            assert ("parent_id", "message") in _foreign_keys_of(conn, "message")
        upgrade(engine, "0002")
        with engine.connect() as conn:
            keys = _foreign_keys_of(conn, "message")
            assert ("parent_id", "message") not in keys
            assert ("thread_id", "thread") in keys and ("member_id", "member") in keys
        upgrade(engine)  # 0004: the thread and member keys go too, the others stay
        with engine.connect() as conn:
            assert _foreign_keys_of(conn, "message") == {
                ("group_id", "group"),
                ("sha256", "raw_blob"),
            }
            rows = conn.execute(text("SELECT id, parent_id FROM message ORDER BY id")).all()
            assert [tuple(row) for row in rows] == [(1, None), (2, 1)]
            assert conn.execute(text("SELECT message_id FROM tag")).scalar() == 2
            # the pool's connections enforce foreign keys again
            assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
            with pytest.raises(IntegrityError):
                conn.execute(text("UPDATE tag SET message_id = 99"))
    finally:
        engine.dispose()


def test_an_upgrade_that_would_leave_a_dangling_row_is_refused_and_can_be_rerun(
    sqlite_url: str,
) -> None:
    engine = _populated_at_0001(sqlite_url)
    try:
        with engine.connect() as conn:  # a tag whose message is gone (written unchecked)
            conn.exec_driver_sql("PRAGMA foreign_keys=OFF")
            conn.commit()
            conn.execute(text("UPDATE tag SET message_id = 99"))
            conn.commit()
            conn.exec_driver_sql("PRAGMA foreign_keys=ON")
            conn.commit()
        with pytest.raises(MigrationError, match="tag row"):
            upgrade(engine)
        with engine.connect() as conn:  # nothing changed: still the first schema
            assert ("parent_id", "message") in _foreign_keys_of(conn, "message")
            version = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
            assert version == "0001"
            assert conn.execute(text("SELECT count(*) FROM message")).scalar() == 2
            conn.execute(text("UPDATE tag SET message_id = 2"))
            conn.commit()
        upgrade(engine)  # repaired, it goes through
        with engine.connect() as conn:
            assert ("parent_id", "message") not in _foreign_keys_of(conn, "message")
    finally:
        engine.dispose()


def test_json_columns_are_written_and_read_as_json_dumps_and_loads_would() -> None:
    """The engine's JSON functions take a short cut for the empty list: same text, and
    a fresh list each time (a caller may change it)."""
    import json

    from corrbot.db import _from_json, _to_json

    for value in ([], [1], ["a", "b"], {}, {"filename": "x"}, "[]", "", None, 0, [[]], [{}]):
        assert _to_json(value) == json.dumps(value)
        assert _from_json(json.dumps(value)) == value
    first, second = _from_json("[]"), _from_json("[]")
    first.append(1)
    assert second == [] and first is not second
