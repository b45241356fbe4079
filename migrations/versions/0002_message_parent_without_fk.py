"""message.parent_id without its foreign key (see the comment on Message.parent_id)

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # On SQLite a batch copies the table without the constraint (corrbot.migrate
    # turns foreign keys off around it, as SQLite's own recipe for a rebuild asks);
    # PostgreSQL drops it in place. pysqlite runs the copy's CREATE TABLE outside the
    # transaction: a copy left by an upgrade that died is dropped first.
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TABLE IF EXISTS _alembic_tmp_message")
    with op.batch_alter_table("message") as batch:
        batch.drop_constraint("fk_message_parent_id_message", type_="foreignkey")


def downgrade() -> None:
    with op.batch_alter_table("message") as batch:
        batch.create_foreign_key("fk_message_parent_id_message", "message", ["parent_id"], ["id"])
