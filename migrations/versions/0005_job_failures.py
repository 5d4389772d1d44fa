"""job failures

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02 08:10:00

The rows a scheduled job could not process (a notice group whose PDF failed, an
enterprise's monthly report, an outbox message that raised...), one per job and
item, with the error: the job carries on with the other rows and the admin sees
what failed on the jobs page.
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('job_failures',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('job', sa.String(length=50), nullable=False),
    sa.Column('item', sa.String(length=100), nullable=False),
    sa.Column('period_key', sa.String(length=30), nullable=False),
    sa.Column('error', sa.Text(), nullable=False),
    sa.Column('occurrences', sa.Integer(), nullable=False),
    sa.Column('first_failed_at', sa.DateTime(), nullable=False),
    sa.Column('last_failed_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_job_failures')),
    sa.UniqueConstraint('job', 'item', name='uq_job_failures_job_item')
    )


def downgrade():
    op.drop_table('job_failures')
