"""live monitoring of major hazard installations: points, readings, alarms, hourly aggregates

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-02 11:00:00

- measurement_points: per installation (tag, name, kind, unit, limits LL/L/H/HH ordered when
  given, deadband, minutes of silence before a data-loss alarm, newest reading);
- readings: (point, time) -> value. On PostgreSQL partitioned by month (PARTITION BY RANGE
  (time), BRIN on time); partitions readings_pYYYYMM are created here for this month and the
  next two, then ahead by the retention job and on demand by the ingest
  (safety_app.monitoring.partitions). On SQLite one table with the same columns and keys;
- reading_hours: hourly min/max/avg/count, kept after the raw readings;
- alarms: LL/L/H/HH/data_loss with raise/clear, acknowledgement, cause, action, close and the
  hazard it became; at most one active alarm per point and kind (partial unique index).
"""
from datetime import datetime, timezone

import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None

ORDERED = " AND ".join(f"({a} IS NULL OR {b} IS NULL OR {a} < {b})" for i, a in enumerate(("ll", "l", "h", "hh"))
                       for b in ("ll", "l", "h", "hh")[i + 1:])


def _months_ahead(count):
    now = datetime.now(timezone.utc)
    year, month = now.year, now.month
    for _ in range(count):
        yield year, month
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)


def _partition_sql(year, month):
    nxt = (year + 1, 1) if month == 12 else (year, month + 1)
    return (f"CREATE TABLE IF NOT EXISTS readings_p{year:04d}{month:02d} PARTITION OF readings "
            f"FOR VALUES FROM ('{year:04d}-{month:02d}-01') TO ('{nxt[0]:04d}-{nxt[1]:02d}-01')")


def upgrade():
    op.create_table('measurement_points',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('installation_id', sa.Integer(), nullable=False),
    sa.Column('enterprise_id', sa.Integer(), nullable=False),
    sa.Column('tag', sa.String(length=60), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.String(length=12), nullable=False),
    sa.Column('unit', sa.String(length=20), nullable=False),
    sa.Column('ll', sa.Float(), nullable=True),
    sa.Column('l', sa.Float(), nullable=True),
    sa.Column('h', sa.Float(), nullable=True),
    sa.Column('hh', sa.Float(), nullable=True),
    sa.Column('deadband', sa.Float(), nullable=True),
    sa.Column('silence_minutes', sa.Integer(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('last_time', sa.DateTime(), nullable=True),
    sa.Column('last_value', sa.Float(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("kind IN ('temperature','pressure','level','flow','gas')", name=op.f('ck_measurement_points_point_kind_known')),
    sa.CheckConstraint(ORDERED, name=op.f('ck_measurement_points_point_limits_ordered')),
    sa.CheckConstraint('deadband IS NULL OR deadband >= 0', name=op.f('ck_measurement_points_point_deadband')),
    sa.CheckConstraint('silence_minutes >= 1', name=op.f('ck_measurement_points_point_silence')),
    sa.ForeignKeyConstraint(['enterprise_id'], ['enterprises.id'], name=op.f('fk_measurement_points_enterprise_id_enterprises')),
    sa.ForeignKeyConstraint(['installation_id'], ['installations.id'], name=op.f('fk_measurement_points_installation_id_installations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_measurement_points')),
    sa.UniqueConstraint('enterprise_id', 'tag', name='uq_measurement_points_enterprise_tag')
    )
    with op.batch_alter_table('measurement_points', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_measurement_points_enterprise_id'), ['enterprise_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_measurement_points_installation_id'), ['installation_id'], unique=False)

    if op.get_bind().dialect.name == 'postgresql':
        op.execute(
            "CREATE TABLE readings ("
            "point_id INTEGER NOT NULL, "
            "time TIMESTAMP WITHOUT TIME ZONE NOT NULL, "
            "value FLOAT NOT NULL, "
            "CONSTRAINT pk_readings PRIMARY KEY (point_id, time), "
            "CONSTRAINT fk_readings_point_id_measurement_points FOREIGN KEY (point_id) "
            "REFERENCES measurement_points (id)"
            ") PARTITION BY RANGE (time)"
        )
        op.execute("CREATE INDEX ix_readings_time ON readings USING brin (time)")
        for year, month in _months_ahead(3):
            op.execute(_partition_sql(year, month))
    else:
        op.create_table('readings',
        sa.Column('point_id', sa.Integer(), nullable=False),
        sa.Column('time', sa.DateTime(), nullable=False),
        sa.Column('value', sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(['point_id'], ['measurement_points.id'], name=op.f('fk_readings_point_id_measurement_points')),
        sa.PrimaryKeyConstraint('point_id', 'time', name=op.f('pk_readings'))
        )
        with op.batch_alter_table('readings', schema=None) as batch_op:
            batch_op.create_index('ix_readings_time', ['time'], unique=False)

    op.create_table('reading_hours',
    sa.Column('point_id', sa.Integer(), nullable=False),
    sa.Column('hour', sa.DateTime(), nullable=False),
    sa.Column('min', sa.Float(), nullable=False),
    sa.Column('max', sa.Float(), nullable=False),
    sa.Column('avg', sa.Float(), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['point_id'], ['measurement_points.id'], name=op.f('fk_reading_hours_point_id_measurement_points')),
    sa.PrimaryKeyConstraint('point_id', 'hour', name=op.f('pk_reading_hours'))
    )
    with op.batch_alter_table('reading_hours', schema=None) as batch_op:
        batch_op.create_index('ix_reading_hours_hour', ['hour'], unique=False)

    op.create_table('alarms',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('point_id', sa.Integer(), nullable=False),
    sa.Column('enterprise_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('state', sa.String(length=10), nullable=False),
    sa.Column('raised_at', sa.DateTime(), nullable=False),
    sa.Column('value', sa.Float(), nullable=True),
    sa.Column('limit_value', sa.Float(), nullable=True),
    sa.Column('cleared_at', sa.DateTime(), nullable=True),
    sa.Column('clear_value', sa.Float(), nullable=True),
    sa.Column('acknowledged_by_id', sa.Integer(), nullable=True),
    sa.Column('acknowledged_at', sa.DateTime(), nullable=True),
    sa.Column('cause', sa.Text(), nullable=False),
    sa.Column('action', sa.Text(), nullable=False),
    sa.Column('closed_by_id', sa.Integer(), nullable=True),
    sa.Column('closed_at', sa.DateTime(), nullable=True),
    sa.Column('hazard_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("kind IN ('LL','L','H','HH','data_loss')", name=op.f('ck_alarms_alarm_kind_known')),
    sa.CheckConstraint("state IN ('active','cleared')", name=op.f('ck_alarms_alarm_state_known')),
    sa.CheckConstraint("closed_at IS NULL OR state = 'cleared'", name=op.f('ck_alarms_alarm_closed_when_cleared')),
    sa.ForeignKeyConstraint(['acknowledged_by_id'], ['users.id'], name=op.f('fk_alarms_acknowledged_by_id_users')),
    sa.ForeignKeyConstraint(['closed_by_id'], ['users.id'], name=op.f('fk_alarms_closed_by_id_users')),
    sa.ForeignKeyConstraint(['enterprise_id'], ['enterprises.id'], name=op.f('fk_alarms_enterprise_id_enterprises')),
    sa.ForeignKeyConstraint(['hazard_id'], ['hazards.id'], name=op.f('fk_alarms_hazard_id_hazards')),
    sa.ForeignKeyConstraint(['point_id'], ['measurement_points.id'], name=op.f('fk_alarms_point_id_measurement_points')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_alarms'))
    )
    with op.batch_alter_table('alarms', schema=None) as batch_op:
        batch_op.create_index('ix_alarms_enterprise_open', ['enterprise_id', 'closed_at'], unique=False)
        batch_op.create_index('ix_alarms_open', ['closed_at', 'raised_at'], unique=False)
        batch_op.create_index('ix_alarms_point_raised', ['point_id', 'raised_at'], unique=False)
        batch_op.create_index('uq_alarms_active', ['point_id', 'kind'], unique=True,
                              sqlite_where=sa.text("state = 'active'"),
                              postgresql_where=sa.text("state = 'active'"))


def downgrade():
    with op.batch_alter_table('alarms', schema=None) as batch_op:
        batch_op.drop_index('uq_alarms_active')
        batch_op.drop_index('ix_alarms_point_raised')
        batch_op.drop_index('ix_alarms_open')
        batch_op.drop_index('ix_alarms_enterprise_open')
    op.drop_table('alarms')
    with op.batch_alter_table('reading_hours', schema=None) as batch_op:
        batch_op.drop_index('ix_reading_hours_hour')
    op.drop_table('reading_hours')
    if op.get_bind().dialect.name == 'postgresql':
        op.execute("DROP TABLE readings CASCADE")  # with its partitions
    else:
        with op.batch_alter_table('readings', schema=None) as batch_op:
            batch_op.drop_index('ix_readings_time')
        op.drop_table('readings')
    with op.batch_alter_table('measurement_points', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_measurement_points_installation_id'))
        batch_op.drop_index(batch_op.f('ix_measurement_points_enterprise_id'))
    op.drop_table('measurement_points')
