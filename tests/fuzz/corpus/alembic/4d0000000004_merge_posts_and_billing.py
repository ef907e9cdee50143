"""merge posts and billing

Revision ID: 4d0000000004
Revises: 2b0000000002, 3c0000000003
Create Date: 2026-12-02 18:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '4d0000000004'
down_revision = ('2b0000000002', '3c0000000003')
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
