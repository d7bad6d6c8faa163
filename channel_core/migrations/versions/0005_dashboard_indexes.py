"""dashboard indexes

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-25 11:20:00.000000

A matter's events by (matter_id, id), covering `at` and `to_state`: the dashboard's time per
state reads them from the index alone. It replaces the index on matter_id, its prefix.
"""
from alembic import op
import sqlalchemy as sa
import channel_core.db


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('matter_events', schema=None) as batch_op:
        batch_op.create_index('ix_matter_events_timeline', ['matter_id', 'id', 'at', 'to_state'], unique=False)
        batch_op.drop_index(batch_op.f('ix_matter_events_matter_id'))


def downgrade() -> None:
    with op.batch_alter_table('matter_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_matter_events_matter_id'), ['matter_id'], unique=False)
        batch_op.drop_index('ix_matter_events_timeline')
