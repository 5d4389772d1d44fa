"""figures read from covering indexes; planner statistics

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-02 18:30:00

- ix_hazards_dashboard widened: status, enterprise, category, source, level, deadline,
  submitted_at, found on, closed on. Every dashboard aggregate (by status, enterprise, category,
  source, overdue, backlog, 清零) is answered from the index alone, never from the wide rows.
- ix_hazards_found_on (found_on, status) and ix_hazards_closed_on (closed_on, found_on): the month
  figures and the 12-month trend counted from the index alone.
- ix_inspections_enterprise_status_inspected_on: "has this enterprise a completed inspection in the
  period" (coverage) is one short index range per enterprise.
- ANALYZE: SQLite's planner has no statistics until it is run, and without them it picks a narrow
  index that is not covering (thousands of row lookups) over the covering one.
"""
from alembic import op

# revision identifiers, used by Alembic.
revision = "0023"
down_revision = "0022"
branch_labels = None
depends_on = None


def upgrade():
    op.drop_index('ix_hazards_dashboard', table_name='hazards')
    op.create_index('ix_hazards_dashboard', 'hazards',
                    ['status', 'enterprise_id', 'category', 'source', 'level', 'deadline', 'submitted_at',
                     'found_on', 'closed_on'])
    op.drop_index('ix_hazards_found_on', table_name='hazards')
    op.create_index('ix_hazards_found_on', 'hazards', ['found_on', 'status'])
    op.drop_index('ix_hazards_closed_on', table_name='hazards')
    op.create_index('ix_hazards_closed_on', 'hazards', ['closed_on', 'found_on'])
    op.create_index('ix_inspections_enterprise_status_inspected_on', 'inspections',
                    ['enterprise_id', 'status', 'inspected_on'])
    op.execute('ANALYZE')


def downgrade():
    op.drop_index('ix_inspections_enterprise_status_inspected_on', table_name='inspections')
    op.drop_index('ix_hazards_closed_on', table_name='hazards')
    op.create_index('ix_hazards_closed_on', 'hazards', ['closed_on'])
    op.drop_index('ix_hazards_found_on', table_name='hazards')
    op.create_index('ix_hazards_found_on', 'hazards', ['found_on'])
    op.drop_index('ix_hazards_dashboard', table_name='hazards')
    op.create_index('ix_hazards_dashboard', 'hazards',
                    ['status', 'level', 'deadline', 'found_on', 'closed_on', 'enterprise_id', 'category'])
