"""message.member_id and message.thread_id without their foreign keys (see the comment
on Message.member_id)

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-27
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_KEYS = (
    ("fk_message_member_id_member", "member", "member_id"),
    ("fk_message_thread_id_thread", "thread", "thread_id"),
)


def upgrade() -> None:
    # As 0002: on SQLite a batch copies the table without the constraints (foreign
    # keys off around it, corrbot.migrate); PostgreSQL drops them in place. A copy
    # left by an upgrade that died is dropped first.
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TABLE IF EXISTS _alembic_tmp_message")
    with op.batch_alter_table("message") as batch:
        for name, _, _ in _KEYS:
            batch.drop_constraint(name, type_="foreignkey")


def downgrade() -> None:
    with op.batch_alter_table("message") as batch:
        for name, table, column in _KEYS:
            batch.create_foreign_key(name, table, [column], ["id"])
