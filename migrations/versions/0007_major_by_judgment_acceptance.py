"""major by judgment, acceptance of major hazards, assessment attachments

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02 07:45:00

- hazards: ``major_ground`` / ``major_reason`` (a major hazard by one of the 16号令
  Art. 3 grounds, without a criterion) and the admin's acceptance of a major
  hazard (``acceptance_opinion``, ``accepted_on``, ``accepted_by``). Added
  columns only (no table rebuild on SQLite); existing rows get empty text.
- attachments: the kind ``assessment`` (治理效果评估报告) joins photo and evidence
  (the check constraint is replaced; batch mode rebuilds the small table on SQLite).
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('hazards', schema=None) as batch_op:
        batch_op.add_column(sa.Column('major_ground', sa.String(length=30), nullable=True))
        batch_op.add_column(sa.Column('major_reason', sa.Text(), server_default='', nullable=False))
        batch_op.add_column(sa.Column('acceptance_opinion', sa.Text(), server_default='', nullable=False))
        batch_op.add_column(sa.Column('accepted_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('accepted_by', sa.String(length=300), server_default='', nullable=False))
    with op.batch_alter_table('attachments', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_attachments_kind_known'), type_='check')
        batch_op.create_check_constraint(batch_op.f('ck_attachments_kind_known'),
                                         "kind IN ('photo','evidence','assessment')")


def downgrade():
    op.execute("DELETE FROM attachments WHERE kind = 'assessment'")
    with op.batch_alter_table('attachments', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_attachments_kind_known'), type_='check')
        batch_op.create_check_constraint(batch_op.f('ck_attachments_kind_known'), "kind IN ('photo','evidence')")
    with op.batch_alter_table('hazards', schema=None) as batch_op:
        batch_op.drop_column('accepted_by')
        batch_op.drop_column('accepted_on')
        batch_op.drop_column('acceptance_opinion')
        batch_op.drop_column('major_reason')
        batch_op.drop_column('major_ground')
