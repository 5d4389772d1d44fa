"""the enterprise representative present at an inspection

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-02 11:20:00

- inspections.enterprise_representative: the name of the enterprise's person present
  during the on-site inspection, printed on the on-site inspection record (现场检查记录).
"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('inspections', schema=None) as batch_op:
        batch_op.add_column(sa.Column('enterprise_representative', sa.String(length=100), server_default='',
                                      nullable=False))


def downgrade():
    with op.batch_alter_table('inspections', schema=None) as batch_op:
        batch_op.drop_column('enterprise_representative')
