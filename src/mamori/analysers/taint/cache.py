"""On-disk caches: per-module facts keyed by content hash, and the last solve's results.

A re-scan reads every file (to hash it) but parses only the modules that changed and the ones
whose functions the fixpoint analyses (:mod:`.demand`). Facts do not depend on the rule pack
(rules are applied when the program is indexed), so the key is the facts format and Mamori
version, the display path and the exact bytes: an edit or an upgrade misses the cache instead
of reusing stale facts. The results of the last solve (per-function summaries and flows, and
the digest of every module) let the next solve skip each function whose module and
dependencies are unchanged (:func:`.engine.solve`).

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

from mamori.analysers._gc import paused_gc
from mamori.analysers.taint import checks, engine, facts, summaries, values
from mamori.model import Confidence, Location, TraceStep

__all__ = ["FactsCache", "ResultsCache"]

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


_RESULTS_ALLOWED = {
    **_ALLOWED,
    ("mamori.analysers.taint.engine", "Results"): engine.Results,
    ("mamori.analysers.taint.engine", "Result"): engine.Result,
    ("mamori.analysers.taint.summaries", "Summary"): summaries.Summary,
    ("mamori.analysers.taint.summaries", "ParamSink"): summaries.ParamSink,
    ("mamori.analysers.taint.summaries", "FieldWrite"): summaries.FieldWrite,
    ("mamori.analysers.taint.summaries", "Flow"): summaries.Flow,
    ("mamori.analysers.taint.values", "Label"): values.Label,
    ("mamori.model", "Location"): Location,
    ("mamori.model", "TraceStep"): TraceStep,
}


class _Loader(pickle.Unpickler):
    allowed = _ALLOWED

    def find_class(self, module: str, name: str) -> Any:
        try:
            return self.allowed[(module, name)]
        except KeyError:
            raise pickle.UnpicklingError(f"{module}.{name} is not allowed in the cache") from None


class _ResultsLoader(_Loader):
    allowed = _RESULTS_ALLOWED


def _write(path: Path, value: object) -> None:
    """Pickle ``value`` to ``path`` atomically (OSError and pickling errors propagate)."""
    path.parent.mkdir(exist_ok=True, mode=0o700)
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh, paused_gc():
            pickle.dump(value, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


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

    def _file(self, display: str, digest: str) -> Path | None:
        if self.folder is None:
            return None
        name = hashlib.sha256(b"\0".join((self.key, display.encode(), digest.encode())))
        entry = name.hexdigest()
        return self.folder / entry[:2] / f"{entry}.pickle"

    def get(self, display: str, digest: str) -> facts.ModuleFacts | None:
        """The cached facts of the module text with SHA-256 ``digest`` at this path, if any."""
        path = self._file(display, digest)
        if path is None:
            return None
        try:
            data = path.read_bytes()
            with paused_gc():
                found = _Loader(io.BytesIO(data)).load()
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

    def put(self, display: str, digest: str, value: facts.ModuleFacts) -> None:
        """Store facts (atomically; a failure to write only costs the next scan time)."""
        path = self._file(display, digest)
        if path is None:
            return
        try:
            _write(path, value)
        except (OSError, pickle.PicklingError, TypeError) as e:
            log.warning("taint: cannot write cache entry for %s: %s", display, e)


class ResultsCache:
    """The last solve's results for one scan root, rule pack and option set (one file)."""

    def __init__(self, folder: Path | None, key: str) -> None:
        self.path: Path | None = None
        if folder is not None:
            digest = hashlib.sha256(key.encode()).hexdigest()[:24]
            self.path = folder / f"results-{digest}.pickle"

    def load(self) -> engine.Results | None:
        """The stored results, or None (missing, unreadable or foreign)."""
        if self.path is None:
            return None
        try:
            data = self.path.read_bytes()
            with paused_gc():
                found = _ResultsLoader(io.BytesIO(data)).load()
        except FileNotFoundError:
            return None
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, TypeError) as e:
            log.warning("taint: ignoring unreadable results cache %s: %s", self.path.name, e)
            return None
        return found if isinstance(found, engine.Results) else None

    def save(self, results: engine.Results) -> None:
        """Store results (a failure to write only costs the next scan time)."""
        if self.path is None:
            return
        try:
            _write(self.path, results)
        except (OSError, pickle.PicklingError, TypeError) as e:
            log.warning("taint: cannot write the results cache: %s", e)
