"""tag._sentinel: lets one INSERT store a flush's new tags (see the comment on Tag._sentinel)

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # A nullable column: added in place on both databases, existing rows keep NULL.
    op.add_column("tag", sa.Column("_sentinel", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("tag") as batch:
        batch.drop_column("_sentinel")
