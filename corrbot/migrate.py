"""Run alembic from inside corrbot: `corrbot init` upgrades to the newest schema.

On SQLite a migration that changes a table's constraints copies the table (alembic's
batch mode), which SQLite's own recipe for such changes runs with foreign keys off
(else dropping the old table would be refused while other tables refer to it), then
checks every foreign key before the commit, so nothing dangling is ever committed.
"""

from __future__ import annotations

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection
from sqlalchemy.engine import Engine

from corrbot.resources import migrations_dir


class MigrationError(Exception):
    """The upgraded schema would hold rows whose foreign keys point nowhere."""


def alembic_config(url: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(migrations_dir()))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def upgrade(engine: Engine, revision: str = "head") -> None:
    cfg = alembic_config(engine.url.render_as_string(hide_password=False))
    with engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:  # only outside a transaction does SQLite take this
            _foreign_keys(connection, on=False)
        try:
            with connection.begin():
                cfg.attributes["connection"] = connection
                command.upgrade(cfg, revision)
                if sqlite:
                    _check_foreign_keys(connection)
        finally:
            if sqlite:  # the pool hands this connection out again
                _foreign_keys(connection, on=True)


def _foreign_keys(connection: Connection, *, on: bool) -> None:
    connection.exec_driver_sql(f"PRAGMA foreign_keys={'ON' if on else 'OFF'}")
    connection.commit()


def _check_foreign_keys(connection: Connection) -> None:
    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
    if broken:
        table, rowid, parent, _ = broken[0]
        first = f"{table} row {rowid} -> {parent}"
        raise MigrationError(f"{len(broken)} rows would refer to missing rows (first: {first})")
