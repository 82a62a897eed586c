"""Parse lock files: ``poetry.lock``, ``uv.lock`` (TOML ``[[package]]``) and ``Pipfile.lock``.

A lock file pins every package exactly, so each entry carries its version. Local projects
(directory, file, editable and virtual sources: usually the project itself) are not on PyPI and
are left out. The line of an entry is where its ``[[package]]`` header (or its JSON key) is.
"""

from __future__ import annotations

import json
import re
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from mamori.analysers.deps.manifest import (
    Dependency,
    ManifestError,
    ParseResult,
    find_line,
    normalise_name,
    quoted,
    read_text,
    skip,
)
from mamori.model import Skipped

_PACKAGE_HEADER = re.compile(r"^\s*\[\[\s*package\s*\]\]")
_LOCAL_SOURCES = frozenset({"directory", "file", "editable", "virtual", "path"})
_PIPFILE_SECTIONS = ("default", "develop")


def parse_toml_lock(path: Path) -> ParseResult:
    """Parse a ``poetry.lock`` or ``uv.lock`` file."""
    try:
        text = read_text(path)
        data = tomllib.loads(text)
    except (ManifestError, tomllib.TOMLDecodeError) as e:
        return ParseResult(skipped=(skip(path, f"malformed {path.name}: {e}"),))
    packages = data.get("package", [])
    if not isinstance(packages, list):
        return ParseResult(skipped=(skip(path, f"{path.name}: 'package' is not an array"),))
    lines = text.splitlines()
    headers = [i + 1 for i, line in enumerate(lines) if _PACKAGE_HEADER.match(line)]
    if len(headers) != len(packages):
        headers = [0] * len(packages)
    items = [_lock_entry(p, path, line) for p, line in zip(packages, headers, strict=True)]
    return ParseResult(
        tuple(i for i in items if isinstance(i, Dependency)),
        tuple(i for i in items if isinstance(i, Skipped)),
    )


def _lock_entry(package: Any, path: Path, line: int) -> Dependency | Skipped | None:
    if not isinstance(package, dict):
        return skip(path, f"line {line}: package entry is not a table")
    name, version = package.get("name"), package.get("version")
    if not isinstance(name, str) or not name.strip():
        return skip(path, f"line {line}: package entry has no name")
    if _is_local(package.get("source")):
        return None
    if not isinstance(version, str) or not version.strip():
        return Dependency(normalise_name(name), None, str(path), line, "no version locked")
    return Dependency(normalise_name(name), version.strip(), str(path), line)


def _is_local(source: Any) -> bool:
    """Whether a lock entry's source is a local project rather than a package index."""
    if not isinstance(source, dict):
        return False
    if source.get("type") in _LOCAL_SOURCES:  # poetry.lock: [package.source] type = "directory"
        return True
    return any(key in _LOCAL_SOURCES for key in source)  # uv.lock: source = { editable = "." }


def parse_pipfile_lock(path: Path) -> ParseResult:
    """Parse a ``Pipfile.lock`` (JSON; ``default`` and ``develop`` sections)."""
    try:
        text = read_text(path)
        data = json.loads(text)
    except (ManifestError, json.JSONDecodeError) as e:
        return ParseResult(skipped=(skip(path, f"malformed Pipfile.lock: {e}"),))
    if not isinstance(data, dict):
        return ParseResult(skipped=(skip(path, "malformed Pipfile.lock: not a JSON object"),))
    lines = text.splitlines()
    items = [item for section in _PIPFILE_SECTIONS for item in _section(data, section, path, lines)]
    return ParseResult(
        tuple(i for i in items if isinstance(i, Dependency)),
        tuple(i for i in items if isinstance(i, Skipped)),
    )


def _section(
    data: dict[str, Any], section: str, path: Path, lines: list[str]
) -> Iterator[Dependency | Skipped]:
    entries = data.get(section, {})
    if not isinstance(entries, dict):
        yield skip(path, f"Pipfile.lock: '{section}' is not an object")
        return
    start = find_line(lines, re.compile(rf"{quoted(section)}\s*:"))
    for name, entry in entries.items():
        line = find_line(lines, re.compile(rf"{quoted(name)}\s*:"), start)
        if not isinstance(entry, dict):
            yield skip(path, f"line {line}: Pipfile.lock entry is not an object")
            continue
        version = entry.get("version")
        if isinstance(version, str) and version.startswith("=="):
            yield Dependency(normalise_name(name), version.lstrip("=").strip(), str(path), line)
        else:
            yield Dependency(normalise_name(name), None, str(path), line, "no version locked")
