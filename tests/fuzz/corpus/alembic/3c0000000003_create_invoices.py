"""create invoices

Revision ID: 3c0000000003
Revises: 1a0000000001
Create Date: 2026-12-02 18:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '3c0000000003'
down_revision = '1a0000000001'
branch_labels = ('billing',)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "invoices",
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=False),
        sa.Column("amount", sa.Numeric(12, 2), nullable=False),
        sa.Column("issued_on", sa.Date(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.CheckConstraint("amount >= 0", name="ck_invoices_amount"),
    )


def downgrade() -> None:
    op.drop_table("invoices")
