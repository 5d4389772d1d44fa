"""the officers an enforcement document names

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02 11:00:00

- document_officers: the officers (users) an enforcement document names, in print order.
"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('document_officers',
    sa.Column('document_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['document_id'], ['documents.id'], name=op.f('fk_document_officers_document_id_documents')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_document_officers_user_id_users')),
    sa.PrimaryKeyConstraint('document_id', 'user_id', name=op.f('pk_document_officers'))
    )


def downgrade():
    op.drop_table('document_officers')
