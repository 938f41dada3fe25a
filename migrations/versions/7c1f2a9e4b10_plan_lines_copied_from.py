"""plan lines remember the line they were copied from

Revision ID: 7c1f2a9e4b10
Revises: 534b615c3183
Create Date: 2026-12-04 17:00:00

A revision's lines are copies; bookings made for the earlier revision's line count as the
copy's when the revision is costed.
"""
from alembic import op
import sqlalchemy as sa


revision = '7c1f2a9e4b10'
down_revision = '534b615c3183'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('plan_lines', schema=None) as batch_op:
        batch_op.add_column(sa.Column('copied_from_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f('fk_plan_lines_copied_from_id_plan_lines'),
            'plan_lines', ['copied_from_id'], ['id'], ondelete='SET NULL',
        )


def downgrade():
    with op.batch_alter_table('plan_lines', schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f('fk_plan_lines_copied_from_id_plan_lines'), type_='foreignkey'
        )
        batch_op.drop_column('copied_from_id')
