"""The ledger's free-text search index on SQLite (FTS5 trigram, migration 0019).

``hazard_search`` indexes each hazard's code, title and location, lowered by SQLite's
``lower()``, by trigrams (every run of three characters, any script); triggers keep it
in step with ``hazards``. A phrase of the lowered search text finds exactly the rows
``LIKE '%text%'`` finds (LIKE ignores the case of ASCII letters only, which is all that
``lower()`` folds), so :func:`matches` replaces the LIKE scan of every row. Texts
shorter than three characters have no trigram: the caller keeps the LIKE, as on
PostgreSQL, where ILIKE is served by the trigram GIN index ``ix_hazards_search``.

How the ids reach the ledger's query depends on how many there are: a few (up to
``FEW``) go in as a list, read by primary key; many stay a subquery, and when the
ledger is sorted by an indexed column the query walks that index and keeps the rows
whose id is in the set (``hazards.id + 0`` stops SQLite from fetching every match by
its id first), so the first page is found after reading a few hundred index entries.

The table is not in the models: Alembic's comparison skips it and its FTS5 shadow
tables (:func:`include_object`, used by ``migrations/env.py``).
"""
from dataclasses import dataclass

from sqlalchemy import column, func, inspect, select, table

from .extensions import db
from .monitoring.partitions import include_object as _partitions_included

TABLE = "hazard_search"
TRIGGERS = ("hazard_search_ai", "hazard_search_ad", "hazard_search_au")
MIN_LENGTH = 3  # a trigram index needs three characters
FEW = 1000  # up to this many matches are passed as a list of ids

_index = table(TABLE, column("rowid"), column(TABLE))
_available = {}  # engine URL → the index exists there


def include_object(obj, name, type_, reflected, compare_to):
    """Alembic filter: the search index and its shadow tables are not schema (nor are
    the monthly partitions of ``readings``)."""
    if type_ == "table" and name and (name == TABLE or name.startswith(f"{TABLE}_")):
        return False
    return _partitions_included(obj, name, type_, reflected, compare_to)


def available():
    """True when the current database has the index (SQLite at revision 0019 or later)."""
    engine = db.session.get_bind()
    if engine.dialect.name != "sqlite":
        return False
    key = str(engine.url)
    if key not in _available:
        _available[key] = inspect(engine).has_table(TABLE)
    return _available[key]


def phrase(text):
    """The FTS5 phrase of ``text``: quotes doubled, nothing else is syntax inside one."""
    return '"' + text.replace('"', '""') + '"'


def _match(text):
    # Lowered by the database, with the same lower() as the index.
    return _index.c[TABLE].match(func.printf('"%s"', func.replace(func.lower(text), '"', '""')))


@dataclass(frozen=True)
class Matches:
    """The hazards whose code, title or location contain a text."""

    text: str
    ids: list | None  # every matching id, when there are at most FEW of them

    @property
    def select(self):
        return select(_index.c.rowid).where(_match(self.text))

    def count(self):
        if self.ids is not None:
            return len(self.ids)
        return db.session.scalar(select(func.count()).select_from(_index).where(_match(self.text)))

    def condition(self, id_column, *, ordered=False):
        """``id_column`` is one of the matches; ``ordered``: the query reads the rows in the order of
        an index (see the module's note), so many matches are tested while walking it."""
        if self.ids is not None:
            return id_column.in_(self.ids)
        return (id_column + 0).in_(self.select) if ordered else id_column.in_(self.select)


def matches(text):
    """The :class:`Matches` of ``text``, or None when the index cannot help (PostgreSQL, no index,
    fewer than three characters). One query: the ids themselves when there are few."""
    if len(text) < MIN_LENGTH or not available():
        return None
    ids = db.session.scalars(select(_index.c.rowid).where(_match(text)).limit(FEW + 1)).all()
    return Matches(text, ids if len(ids) <= FEW else None)
