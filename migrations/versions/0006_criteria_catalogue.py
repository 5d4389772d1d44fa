"""versioned major-hazard criteria catalogue

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02 07:40:00

- criteria_sets / criteria: the published lists of major-hazard criteria and
  their clauses, seeded from safety_app/reference/data/criteria/*.json
  (安监总管三〔2017〕121号 with its 20 texts; AQ 3067-2026 with its 53 clause
  numbers and 7 groups, texts empty until the office imports them).
- hazards.criterion (1..20) becomes (criteria_set, criterion_clause) with a
  foreign key to the clause: criterion n -> ('AJZG3-2017-121', 'n').
- inspection checklists: 'criterion:n' -> 'criterion:AJZG3-2017-121:n'.

On SQLite the hazards table is rebuilt (batch mode) with foreign-key checks
off for the copy, and checked with PRAGMA foreign_key_check afterwards.
"""
import json
from datetime import date
from pathlib import Path

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None

SET_2017 = 'AJZG3-2017-121'
DATA = Path(__file__).resolve().parents[2] / 'safety_app' / 'reference' / 'data' / 'criteria'

sets_table = sa.table('criteria_sets', sa.column('code', sa.String), sa.column('title', sa.String),
                      sa.column('issuer', sa.String), sa.column('document_number', sa.String),
                      sa.column('in_force_from', sa.Date), sa.column('in_force_until', sa.Date))
criteria_table = sa.table('criteria', sa.column('set_code', sa.String), sa.column('clause', sa.String),
                          sa.column('position', sa.Integer), sa.column('clause_group', sa.String),
                          sa.column('text', sa.Text), sa.column('updated_at', sa.DateTime))
inspections_table = sa.table('inspections', sa.column('id', sa.Integer), sa.column('checklist', sa.JSON))


def _day(value):
    return date.fromisoformat(value) if value else None


def _seed(bind):
    from datetime import datetime, timezone

    now = datetime.now(timezone.utc).replace(tzinfo=None)
    for path in sorted(DATA.glob('*.json')):
        data = json.loads(path.read_text(encoding='utf-8'))
        bind.execute(sets_table.insert().values(
            code=data['code'], title=data['title'], issuer=data.get('issuer', ''),
            document_number=data.get('document_number', ''), in_force_from=_day(data.get('in_force_from')),
            in_force_until=_day(data.get('in_force_until'))))
        bind.execute(criteria_table.insert(), [
            {'set_code': data['code'], 'clause': c['clause'], 'position': n, 'clause_group': c.get('group', ''),
             'text': c.get('text', ''), 'updated_at': now}
            for n, c in enumerate(data['clauses'], start=1)])


def _rewrite_checklists(bind, old, new):
    rows = bind.execute(sa.select(inspections_table.c.id, inspections_table.c.checklist)).all()
    for ident, checklist in rows:
        items = checklist or []
        changed = [new(i) if isinstance(i, str) and old(i) else i for i in items]
        if changed != items:
            bind.execute(inspections_table.update().where(inspections_table.c.id == ident)
                         .values(checklist=changed))


def _sqlite_foreign_keys(bind, on):
    """SQLite rebuilds the hazards table (copy, drop, rename): the drop must not check the rows that
    refer to hazards. The pragma only works outside a transaction, so what is written so far is
    committed first (SQLite migrations are not transactional anyway); the end checks every key."""
    if bind.dialect.name != 'sqlite':
        return
    raw = bind.connection.dbapi_connection
    raw.commit()
    raw.execute(f'PRAGMA foreign_keys={"ON" if on else "OFF"}')
    if on:
        broken = raw.execute('PRAGMA foreign_key_check').fetchall()
        if broken:
            raise RuntimeError(f'foreign keys broken after rebuilding hazards: {broken[:5]}')


def upgrade():
    bind = op.get_bind()
    op.create_table('criteria_sets',
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('issuer', sa.String(length=200), nullable=False),
    sa.Column('document_number', sa.String(length=100), nullable=False),
    sa.Column('in_force_from', sa.Date(), nullable=True),
    sa.Column('in_force_until', sa.Date(), nullable=True),
    sa.PrimaryKeyConstraint('code', name=op.f('pk_criteria_sets'))
    )
    op.create_table('criteria',
    sa.Column('set_code', sa.String(length=40), nullable=False),
    sa.Column('clause', sa.String(length=20), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('clause_group', sa.String(length=100), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['set_code'], ['criteria_sets.code'], name=op.f('fk_criteria_set_code_criteria_sets')),
    sa.PrimaryKeyConstraint('set_code', 'clause', name=op.f('pk_criteria'))
    )
    _seed(bind)

    with op.batch_alter_table('hazards', schema=None) as batch_op:
        batch_op.add_column(sa.Column('criteria_set', sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column('criterion_clause', sa.String(length=20), nullable=True))
    bind.execute(sa.text(
        "UPDATE hazards SET criteria_set = :s, criterion_clause = CAST(criterion AS VARCHAR(20)) "
        "WHERE criterion IS NOT NULL"), {'s': SET_2017})

    _sqlite_foreign_keys(bind, False)
    with op.batch_alter_table('hazards', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_hazards_criterion_range'), type_='check')
        batch_op.drop_constraint(op.f('ck_hazards_criterion_major'), type_='check')
        batch_op.drop_column('criterion')
        batch_op.create_check_constraint(op.f('ck_hazards_criterion_pair'), '(criteria_set IS NULL) = (criterion_clause IS NULL)')
        batch_op.create_check_constraint(op.f('ck_hazards_criterion_major'), "criteria_set IS NULL OR level = 'major'")
        batch_op.create_foreign_key(op.f('fk_hazards_criterion_criteria'), 'criteria',
                                    ['criteria_set', 'criterion_clause'], ['set_code', 'clause'])
    _sqlite_foreign_keys(bind, True)

    _rewrite_checklists(bind, lambda i: i.startswith('criterion:') and i.count(':') == 1,
                        lambda i: f'criterion:{SET_2017}:{i.split(":", 1)[1]}')


def downgrade():
    bind = op.get_bind()
    newer = bind.execute(sa.text('SELECT count(*) FROM hazards WHERE criteria_set IS NOT NULL AND criteria_set <> :s'),
                         {'s': SET_2017}).scalar()
    if newer:
        raise RuntimeError(f'{newer} hazards refer to criteria other than {SET_2017}; the old schema cannot hold them.')
    with op.batch_alter_table('hazards', schema=None) as batch_op:
        batch_op.add_column(sa.Column('criterion', sa.Integer(), nullable=True))
    bind.execute(sa.text('UPDATE hazards SET criterion = CAST(criterion_clause AS INTEGER) WHERE criteria_set = :s'),
                 {'s': SET_2017})
    _sqlite_foreign_keys(bind, False)
    with op.batch_alter_table('hazards', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('fk_hazards_criterion_criteria'), type_='foreignkey')
        batch_op.drop_constraint(op.f('ck_hazards_criterion_major'), type_='check')
        batch_op.drop_constraint(op.f('ck_hazards_criterion_pair'), type_='check')
        batch_op.drop_column('criterion_clause')
        batch_op.drop_column('criteria_set')
        batch_op.create_check_constraint(op.f('ck_hazards_criterion_range'), 'criterion IS NULL OR (criterion BETWEEN 1 AND 20)')
        batch_op.create_check_constraint(op.f('ck_hazards_criterion_major'), "criterion IS NULL OR level = 'major'")
    _sqlite_foreign_keys(bind, True)
    _rewrite_checklists(bind, lambda i: i.startswith(f'criterion:{SET_2017}:'),
                        lambda i: 'criterion:' + i.rsplit(':', 1)[1])
    op.drop_table('criteria')
    op.drop_table('criteria_sets')
