"""major hazard regime: listed supervision, suspension, major-hazard report records

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02 07:40:00

- hazard_supervisions: 挂牌督办 of a major hazard (authority, level, document number,
  listed on, required by) and its lifting (摘牌: date, document number); one per hazard.
- hazard_suspensions: 停产停业 (partial, full, equipment out of use) with area, start
  and end (the end may be recorded later).
- major_hazard_reports: one record per major hazard (重大事故隐患报告). Existing major
  hazards get theirs here (reported on the day they were found, by whoever found them).
"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('hazard_supervisions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('hazard_id', sa.Integer(), nullable=False),
    sa.Column('authority', sa.String(length=200), nullable=False),
    sa.Column('level', sa.String(length=10), nullable=False),
    sa.Column('document_no', sa.String(length=100), nullable=False),
    sa.Column('listed_on', sa.Date(), nullable=False),
    sa.Column('required_by', sa.Date(), nullable=False),
    sa.Column('listed_by_id', sa.Integer(), nullable=False),
    sa.Column('lifted_on', sa.Date(), nullable=True),
    sa.Column('lift_document_no', sa.String(length=100), nullable=False),
    sa.Column('lifted_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("level IN ('city','district','street')", name=op.f('ck_hazard_supervisions_supervision_level_known')),
    sa.CheckConstraint('lifted_on IS NULL OR lifted_on >= listed_on', name=op.f('ck_hazard_supervisions_supervision_lift_date')),
    sa.CheckConstraint('required_by >= listed_on', name=op.f('ck_hazard_supervisions_supervision_dates')),
    sa.ForeignKeyConstraint(['hazard_id'], ['hazards.id'], name=op.f('fk_hazard_supervisions_hazard_id_hazards')),
    sa.ForeignKeyConstraint(['lifted_by_id'], ['users.id'], name=op.f('fk_hazard_supervisions_lifted_by_id_users')),
    sa.ForeignKeyConstraint(['listed_by_id'], ['users.id'], name=op.f('fk_hazard_supervisions_listed_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_hazard_supervisions')),
    sa.UniqueConstraint('hazard_id', name=op.f('uq_hazard_supervisions_hazard_id'))
    )
    with op.batch_alter_table('hazard_supervisions', schema=None) as batch_op:
        batch_op.create_index('ix_hazard_supervisions_current', ['lifted_on', 'hazard_id'], unique=False)

    op.create_table('hazard_suspensions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('hazard_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('area', sa.String(length=200), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=True),
    sa.Column('recorded_by_id', sa.Integer(), nullable=False),
    sa.Column('ended_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("kind IN ('partial','full','equipment')", name=op.f('ck_hazard_suspensions_suspension_kind_known')),
    sa.CheckConstraint('ends_on IS NULL OR ends_on >= starts_on', name=op.f('ck_hazard_suspensions_suspension_dates')),
    sa.ForeignKeyConstraint(['ended_by_id'], ['users.id'], name=op.f('fk_hazard_suspensions_ended_by_id_users')),
    sa.ForeignKeyConstraint(['hazard_id'], ['hazards.id'], name=op.f('fk_hazard_suspensions_hazard_id_hazards')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_hazard_suspensions_recorded_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_hazard_suspensions'))
    )
    with op.batch_alter_table('hazard_suspensions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_hazard_suspensions_hazard_id'), ['hazard_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_hazard_suspensions_starts_on'), ['starts_on'], unique=False)

    op.create_table('major_hazard_reports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('hazard_id', sa.Integer(), nullable=False),
    sa.Column('enterprise_id', sa.Integer(), nullable=False),
    sa.Column('reported_on', sa.Date(), nullable=False),
    sa.Column('source', sa.String(length=20), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("source IN ('filed','reclassified')", name=op.f('ck_major_hazard_reports_report_source_known')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_major_hazard_reports_created_by_id_users')),
    sa.ForeignKeyConstraint(['enterprise_id'], ['enterprises.id'], name=op.f('fk_major_hazard_reports_enterprise_id_enterprises')),
    sa.ForeignKeyConstraint(['hazard_id'], ['hazards.id'], name=op.f('fk_major_hazard_reports_hazard_id_hazards')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_major_hazard_reports')),
    sa.UniqueConstraint('hazard_id', name=op.f('uq_major_hazard_reports_hazard_id'))
    )
    with op.batch_alter_table('major_hazard_reports', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_major_hazard_reports_enterprise_id'), ['enterprise_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_major_hazard_reports_reported_on'), ['reported_on'], unique=False)

    op.execute(
        "INSERT INTO major_hazard_reports (hazard_id, enterprise_id, reported_on, source, created_by_id, created_at) "
        "SELECT id, enterprise_id, found_on, 'filed', found_by_id, created_at FROM hazards WHERE level = 'major'"
    )


def downgrade():
    with op.batch_alter_table('major_hazard_reports', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_major_hazard_reports_reported_on'))
        batch_op.drop_index(batch_op.f('ix_major_hazard_reports_enterprise_id'))

    op.drop_table('major_hazard_reports')
    with op.batch_alter_table('hazard_suspensions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_hazard_suspensions_starts_on'))
        batch_op.drop_index(batch_op.f('ix_hazard_suspensions_hazard_id'))

    op.drop_table('hazard_suspensions')
    with op.batch_alter_table('hazard_supervisions', schema=None) as batch_op:
        batch_op.drop_index('ix_hazard_supervisions_current')

    op.drop_table('hazard_supervisions')
