"""the park's figures by source from an index

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-02 19:45:00

- ix_hazards_source (source, status, level, deadline, submitted_at, found_on, closed_on): the park
  dashboard's figures by source are plain counts per (source, status) read in index order, and the
  open ones an index range per source, instead of a condition evaluated on every hazard and a sort.
- ANALYZE hazards: the planner's statistics cover the new index.
"""
from alembic import op

# revision identifiers, used by Alembic.
revision = "0025"
down_revision = "0024"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_hazards_source', 'hazards',
                    ['source', 'status', 'level', 'deadline', 'submitted_at', 'found_on', 'closed_on'])
    op.execute('ANALYZE hazards')


def downgrade():
    op.drop_index('ix_hazards_source', table_name='hazards')
