"""inspection plans and tasks (双随机 draws), campaigns (专项整治行动)

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-02 14:39:16

- inspection_plans (+ plan_inspectors, plan_enterprises): the office's plans: scope, inspection
  type, frequency, inspectors, active period, optional draw size;
- plan_draws: each 双随机 draw with its seed and inputs (reproducible);
- plan_tasks: one per plan, enterprise and period (created once by the plan-tasks job);
- campaigns (+ campaign_enterprises); inspections.campaign_id and hazards.campaign_id (tags);
- documents.kind gains 'campaign' (the campaign report).
"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None


KINDS = ("kind IN ('notice','opinion','monthly','quarterly','annual','inspection_record','rectification',"
         "'campaign')")
OLD_KINDS = "kind IN ('notice','opinion','monthly','quarterly','annual','inspection_record','rectification')"


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
    op.create_table('campaigns',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=False),
    sa.Column('scope_kind', sa.String(length=10), nullable=False),
    sa.Column('scope_value', sa.String(length=100), nullable=False),
    sa.Column('categories', sa.JSON(), nullable=False),
    sa.Column('criteria', sa.JSON(), nullable=False),
    sa.Column('target_percent', sa.Integer(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("scope_kind IN ('all','industry','zone','level','list')", name=op.f('ck_campaigns_campaign_scope_known')),
    sa.CheckConstraint('ends_on >= starts_on', name=op.f('ck_campaigns_campaign_dates')),
    sa.CheckConstraint('target_percent BETWEEN 0 AND 100', name=op.f('ck_campaigns_campaign_target')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_campaigns_created_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_campaigns'))
    )
    op.create_table('inspection_plans',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('scope_kind', sa.String(length=10), nullable=False),
    sa.Column('scope_value', sa.String(length=100), nullable=False),
    sa.Column('inspection_type', sa.String(length=40), nullable=True),
    sa.Column('frequency', sa.String(length=8), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=False),
    sa.Column('draw_size', sa.Integer(), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("frequency IN ('month','quarter','half','year')", name=op.f('ck_inspection_plans_plan_frequency_known')),
    sa.CheckConstraint("scope_kind IN ('all','industry','zone','level','list')", name=op.f('ck_inspection_plans_plan_scope_known')),
    sa.CheckConstraint('draw_size IS NULL OR draw_size > 0', name=op.f('ck_inspection_plans_plan_draw_size')),
    sa.CheckConstraint('ends_on >= starts_on', name=op.f('ck_inspection_plans_plan_dates')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_inspection_plans_created_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_inspection_plans'))
    )
    op.create_table('campaign_enterprises',
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('enterprise_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaigns.id'], name=op.f('fk_campaign_enterprises_campaign_id_campaigns')),
    sa.ForeignKeyConstraint(['enterprise_id'], ['enterprises.id'], name=op.f('fk_campaign_enterprises_enterprise_id_enterprises')),
    sa.PrimaryKeyConstraint('campaign_id', 'enterprise_id', name=op.f('pk_campaign_enterprises'))
    )
    op.create_table('plan_draws',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('plan_id', sa.Integer(), nullable=False),
    sa.Column('period_key', sa.String(length=8), nullable=False),
    sa.Column('seed', sa.String(length=64), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('enterprise_ids', sa.JSON(), nullable=False),
    sa.Column('inspector_ids', sa.JSON(), nullable=False),
    sa.Column('result', sa.JSON(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_plan_draws_created_by_id_users')),
    sa.ForeignKeyConstraint(['plan_id'], ['inspection_plans.id'], name=op.f('fk_plan_draws_plan_id_inspection_plans')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_plan_draws')),
    sa.UniqueConstraint('plan_id', 'period_key', name='uq_plan_draws_period')
    )
    op.create_table('plan_enterprises',
    sa.Column('plan_id', sa.Integer(), nullable=False),
    sa.Column('enterprise_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['enterprise_id'], ['enterprises.id'], name=op.f('fk_plan_enterprises_enterprise_id_enterprises')),
    sa.ForeignKeyConstraint(['plan_id'], ['inspection_plans.id'], name=op.f('fk_plan_enterprises_plan_id_inspection_plans')),
    sa.PrimaryKeyConstraint('plan_id', 'enterprise_id', name=op.f('pk_plan_enterprises'))
    )
    op.create_table('plan_inspectors',
    sa.Column('plan_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['plan_id'], ['inspection_plans.id'], name=op.f('fk_plan_inspectors_plan_id_inspection_plans')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_plan_inspectors_user_id_users')),
    sa.PrimaryKeyConstraint('plan_id', 'user_id', name=op.f('pk_plan_inspectors'))
    )
    op.create_table('plan_tasks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('plan_id', sa.Integer(), nullable=False),
    sa.Column('enterprise_id', sa.Integer(), nullable=False),
    sa.Column('period_key', sa.String(length=8), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('inspector_id', sa.Integer(), nullable=True),
    sa.Column('draw_id', sa.Integer(), nullable=True),
    sa.Column('missed_on', sa.Date(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('due_on >= starts_on', name=op.f('ck_plan_tasks_plan_task_dates')),
    sa.ForeignKeyConstraint(['draw_id'], ['plan_draws.id'], name=op.f('fk_plan_tasks_draw_id_plan_draws')),
    sa.ForeignKeyConstraint(['enterprise_id'], ['enterprises.id'], name=op.f('fk_plan_tasks_enterprise_id_enterprises')),
    sa.ForeignKeyConstraint(['inspector_id'], ['users.id'], name=op.f('fk_plan_tasks_inspector_id_users')),
    sa.ForeignKeyConstraint(['plan_id'], ['inspection_plans.id'], name=op.f('fk_plan_tasks_plan_id_inspection_plans')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_plan_tasks')),
    sa.UniqueConstraint('plan_id', 'enterprise_id', 'period_key', name='uq_plan_tasks_period')
    )
    with op.batch_alter_table('plan_tasks', schema=None) as batch_op:
        batch_op.create_index('ix_plan_tasks_due_on', ['due_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_plan_tasks_enterprise_id'), ['enterprise_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_plan_tasks_inspector_id'), ['inspector_id'], unique=False)

    _sqlite_foreign_keys(op.get_bind(), False)
    with op.batch_alter_table('hazards', schema=None) as batch_op:
        batch_op.add_column(sa.Column('campaign_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_hazards_campaign_id'), ['campaign_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_hazards_campaign_id_campaigns'), 'campaigns', ['campaign_id'], ['id'])
    _sqlite_foreign_keys(op.get_bind(), True)

    _sqlite_foreign_keys(op.get_bind(), False)
    with op.batch_alter_table('inspections', schema=None) as batch_op:
        batch_op.add_column(sa.Column('campaign_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_inspections_campaign_id'), ['campaign_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_inspections_campaign_id_campaigns'), 'campaigns', ['campaign_id'], ['id'])
    _sqlite_foreign_keys(op.get_bind(), True)

    _sqlite_foreign_keys(op.get_bind(), False)
    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_documents_kind_known'), type_='check')
        batch_op.create_check_constraint(batch_op.f('ck_documents_kind_known'), KINDS)
    _sqlite_foreign_keys(op.get_bind(), True)


def downgrade():
    op.execute("DELETE FROM documents WHERE kind = 'campaign'")
    _sqlite_foreign_keys(op.get_bind(), False)
    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_documents_kind_known'), type_='check')
        batch_op.create_check_constraint(batch_op.f('ck_documents_kind_known'), OLD_KINDS)
    _sqlite_foreign_keys(op.get_bind(), True)

    _sqlite_foreign_keys(op.get_bind(), False)
    with op.batch_alter_table('inspections', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_inspections_campaign_id_campaigns'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_inspections_campaign_id'))
        batch_op.drop_column('campaign_id')
    _sqlite_foreign_keys(op.get_bind(), True)

    _sqlite_foreign_keys(op.get_bind(), False)
    with op.batch_alter_table('hazards', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_hazards_campaign_id_campaigns'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_hazards_campaign_id'))
        batch_op.drop_column('campaign_id')
    _sqlite_foreign_keys(op.get_bind(), True)

    with op.batch_alter_table('plan_tasks', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_plan_tasks_inspector_id'))
        batch_op.drop_index(batch_op.f('ix_plan_tasks_enterprise_id'))
        batch_op.drop_index('ix_plan_tasks_due_on')

    op.drop_table('plan_tasks')
    op.drop_table('plan_inspectors')
    op.drop_table('plan_enterprises')
    op.drop_table('plan_draws')
    op.drop_table('campaign_enterprises')
    op.drop_table('inspection_plans')
    op.drop_table('campaigns')
