"""On-disk cache of per-module facts, keyed by content hash.

A re-scan reads every file (to hash it) but parses only the modules that changed and the ones
whose functions the fixpoint analyses (:mod:`.demand`). Facts do not depend on the rule pack
(rules are applied when the program is indexed), so the key is the facts format and Mamori
version, the display path and the exact bytes: an edit or an upgrade misses the cache instead
of reusing stale facts.

Entries are pickles. Loading is restricted to the facts classes and plain builtin values (a
tampered entry cannot name any other callable), the folder is created private (0700), and an
unreadable or foreign entry is a miss, never an error.
"""

from __future__ import annotations

import hashlib
import io
import logging
import os
import pickle
import tempfile
from pathlib import Path
from typing import Any

from mamori.analysers.taint import checks, facts
from mamori.model import Confidence

__all__ = ["FactsCache"]

log = logging.getLogger(__name__)

_ALLOWED = {
    ("mamori.analysers.taint.facts", "ModuleFacts"): facts.ModuleFacts,
    ("mamori.analysers.taint.facts", "FunctionFacts"): facts.FunctionFacts,
    ("mamori.analysers.taint.facts", "ClassFacts"): facts.ClassFacts,
    ("mamori.analysers.taint.checks", "Hit"): checks.Hit,
    ("mamori.model", "Confidence"): Confidence,
    ("builtins", "frozenset"): frozenset,
    ("builtins", "set"): set,
    ("builtins", "complex"): complex,
    ("builtins", "Ellipsis"): Ellipsis,
}


class _Loader(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> Any:
        try:
            return _ALLOWED[(module, name)]
        except KeyError:
            raise pickle.UnpicklingError(f"{module}.{name} is not allowed in the cache") from None


class FactsCache:
    """Facts of modules by content hash, in one folder (or nowhere when ``folder`` is None)."""

    def __init__(self, folder: Path | None, key: str) -> None:
        self.folder = folder
        self.key = key.encode()
        self.hits = 0
        self.misses = 0
        if folder is not None:
            try:
                folder.mkdir(parents=True, exist_ok=True, mode=0o700)
            except OSError as e:
                log.warning("taint: cache folder %s is not usable (%s); not caching", folder, e)
                self.folder = None

    def _file(self, display: str, data: bytes) -> Path | None:
        if self.folder is None:
            return None
        digest = hashlib.sha256(self.key + b"\0" + display.encode() + b"\0" + data).hexdigest()
        return self.folder / digest[:2] / f"{digest}.pickle"

    def get(self, display: str, data: bytes) -> facts.ModuleFacts | None:
        """The cached facts of this exact module text at this path, if any."""
        path = self._file(display, data)
        if path is None:
            return None
        try:
            found = _Loader(io.BytesIO(path.read_bytes())).load()
        except FileNotFoundError:
            self.misses += 1
            return None
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, TypeError) as e:
            log.warning("taint: ignoring unreadable cache entry %s: %s", path.name, e)
            self.misses += 1
            return None
        if not isinstance(found, facts.ModuleFacts) or found.path != display:
            self.misses += 1
            return None
        self.hits += 1
        return found

    def put(self, display: str, data: bytes, value: facts.ModuleFacts) -> None:
        """Store facts (atomically; a failure to write only costs the next scan time)."""
        path = self._file(display, data)
        if path is None:
            return
        try:
            path.parent.mkdir(exist_ok=True, mode=0o700)
            fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
            with os.fdopen(fd, "wb") as fh:
                pickle.dump(value, fh, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, path)
        except (OSError, pickle.PicklingError, TypeError) as e:
            log.warning("taint: cannot write cache entry for %s: %s", display, e)
