"""an inspection has a status: in progress until it is completed on site

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-02 14:45:00

- inspections.status: 'in_progress' while the inspectors walk the checklist, 'completed'
  once signed off on site. Inspections recorded before this revision were complete
  records of a visit, so they become 'completed'.
- inspections.completed_at: when it was completed (UTC); the former ones take their
  creation time.
"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('inspections', schema=None) as batch_op:
        batch_op.add_column(sa.Column('status', sa.String(length=16), server_default='completed',
                                      nullable=False))
        batch_op.add_column(sa.Column('completed_at', sa.DateTime(), nullable=True))
        batch_op.create_check_constraint('inspection_status_known',
                                         "status IN ('in_progress','completed')")
        batch_op.create_index('ix_inspections_status_inspected_on', ['status', 'inspected_on'])
    op.execute("UPDATE inspections SET completed_at = created_at WHERE status = 'completed'")


def downgrade():
    with op.batch_alter_table('inspections', schema=None) as batch_op:
        batch_op.drop_index('ix_inspections_status_inspected_on')
        batch_op.drop_constraint('inspection_status_known', type_='check')
        batch_op.drop_column('completed_at')
        batch_op.drop_column('status')
