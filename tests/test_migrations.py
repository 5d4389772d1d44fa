from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from safety_app.extensions import db
from safety_app.search import include_object


def test_migrations_create_exactly_the_models(app):
    """The equivalent of `flask db check`: the migrated schema equals the models (the monthly
    partitions of ``readings`` on PostgreSQL and the SQLite search index are not schema, filtered as
    migrations/env.py does)."""
    with db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True, "include_object": include_object})
        diff = compare_metadata(context, db.metadata)
    assert diff == []


def test_migrations_are_at_head(app):
    from alembic.script import ScriptDirectory
    from flask_migrate import Migrate  # noqa: F401

    config = app.extensions["migrate"].migrate.get_config()
    heads = ScriptDirectory.from_config(config).get_heads()
    with db.engine.connect() as conn:
        current = MigrationContext.configure(conn).get_current_heads()
    assert set(current) == set(heads) and len(heads) == 1
