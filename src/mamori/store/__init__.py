"""The result store: scan runs, diffs and suppressions in SQLite or PostgreSQL.

::

    with Store.open() as store:                # sqlite:///.mamori/mamori.db
        run_id = store.save(result)
        store.diff("latest~1", "latest").new
        store.suppress(fingerprint, "accepted risk", until=None, by="alice")
"""

from __future__ import annotations

from mamori.store._engine import DEFAULT_URL
from mamori.store.interface import RunDiff, RunSummary, StoreError
from mamori.store.store import Store

__all__ = ["DEFAULT_URL", "RunDiff", "RunSummary", "Store", "StoreError"]
