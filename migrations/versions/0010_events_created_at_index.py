"""figures as of a day: the events after a day are found by their time

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02 12:00:00

- ix_events_created_at: the figures of a closed period undo the changes made after
  its end (figures/history.py) and read only those events, found through this index.
- The event data needed already exists on every old event: ``from_status`` (status),
  ``data.previous_deadline`` (approve_extension), ``data.from_level`` (reclassify);
  submissions are read from ``submit`` events. Nothing to backfill.
"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_events_created_at'), ['created_at'], unique=False)


def downgrade():
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_events_created_at'))
