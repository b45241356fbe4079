"""The statements intake runs, built once: a batch is a few statements whatever its size.

Core statements on a Connection (no ORM session): the listener runs them in its
intake thread under the same GIL as aiosmtpd's event loop, so every layer skipped
here is time the connections get back. The rows and blobs are the dicts that
`corrbot.intake` plans; de-duplication is decided there, not here.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from sqlalchemy import Connection, Engine, Insert, bindparam, insert, select, text, update
from sqlalchemy.dialects import postgresql, sqlite

from corrbot.model import Message, RawBlob

Row = dict[str, object]

_KNOWN = select(Message.message_id, Message.id, Message.placeholder).where(
    Message.group_id == bindparam("group_id"),
    Message.message_id.in_(bindparam("ids", expanding=True)),
)
# Content-addressed: a blob already there holds the same bytes, so the database may
# skip it instead of our looking first (both dialects corrbot supports say it so).
_INSERT_BLOBS: dict[str, Insert] = {
    "sqlite": sqlite.insert(RawBlob).on_conflict_do_nothing(),
    "postgresql": postgresql.insert(RawBlob).on_conflict_do_nothing(),
}
# The ids come back in no promised order, so each is matched by its Message-ID
# (unique among the rows). Asking SQLAlchemy to sort them makes it insert one row
# per statement on SQLite.
_INSERT_MESSAGES = insert(Message).returning(Message.message_id, Message.id)
# PostgreSQL, one statement per batch, its own transaction (autocommit): it looks the
# Message-IDs up, inserts the rows not yet stored and their blobs (a data-modifying
# WITH; the rows' foreign key is checked at the end of the statement), and returns
# both. All in one snapshot: a row stored meanwhile by another writer makes the insert
# fail (unique key) and the batch be retried, as a separate look-up would. From
# arrays, so the text never changes and the server prepares it once; ORDER BY n: ids
# in arrival order. Columns and values as `corrbot.intake` plans them (one row per
# Message-ID); the JSON lists the model defaults to [] are [] here too.
_PG_BATCH = text("""
WITH incoming AS (
    SELECT * FROM unnest(CAST(:message_id AS VARCHAR[]), CAST(:placeholder AS BOOLEAN[]),
        CAST(:sha256 AS VARCHAR[]), CAST(:via AS VARCHAR[]),
        CAST(:envelope_from AS VARCHAR[]), CAST(:envelope_to AS JSON[]),
        CAST(:no_deliver AS BOOLEAN[]), CAST(:stage AS VARCHAR[]),
        CAST(:posted_at AS TIMESTAMP[]))
        WITH ORDINALITY AS m(message_id, placeholder, sha256, via, envelope_from,
            envelope_to, no_deliver, stage, posted_at, n)
), known AS (
    SELECT message_id, id, placeholder FROM message
    WHERE group_id = :group_id AND message_id = ANY(CAST(:message_id AS VARCHAR[]))
), fresh AS (
    SELECT * FROM incoming WHERE message_id NOT IN (SELECT message_id FROM known)
), blob AS (
    INSERT INTO raw_blob (sha256, size, data)
    SELECT * FROM unnest(CAST(:blob_sha256 AS VARCHAR[]), CAST(:blob_size AS INTEGER[]),
        CAST(:blob_data AS BYTEA[])) AS b(sha256, size, data)
    WHERE b.sha256 IN (SELECT sha256 FROM fresh)
    ON CONFLICT DO NOTHING
), added AS (
    INSERT INTO message (group_id, message_id, placeholder, sha256, received_at, posted_at,
        via, envelope_from, envelope_to, no_deliver, stage, "references", attachments, defects)
    SELECT :group_id, message_id, placeholder, sha256, :received_at, posted_at, via,
        envelope_from, envelope_to, no_deliver, stage, '[]', '[]', '[]'
    FROM fresh ORDER BY n
    RETURNING message_id, id
)
SELECT message_id, id, placeholder, false AS added FROM known
UNION ALL
SELECT message_id, id, false, true FROM added
""")
_PG_COLUMNS = (
    "message_id",
    "placeholder",
    "sha256",
    "via",
    "envelope_from",
    "no_deliver",
    "stage",
    "posted_at",
)


def _chunks(values: Sequence[str], size: int = 500) -> list[Sequence[str]]:
    return [values[start : start + size] for start in range(0, len(values), size)]


def known_rows(
    conn: Connection, group_id: int, message_ids: Sequence[str]
) -> dict[str, tuple[int, bool]]:
    """message_id -> (row id, is a placeholder) for the ids already stored."""
    known: dict[str, tuple[int, bool]] = {}
    for chunk in _chunks(sorted(set(message_ids))):
        rows = conn.execute(_KNOWN, {"group_id": group_id, "ids": list(chunk)})
        known.update({mid: (row_id, placeholder) for mid, row_id, placeholder in rows})
    return known


def blob_row(raw: bytes, sha256: str) -> Row:
    """A raw_blob row for these bytes (their SHA-256 in hex)."""
    return {"sha256": sha256, "size": len(raw), "data": raw}


def insert_blobs(conn: Connection, blobs: Sequence[Row]) -> None:
    if blobs:
        conn.execute(_INSERT_BLOBS[conn.dialect.name], blobs)


def fill_placeholder(conn: Connection, row_id: int, values: Row) -> None:
    conn.execute(update(Message).where(Message.id == row_id).values(**values))


def insert_messages(conn: Connection, rows: Sequence[Row]) -> dict[str, int]:
    """Insert the rows; message_id -> new row id."""
    if not rows:
        return {}
    return {mid: row_id for mid, row_id in conn.execute(_INSERT_MESSAGES, rows)}


def store_batch_pg(
    conn: Connection, blobs: Sequence[Row], rows: Sequence[Row]
) -> dict[str, tuple[int, bool, bool]]:
    """PostgreSQL: store the rows not stored yet, with their blobs, in one statement.

    message_id -> (row id, is a placeholder, added now) for every row given; the
    rows share group and time.
    """
    params: dict[str, object] = {
        "blob_sha256": [blob["sha256"] for blob in blobs],
        "blob_size": [blob["size"] for blob in blobs],
        "blob_data": [blob["data"] for blob in blobs],
        "group_id": rows[0]["group_id"],
        "received_at": rows[0]["received_at"],
        "envelope_to": [json.dumps(row["envelope_to"]) for row in rows],
    }
    params.update({name: [row[name] for row in rows] for name in _PG_COLUMNS})
    return {
        mid: (row_id, bool(ph), bool(added))
        for mid, row_id, ph, added in conn.execute(_PG_BATCH, params)
    }


def autocommit(engine: Engine) -> Engine:
    """The engine for `store_many`'s connections: autocommit on PostgreSQL, where
    `store_batch_pg` is its own transaction; SQLite as it is."""
    if engine.dialect.name == "postgresql":
        return engine.execution_options(isolation_level="AUTOCOMMIT")
    return engine
