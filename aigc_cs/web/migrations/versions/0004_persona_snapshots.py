"""The customer a role-play session started with, kept with it (a teacher may upload the shop again without it).

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-04
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("roleplays", sa.Column("persona_snapshot", sa.Text(), nullable=True))


def downgrade() -> None:
    op.drop_column("roleplays", "persona_snapshot")
