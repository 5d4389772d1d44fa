"""Figures and pages kept per process under a data version: exact, never stale.

A data version (``sequences.WATCHED``: ``HAZARD_DATA`` for hazards, enterprises, listed supervision,
measures, users and the settings figures read; ``INSPECTION_DATA`` for inspections, plans, their
tasks and enterprises) takes a new value in the same transaction as every write of its data, so a
value kept under (database, version, key) is exactly the value of that data. The version is read
(once per request) before the value is computed: a write that commits in between can only make the
kept value newer than its key, never older. Before the first write there is no version and nothing
is kept.
"""
import threading
from collections import OrderedDict

from .. import sequences
from ..extensions import db

_EVERY = []  # every cache of the process, for clear_all


def clear_all():
    """Forget every kept figure of the process (tests that count the queries of a computation)."""
    for cache in _EVERY:
        cache.clear()


class VersionedCache:
    """A bounded LRU of computed figures keyed by the data version ``version`` and the caller's key."""

    def __init__(self, size, version=sequences.HAZARD_DATA):
        self.size = size
        self.version = version
        self._items = OrderedDict()
        self._lock = threading.Lock()
        _EVERY.append(self)

    def get(self, key, compute):
        """The value kept for ``key`` under the current data version, or ``compute()`` kept."""
        version = sequences.data_version(self.version)
        if version is None:
            return compute()
        full = (db.engine.url.render_as_string(), version, *key)
        with self._lock:
            found = self._items.get(full)
            if found is not None:
                self._items.move_to_end(full)
                return found
        value = compute()
        with self._lock:
            self._items[full] = value
            while len(self._items) > self.size:
                self._items.popitem(last=False)
        return value

    def clear(self):
        with self._lock:
            self._items.clear()
