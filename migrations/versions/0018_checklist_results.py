"""checklist results of an inspection, and its sign-off signatures

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-02 15:00:00

- inspection_results: one row per inspection and checklist item (a category or a
  criterion code) with its result 合格 / 不合格 / 不适用, an optional note, who
  recorded it and when; unique per inspection and item.
- inspections.representative_signature, inspections.inspector_signature: the stored
  names (under UPLOAD_DIR) of the signatures drawn at the completion on site.
Inspections recorded before this revision have no results: their checklist stays as it was.
"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None


def _sqlite_foreign_keys(bind, on):
    """SQLite rebuilds ``inspections`` to drop a column (copy, drop, rename): the drop must not check
    the rows that refer to it. The pragma only works outside a transaction, so what is written so far
    is committed first; the end checks every key."""
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
    op.create_table('inspection_results',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('inspection_id', sa.Integer(), nullable=False),
    sa.Column('item', sa.String(length=80), nullable=False),
    sa.Column('result', sa.String(length=16), nullable=False),
    sa.Column('note', sa.Text(), server_default='', nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=False),
    sa.Column('recorded_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("result IN ('passed','failed','not_applicable')",
                       name=op.f('ck_inspection_results_result_known')),
    sa.ForeignKeyConstraint(['inspection_id'], ['inspections.id'],
                            name=op.f('fk_inspection_results_inspection_id_inspections')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_inspection_results_recorded_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_inspection_results')),
    sa.UniqueConstraint('inspection_id', 'item', name='uq_inspection_results_item')
    )
    # Plain nullable columns: SQLite adds them in place (no rebuild of a referenced table).
    with op.batch_alter_table('inspections', schema=None) as batch_op:
        batch_op.add_column(sa.Column('representative_signature', sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column('inspector_signature', sa.String(length=100), nullable=True))


def downgrade():
    _sqlite_foreign_keys(op.get_bind(), False)
    with op.batch_alter_table('inspections', schema=None) as batch_op:
        batch_op.drop_column('inspector_signature')
        batch_op.drop_column('representative_signature')
    _sqlite_foreign_keys(op.get_bind(), True)
    op.drop_table('inspection_results')
