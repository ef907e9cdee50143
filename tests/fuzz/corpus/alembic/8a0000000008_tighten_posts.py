"""tighten posts

Revision ID: 8a0000000008
Revises: 5e0000000005
Create Date: 2026-12-02 18:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '8a0000000008'
down_revision = '5e0000000005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_foreign_key("fk_bills_user_id", "bills", "users", ["user_id"], ["id"], ondelete="RESTRICT")
    op.create_unique_constraint("uq_posts_user_id_title", "posts", ["user_id", "title"])
    op.create_check_constraint("ck_posts_title", "posts", "length(title) > 0")
    op.alter_column("posts", "body", existing_type=sa.Text(), nullable=False, server_default="")
    op.alter_column("users", "name", new_column_name="full_name", existing_type=sa.String(50))
    op.drop_index("ix_posts_status", table_name="posts")
    op.drop_column("posts", "published")


def downgrade() -> None:
    op.add_column("posts", sa.Column("published", sa.Boolean(), server_default="0", nullable=False))
    op.create_index("ix_posts_status", "posts", ["status"])
    op.alter_column("users", "full_name", new_column_name="name", existing_type=sa.String(50))
    op.alter_column("posts", "body", existing_type=sa.Text(), nullable=True, server_default=None)
    op.drop_constraint("ck_posts_title", "posts", type_="check")
    op.drop_constraint("uq_posts_user_id_title", "posts", type_="unique")
    op.drop_constraint("fk_bills_user_id", "bills", type_="foreignkey")
