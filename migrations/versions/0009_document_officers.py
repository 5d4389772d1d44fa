"""the officers an enforcement document names

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02 11:00:00

- document_officers: the officers (users) an enforcement document names, in print order.
- documents.kind: also the annual statistics table, the on-site inspection record
  (现场检查记录) and the non-enforcement rectification notice (隐患整改通知书).
"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None

KINDS = "kind IN ('notice','opinion','monthly','quarterly','annual','inspection_record','rectification')"


def _sqlite_foreign_keys(bind, on):
    """SQLite rebuilds a table in batch mode (copy, drop, rename): the drop must not check the rows
    that refer to it. The pragma only works outside a transaction, so what is written so far is
    committed first (SQLite migrations are not transactional anyway); the end checks every key."""
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
    op.create_table('document_officers',
    sa.Column('document_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['document_id'], ['documents.id'], name=op.f('fk_document_officers_document_id_documents')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_document_officers_user_id_users')),
    sa.PrimaryKeyConstraint('document_id', 'user_id', name=op.f('pk_document_officers'))
    )
    _sqlite_foreign_keys(op.get_bind(), False)
    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_documents_kind_known'), type_='check')
        batch_op.create_check_constraint(batch_op.f('ck_documents_kind_known'), KINDS)
    _sqlite_foreign_keys(op.get_bind(), True)


def downgrade():
    op.execute("DELETE FROM document_hazards WHERE document_id IN (SELECT id FROM documents WHERE kind IN "
               "('annual','inspection_record','rectification'))")
    op.execute("DELETE FROM documents WHERE kind IN ('annual','inspection_record','rectification')")
    _sqlite_foreign_keys(op.get_bind(), False)
    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_documents_kind_known'), type_='check')
        batch_op.create_check_constraint(batch_op.f('ck_documents_kind_known'),
                                         "kind IN ('notice','opinion','monthly','quarterly')")
    _sqlite_foreign_keys(op.get_bind(), True)
    op.drop_table('document_officers')
