"""hazard search on SQLite: an FTS5 trigram index over code, title and location

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-02 15:00:00

The ledger's free-text search (code, title or location contains the text) was a
LIKE '%...%' scan of every hazard on SQLite. This revision adds, on SQLite only:

- hazard_search: an FTS5 virtual table with the trigram tokenizer over the three
  searched columns, contentless (rowid = hazards.id; only the index is stored, about
  30 MB at 200,000 hazards). It indexes lower() of each column, case-sensitively:
  SQLite's lower() folds exactly the ASCII letters its LIKE ignores the case of, so
  a phrase of the lowered search text finds exactly the rows LIKE '%text%' finds;
- triggers hazard_search_ai / _ad / _au that keep it in step with every insert,
  delete and change of those columns, in the writer's own transaction;
- the index filled from the existing rows.

``safety_app.search`` uses it for texts of three characters or more (shorter ones
have no trigram and keep the LIKE). Alembic ignores the table and its shadow
tables (``safety_app.search.include_object``).

A later revision that rebuilds ``hazards`` in SQLite batch mode (copy, drop, rename)
drops these triggers with the old table: it must create them again (the SQL below;
tests/serving/test_search_index.py checks they exist at head).

PostgreSQL is unchanged: its search keeps ILIKE served by the trigram GIN index
ix_hazards_search (pg_trgm, revision 0002).
"""
from alembic import op

# revision identifiers, used by Alembic.
revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None

COLUMNS = 'code, title, location'
NEW = 'new.id, lower(new.code), lower(new.title), lower(new.location)'
OLD = "'delete', old.id, lower(old.code), lower(old.title), lower(old.location)"

STATEMENTS = [
    f"CREATE VIRTUAL TABLE hazard_search USING fts5({COLUMNS}, content='', "
    "tokenize='trigram case_sensitive 1')",
    f"CREATE TRIGGER hazard_search_ai AFTER INSERT ON hazards BEGIN "
    f"INSERT INTO hazard_search(rowid, {COLUMNS}) VALUES ({NEW}); END",
    f"CREATE TRIGGER hazard_search_ad AFTER DELETE ON hazards BEGIN "
    f"INSERT INTO hazard_search(hazard_search, rowid, {COLUMNS}) VALUES ({OLD}); END",
    f"CREATE TRIGGER hazard_search_au AFTER UPDATE OF id, {COLUMNS} ON hazards BEGIN "
    f"INSERT INTO hazard_search(hazard_search, rowid, {COLUMNS}) VALUES ({OLD}); "
    f"INSERT INTO hazard_search(rowid, {COLUMNS}) VALUES ({NEW}); END",
    f"INSERT INTO hazard_search(rowid, {COLUMNS}) SELECT id, lower(code), lower(title), lower(location) FROM hazards",
]


def upgrade():
    if op.get_bind().dialect.name != 'sqlite':
        return
    for statement in STATEMENTS:
        op.execute(statement)


def downgrade():
    if op.get_bind().dialect.name != 'sqlite':
        return
    for name in ('hazard_search_au', 'hazard_search_ad', 'hazard_search_ai'):
        op.execute(f'DROP TRIGGER IF EXISTS {name}')
    op.execute('DROP TABLE IF EXISTS hazard_search')
