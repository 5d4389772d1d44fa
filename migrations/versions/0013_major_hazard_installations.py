"""major hazard installations (重大危险源) and 包保 duties

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-02 10:45:22

- installations: the register per enterprise (unit, kind, people within 500 m, the derived
  GB 18218-2018 level, assessment and validity, report, filing, 核销, the three 包保 persons);
- installation_substances: the substance lines (name, CAS, q, Q, β) R is computed from;
- duty_tasks: one duty check due per 包保 person and period (created once by the duty-tasks job);
- duty_checks: the checks recorded (date, person, what was checked, findings);
- hazards.source (government_inspection, self_inspection, duty_check, monitoring_alarm) and
  hazards.installation_id; users.enterprise_role (safety_manager, principal, staff).
"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None

SOURCES = "source IN ('government_inspection','self_inspection','duty_check','monitoring_alarm')"
ENTERPRISE_ROLES = ("enterprise_role IS NULL OR (role = 'enterprise' AND enterprise_role IN "
                    "('safety_manager','principal','staff'))")


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
    op.create_table('installations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('enterprise_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.String(length=12), nullable=False),
    sa.Column('location', sa.String(length=200), nullable=False),
    sa.Column('people_within_500m', sa.Integer(), nullable=False),
    sa.Column('level', sa.String(length=10), nullable=False),
    sa.Column('assessed_on', sa.Date(), nullable=True),
    sa.Column('validity_years', sa.Integer(), nullable=False),
    sa.Column('assessment_due', sa.Date(), nullable=True),
    sa.Column('report_name', sa.String(length=255), nullable=False),
    sa.Column('report_stored_name', sa.String(length=100), nullable=True),
    sa.Column('report_sha256', sa.String(length=64), nullable=False),
    sa.Column('filed_on', sa.Date(), nullable=True),
    sa.Column('filing_no', sa.String(length=100), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('written_off_on', sa.Date(), nullable=True),
    sa.Column('principal_id', sa.Integer(), nullable=True),
    sa.Column('technical_id', sa.Integer(), nullable=True),
    sa.Column('operations_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("(status = 'written_off') = (written_off_on IS NOT NULL)", name=op.f('ck_installations_installation_write_off')),
    sa.CheckConstraint("kind IN ('production','storage')", name=op.f('ck_installations_installation_kind_known')),
    sa.CheckConstraint("level IN ('none','level1','level2','level3','level4')", name=op.f('ck_installations_installation_level')),
    sa.CheckConstraint("status IN ('in_service','written_off')", name=op.f('ck_installations_installation_status_known')),
    sa.CheckConstraint('people_within_500m >= 0', name=op.f('ck_installations_installation_people')),
    sa.CheckConstraint('validity_years BETWEEN 1 AND 10', name=op.f('ck_installations_installation_validity')),
    sa.ForeignKeyConstraint(['enterprise_id'], ['enterprises.id'], name=op.f('fk_installations_enterprise_id_enterprises')),
    sa.ForeignKeyConstraint(['operations_id'], ['users.id'], name=op.f('fk_installations_operations_id_users')),
    sa.ForeignKeyConstraint(['principal_id'], ['users.id'], name=op.f('fk_installations_principal_id_users')),
    sa.ForeignKeyConstraint(['technical_id'], ['users.id'], name=op.f('fk_installations_technical_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_installations')),
    sa.UniqueConstraint('enterprise_id', 'code', name='uq_installations_enterprise_code')
    )
    with op.batch_alter_table('installations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_installations_assessment_due'), ['assessment_due'], unique=False)
        batch_op.create_index(batch_op.f('ix_installations_enterprise_id'), ['enterprise_id'], unique=False)

    op.create_table('duty_tasks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('installation_id', sa.Integer(), nullable=False),
    sa.Column('duty_role', sa.String(length=12), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('period_key', sa.String(length=12), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('status', sa.String(length=8), nullable=False),
    sa.Column('done_on', sa.Date(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("duty_role IN ('principal','technical','operations')", name=op.f('ck_duty_tasks_duty_task_role_known')),
    sa.CheckConstraint("status IN ('open','done','missed')", name=op.f('ck_duty_tasks_duty_task_status_known')),
    sa.CheckConstraint('due_on >= starts_on', name=op.f('ck_duty_tasks_duty_task_dates')),
    sa.ForeignKeyConstraint(['installation_id'], ['installations.id'], name=op.f('fk_duty_tasks_installation_id_installations')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_duty_tasks_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_duty_tasks')),
    sa.UniqueConstraint('installation_id', 'duty_role', 'period_key', name='uq_duty_tasks_period')
    )
    with op.batch_alter_table('duty_tasks', schema=None) as batch_op:
        batch_op.create_index('ix_duty_tasks_status_due_on', ['status', 'due_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_duty_tasks_user_id'), ['user_id'], unique=False)

    op.create_table('installation_substances',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('installation_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('cas', sa.String(length=12), nullable=False),
    sa.Column('max_quantity', sa.Numeric(precision=14, scale=3), nullable=False),
    sa.Column('critical_quantity', sa.Numeric(precision=14, scale=3), nullable=False),
    sa.Column('beta', sa.Numeric(precision=6, scale=2), nullable=False),
    sa.CheckConstraint('beta > 0', name=op.f('ck_installation_substances_substance_beta_positive')),
    sa.CheckConstraint('critical_quantity > 0', name=op.f('ck_installation_substances_substance_critical_positive')),
    sa.CheckConstraint('max_quantity > 0', name=op.f('ck_installation_substances_substance_q_positive')),
    sa.ForeignKeyConstraint(['installation_id'], ['installations.id'], name=op.f('fk_installation_substances_installation_id_installations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_installation_substances'))
    )
    with op.batch_alter_table('installation_substances', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_installation_substances_installation_id'), ['installation_id'], unique=False)

    op.create_table('duty_checks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('installation_id', sa.Integer(), nullable=False),
    sa.Column('task_id', sa.Integer(), nullable=True),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('duty_role', sa.String(length=12), nullable=False),
    sa.Column('checked_on', sa.Date(), nullable=False),
    sa.Column('scope', sa.Text(), nullable=False),
    sa.Column('findings', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("duty_role IN ('principal','technical','operations')", name=op.f('ck_duty_checks_duty_check_role_known')),
    sa.ForeignKeyConstraint(['installation_id'], ['installations.id'], name=op.f('fk_duty_checks_installation_id_installations')),
    sa.ForeignKeyConstraint(['task_id'], ['duty_tasks.id'], name=op.f('fk_duty_checks_task_id_duty_tasks')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_duty_checks_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_duty_checks'))
    )
    with op.batch_alter_table('duty_checks', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_duty_checks_installation_id'), ['installation_id'], unique=False)

    _sqlite_foreign_keys(op.get_bind(), False)
    with op.batch_alter_table('hazards', schema=None) as batch_op:
        batch_op.add_column(sa.Column('source', sa.String(length=24), server_default='government_inspection', nullable=False))
        batch_op.add_column(sa.Column('installation_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_hazards_installation_id'), ['installation_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_hazards_installation_id_installations'), 'installations', ['installation_id'], ['id'])
        batch_op.create_check_constraint(batch_op.f('ck_hazards_source_known'), SOURCES)
    _sqlite_foreign_keys(op.get_bind(), True)

    _sqlite_foreign_keys(op.get_bind(), False)
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('enterprise_role', sa.String(length=16), nullable=True))
        batch_op.create_check_constraint(batch_op.f('ck_users_enterprise_role_known'), ENTERPRISE_ROLES)
    _sqlite_foreign_keys(op.get_bind(), True)



def downgrade():
    _sqlite_foreign_keys(op.get_bind(), False)
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_users_enterprise_role_known'), type_='check')
        batch_op.drop_column('enterprise_role')
    _sqlite_foreign_keys(op.get_bind(), True)

    _sqlite_foreign_keys(op.get_bind(), False)
    with op.batch_alter_table('hazards', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_hazards_source_known'), type_='check')
        batch_op.drop_constraint(batch_op.f('fk_hazards_installation_id_installations'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_hazards_installation_id'))
        batch_op.drop_column('installation_id')
        batch_op.drop_column('source')
    _sqlite_foreign_keys(op.get_bind(), True)

    with op.batch_alter_table('duty_checks', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_duty_checks_installation_id'))

    op.drop_table('duty_checks')
    with op.batch_alter_table('installation_substances', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_installation_substances_installation_id'))

    op.drop_table('installation_substances')
    with op.batch_alter_table('duty_tasks', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_duty_tasks_user_id'))
        batch_op.drop_index('ix_duty_tasks_status_due_on')

    op.drop_table('duty_tasks')
    with op.batch_alter_table('installations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_installations_enterprise_id'))
        batch_op.drop_index(batch_op.f('ix_installations_assessment_due'))

    op.drop_table('installations')
