"""performance indexes

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29 05:40:00

- ix_hazards_dashboard: a covering index for the dashboard's aggregates
  (totals, by enterprise, by category, 12-month trend) and the monthly
  report's figures: the database scans this narrow index instead of the
  wide hazards rows (descriptions, legal basis, notes).
- ix_hazards_found_by_id: the ledger's inspector filter and the alert jobs'
  finder lookups (a foreign key without an index before).
- ix_hazards_search: the ledger's free-text search (code, title or location
  ILIKE '%...%'). On PostgreSQL a trigram GIN index (extension pg_trgm), so
  the three ILIKEs become index scans OR-ed in a bitmap; on SQLite a plain
  index the search scans instead of the table.

The same indexes are declared on the models (safety_app/models/hazards.py),
so `flask db check` / tests/test_migrations.py find no drift.
"""
from alembic import op

SEARCH_COLUMNS = ['code', 'title', 'location']

# revision identifiers, used by Alembic.
revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None

DASHBOARD_COLUMNS = ['status', 'level', 'deadline', 'found_on', 'closed_on', 'enterprise_id', 'category']


def upgrade():
    op.create_index('ix_hazards_dashboard', 'hazards', DASHBOARD_COLUMNS, unique=False)
    op.create_index('ix_hazards_found_by_id', 'hazards', ['found_by_id'], unique=False)
    if op.get_bind().dialect.name == 'postgresql':
        op.execute('CREATE EXTENSION IF NOT EXISTS pg_trgm')
    op.create_index('ix_hazards_search', 'hazards', SEARCH_COLUMNS, unique=False, postgresql_using='gin',
                    postgresql_ops={c: 'gin_trgm_ops' for c in SEARCH_COLUMNS})


def downgrade():
    op.drop_index('ix_hazards_search', table_name='hazards')
    op.drop_index('ix_hazards_found_by_id', table_name='hazards')
    op.drop_index('ix_hazards_dashboard', table_name='hazards')
