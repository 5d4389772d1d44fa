"""remembered web sessions ("remember this phone")

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-02 18:10:00

- user_sessions.remembered_until: set on a login that asked to stay logged in on this phone;
  the session (and its persistent cookie) ends at this moment whatever its use. NULL for an
  ordinary session, which lives as long as the browser keeps its session cookie.
"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = "0024"
down_revision = "0023"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('user_sessions', sa.Column('remembered_until', sa.DateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table('user_sessions') as batch:
        batch.drop_column('remembered_until')
