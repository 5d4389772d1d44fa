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


def _sqlite_foreign_keys(bind, on):
    """SQLite rebuilds a table in batch mode (copy, drop, rename): the drop must not check the rows
    that refer to it (hazards → inspections). The pragma only works outside a transaction, so what is
    written so far is committed first; the end checks every key."""
    if bind.dialect.name != 'sqlite':
        return
    raw = bind.connection.dbapi_connection
    raw.commit()
    raw.execute(f'PRAGMA foreign_keys={"ON" if on else "OFF"}')
    if on:
        broken = raw.execute('PRAGMA foreign_key_check').fetchall()
        if broken:
            raise RuntimeError(f'foreign keys broken after rebuilding a table: {broken[:5]}')


def upgrade():
    _sqlite_foreign_keys(op.get_bind(), False)
    with op.batch_alter_table('inspections', schema=None) as batch_op:
        batch_op.add_column(sa.Column('status', sa.String(length=16), server_default='completed',
                                      nullable=False))
        batch_op.add_column(sa.Column('completed_at', sa.DateTime(), nullable=True))
        batch_op.create_check_constraint('inspection_status_known',
                                         "status IN ('in_progress','completed')")
        batch_op.create_index('ix_inspections_status_inspected_on', ['status', 'inspected_on'])
    _sqlite_foreign_keys(op.get_bind(), True)
    op.execute("UPDATE inspections SET completed_at = created_at WHERE status = 'completed'")


def downgrade():
    _sqlite_foreign_keys(op.get_bind(), False)
    with op.batch_alter_table('inspections', schema=None) as batch_op:
        batch_op.drop_index('ix_inspections_status_inspected_on')
        batch_op.drop_constraint('inspection_status_known', type_='check')
        batch_op.drop_column('completed_at')
        batch_op.drop_column('status')
    _sqlite_foreign_keys(op.get_bind(), True)
