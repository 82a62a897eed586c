"""Find and parse dependency manifests: the one entry point the analyser calls.

Supported manifests (by file name):

- ``requirements*.txt``, ``*-requirements.txt``, ``constraints*.txt`` and any ``.txt`` inside a
  ``requirements/`` folder: pip requirements files (:mod:`.requirements`);
- ``pyproject.toml``: PEP 621 and Poetry tables (:mod:`.pyproject`);
- ``poetry.lock``, ``uv.lock`` and ``Pipfile.lock``: lock files (:mod:`.lockfiles`).
"""

from __future__ import annotations

import fnmatch
from collections.abc import Callable
from pathlib import Path, PurePath

from mamori.analysers.deps.lockfiles import parse_pipfile_lock, parse_toml_lock
from mamori.analysers.deps.manifest import Dependency, ParseResult, skip
from mamori.analysers.deps.pyproject import parse_pyproject
from mamori.analysers.deps.requirements import parse_requirements

__all__ = ["Dependency", "ParseResult", "is_manifest", "parse_manifest"]

_BY_NAME: dict[str, Callable[[Path], ParseResult]] = {
    "pyproject.toml": parse_pyproject,
    "poetry.lock": parse_toml_lock,
    "uv.lock": parse_toml_lock,
    "pipfile.lock": parse_pipfile_lock,
}
_REQUIREMENTS_PATTERNS = ("requirements*.txt", "*-requirements.txt", "*_requirements.txt",
                          "constraints*.txt")  # fmt: skip


def is_manifest(path: str | PurePath) -> bool:
    """Whether a file name is a dependency manifest this package can parse."""
    return _is_lock_or_pyproject(PurePath(path)) or _is_requirements(PurePath(path))


def _is_lock_or_pyproject(path: PurePath) -> bool:
    return path.name.lower() in _BY_NAME


def _is_requirements(path: PurePath) -> bool:
    name = path.name.lower()
    if not name.endswith(".txt"):
        return False
    if path.parent.name.lower() == "requirements":
        return True
    return any(fnmatch.fnmatchcase(name, pattern) for pattern in _REQUIREMENTS_PATTERNS)


def parse_manifest(path: str | Path, *, allowed_root: str | Path | None = None) -> ParseResult:
    """Parse the manifest at ``path``; unknown or unreadable files become a Skipped.

    ``allowed_root`` bounds which files ``-r`` includes in requirements files may pull in.
    """
    manifest = Path(path)
    parser = _BY_NAME.get(manifest.name.lower())
    if parser is not None:
        return parser(manifest)
    if _is_requirements(manifest):
        root = Path(allowed_root) if allowed_root is not None else None
        return parse_requirements(manifest, allowed_root=root)
    return ParseResult(skipped=(skip(manifest, "not a dependency manifest Mamori can parse"),))
