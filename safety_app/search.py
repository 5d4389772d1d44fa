"""The ledger's free-text search index on SQLite (FTS5 trigram, migration r18a).

``hazard_search`` indexes each hazard's code, title and location by trigrams (every
run of three characters, any script, case folded); triggers keep it in step with
the ``hazards`` table. :func:`candidates` turns a search text into the ids of the
hazards that contain it in one of the three columns: a superset of what
``LIKE '%text%'`` finds (the index also folds non-ASCII case), so
``queries.conditions`` keeps the LIKE as well and the result is exactly the scan's,
only without reading every row. Texts shorter than three characters have no
trigram: the caller falls back to the LIKE alone, as on PostgreSQL, where ILIKE is
served by the trigram GIN index ``ix_hazards_search``.

The table is not in the models: Alembic's comparison skips it and its FTS5 shadow
tables (:func:`include_object`, used by ``migrations/env.py``).
"""
from sqlalchemy import column, inspect, select, table

from .extensions import db
from .monitoring.partitions import include_object as _partitions_included

TABLE = "hazard_search"
TRIGGERS = ("hazard_search_ai", "hazard_search_ad", "hazard_search_au")
MIN_LENGTH = 3  # a trigram index needs three characters

_index = table(TABLE, column("rowid"), column(TABLE))
_available = {}  # engine URL → the index exists there


def include_object(obj, name, type_, reflected, compare_to):
    """Alembic filter: the search index and its shadow tables are not schema (nor are
    the monthly partitions of ``readings``)."""
    if type_ == "table" and name and (name == TABLE or name.startswith(f"{TABLE}_")):
        return False
    return _partitions_included(obj, name, type_, reflected, compare_to)


def available():
    """True when the current database has the index (SQLite at revision r18a or later)."""
    engine = db.session.get_bind()
    if engine.dialect.name != "sqlite":
        return False
    key = str(engine.url)
    if key not in _available:
        _available[key] = inspect(engine).has_table(TABLE)
    return _available[key]


def phrase(text):
    """An FTS5 phrase matching ``text`` literally (quotes doubled, nothing else is syntax inside)."""
    return '"' + text.replace('"', '""') + '"'


def candidates(text):
    """A SELECT of the ids of hazards whose code, title or location may contain ``text``, or None
    when the index cannot help (PostgreSQL, no index, fewer than three characters)."""
    if len(text) < MIN_LENGTH or not available():
        return None
    return select(_index.c.rowid).where(_index.c[TABLE].match(phrase(text)))
