"""annotated photos and the coordinates of a finding

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-02 18:30:00

- attachments.annotates_id: an annotated copy (标注图) of a photo records the photo it annotates
  (nullable; the original is never changed).
- hazards.latitude, hazards.longitude, hazards.location_accuracy_m: where the hazard was found,
  WGS-84 as the browser gives it, recorded only when the user taps "记录位置" (nullable, all or none).

Only ADD COLUMN (no table rebuild on SQLite, so the search triggers of 0019 stay untouched).
"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None


def _sqlite_foreign_keys(bind, on):
    """SQLite rebuilds a table in batch mode (copy, drop, rename): the drop must not check the rows
    that refer to it. The pragma only works outside a transaction, so what is written so far is
    committed first; the end checks every key."""
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
    sqlite = op.get_bind().dialect.name == 'sqlite'
    if sqlite:
        # SQLite adds a column with its REFERENCES clause in place (ALTER TABLE … ADD COLUMN, no rebuild);
        # Alembic's add_column would want a batch rebuild for the constraint.
        op.execute('ALTER TABLE attachments ADD COLUMN annotates_id INTEGER '
                   'CONSTRAINT fk_attachments_annotates_id_attachments REFERENCES attachments (id)')
    else:
        op.add_column('attachments', sa.Column('annotates_id', sa.Integer(), nullable=True))
        op.create_foreign_key(op.f('fk_attachments_annotates_id_attachments'), 'attachments', 'attachments',
                              ['annotates_id'], ['id'])
    op.create_index(op.f('ix_attachments_annotates_id'), 'attachments', ['annotates_id'], unique=False)
    for name in ('latitude', 'longitude', 'location_accuracy_m'):
        op.add_column('hazards', sa.Column(name, sa.Float(), nullable=True))


def downgrade():
    for name in ('location_accuracy_m', 'longitude', 'latitude'):
        op.drop_column('hazards', name)
    op.drop_index(op.f('ix_attachments_annotates_id'), table_name='attachments')
    bind = op.get_bind()
    if bind.dialect.name == 'sqlite':  # a column with a foreign key: only a rebuild drops it
        _sqlite_foreign_keys(bind, False)
        with op.batch_alter_table('attachments', schema=None) as batch_op:
            batch_op.drop_column('annotates_id')
        _sqlite_foreign_keys(bind, True)
    else:
        op.drop_constraint(op.f('fk_attachments_annotates_id_attachments'), 'attachments', type_='foreignkey')
        op.drop_column('attachments', 'annotates_id')
