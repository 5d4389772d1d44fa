"""people, not names: the responsible user of a hazard and of a measure; the enterprise's own acceptance

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-02 15:00:00

- hazards.responsible_user_id, measures.responsible_user_id: the enterprise user responsible
  (the free-text responsible_person stays, filled from the user's name).
- self_acceptances: the acceptance inside the enterprise of a general hazard it found itself
  (整改人 ≠ 验收人), one row per 'accept' event.
"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


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
    _sqlite_foreign_keys(op.get_bind(), False)
    for table in ('hazards', 'measures'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('responsible_user_id', sa.Integer(), nullable=True))
            batch_op.create_index(batch_op.f(f'ix_{table}_responsible_user_id'), ['responsible_user_id'],
                                  unique=False)
            batch_op.create_foreign_key(batch_op.f(f'fk_{table}_responsible_user_id_users'), 'users',
                                        ['responsible_user_id'], ['id'])
    _sqlite_foreign_keys(op.get_bind(), True)
    op.create_table(
        'self_acceptances',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('hazard_id', sa.Integer(), nullable=False),
        sa.Column('accepted_on', sa.Date(), nullable=False),
        sa.Column('opinion', sa.Text(), nullable=False),
        sa.Column('accepted_by_id', sa.Integer(), nullable=False),
        sa.Column('rectified_by_id', sa.Integer(), nullable=True),
        sa.Column('event_id', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.CheckConstraint('rectified_by_id IS NULL OR rectified_by_id <> accepted_by_id',
                           name=op.f('ck_self_acceptances_acceptor_not_rectifier')),
        sa.ForeignKeyConstraint(['accepted_by_id'], ['users.id'], name=op.f('fk_self_acceptances_accepted_by_id_users')),
        sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_self_acceptances_event_id_events')),
        sa.ForeignKeyConstraint(['hazard_id'], ['hazards.id'], name=op.f('fk_self_acceptances_hazard_id_hazards')),
        sa.ForeignKeyConstraint(['rectified_by_id'], ['users.id'],
                                name=op.f('fk_self_acceptances_rectified_by_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_self_acceptances')),
        sa.UniqueConstraint('event_id', name=op.f('uq_self_acceptances_event_id')),
    )
    with op.batch_alter_table('self_acceptances', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_self_acceptances_hazard_id'), ['hazard_id'], unique=False)


def downgrade():
    with op.batch_alter_table('self_acceptances', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_self_acceptances_hazard_id'))
    op.drop_table('self_acceptances')
    _sqlite_foreign_keys(op.get_bind(), False)
    for table in ('measures', 'hazards'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(batch_op.f(f'fk_{table}_responsible_user_id_users'), type_='foreignkey')
            batch_op.drop_index(batch_op.f(f'ix_{table}_responsible_user_id'))
            batch_op.drop_column('responsible_user_id')
    _sqlite_foreign_keys(op.get_bind(), True)
