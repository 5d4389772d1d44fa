"""re-inspection findings

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02 12:00:00

- reinspection_findings: the inspector's finding of a re-inspection (合格 / 不合格, date,
  opinion, who recorded it, the verify / reject event that carries it).
- finding_inspectors: the inspectors present, in print order.
Earlier verify / reject events have no finding: they stay as they are (a finding is never guessed).
"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('reinspection_findings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('hazard_id', sa.Integer(), nullable=False),
    sa.Column('result', sa.String(length=10), nullable=False),
    sa.Column('reinspected_on', sa.Date(), nullable=False),
    sa.Column('opinion', sa.Text(), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("result IN ('passed','failed')", name=op.f('ck_reinspection_findings_result_known')),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_reinspection_findings_event_id_events')),
    sa.ForeignKeyConstraint(['hazard_id'], ['hazards.id'], name=op.f('fk_reinspection_findings_hazard_id_hazards')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_reinspection_findings_recorded_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reinspection_findings')),
    sa.UniqueConstraint('event_id', name=op.f('uq_reinspection_findings_event_id'))
    )
    with op.batch_alter_table('reinspection_findings', schema=None) as batch_op:
        batch_op.create_index('ix_reinspection_findings_hazard', ['hazard_id', 'id'], unique=False)

    op.create_table('finding_inspectors',
    sa.Column('finding_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['finding_id'], ['reinspection_findings.id'], name=op.f('fk_finding_inspectors_finding_id_reinspection_findings')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_finding_inspectors_user_id_users')),
    sa.PrimaryKeyConstraint('finding_id', 'user_id', name=op.f('pk_finding_inspectors'))
    )


def downgrade():
    op.drop_table('finding_inspectors')
    with op.batch_alter_table('reinspection_findings', schema=None) as batch_op:
        batch_op.drop_index('ix_reinspection_findings_hazard')
    op.drop_table('reinspection_findings')
