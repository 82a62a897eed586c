"""Parse ``pyproject.toml``: PEP 621 dependencies and Poetry dependency tables.

PEP 621: ``project.dependencies`` and every list in ``project.optional-dependencies``; only an
exact ``==`` pin yields a version. Poetry: ``tool.poetry.dependencies``, the legacy
``tool.poetry.dev-dependencies`` and every ``tool.poetry.group.<name>.dependencies``; a bare
version (``"1.2.3"``) or ``"==1.2.3"`` is exact, carets, tildes and ranges are not. ``tomllib``
keeps no positions, so line numbers are found by searching the text (best effort; 0 if not found).
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from packaging.requirements import InvalidRequirement, Requirement

from mamori.analysers.deps.manifest import (
    Dependency,
    ManifestError,
    ParseResult,
    exact_version,
    find_line,
    normalise_name,
    quoted,
    read_text,
    skip,
)
from mamori.analysers.deps.requirements import requirement_to_dependency
from mamori.model import Skipped

_Item = Dependency | Skipped


def parse_pyproject(path: Path) -> ParseResult:
    """Parse the PEP 621 and Poetry dependencies declared in a ``pyproject.toml``."""
    try:
        text = read_text(path)
        data = tomllib.loads(text)
    except (ManifestError, tomllib.TOMLDecodeError) as e:
        return ParseResult(skipped=(skip(path, f"malformed pyproject.toml: {e}"),))
    lines = text.splitlines()
    items = [*_pep621(data, path, lines), *_poetry(data, path, lines)]
    return ParseResult(
        tuple(i for i in items if isinstance(i, Dependency)),
        tuple(i for i in items if isinstance(i, Skipped)),
    )


# --- PEP 621 ---------------------------------------------------------------------------


def _pep621(data: dict[str, Any], path: Path, lines: list[str]) -> Iterator[_Item]:
    project = data.get("project", {})
    if not isinstance(project, dict):
        yield skip(path, "[project] is not a table")
        return
    start = find_line(lines, re.compile(r"^\s*\[project\]"))
    if "dependencies" in project:
        cursor = find_line(lines, re.compile(r"^\s*dependencies\s*="), start)
        yield from _requirement_list(
            project["dependencies"], "project.dependencies", path, lines, cursor
        )
    optional = project.get("optional-dependencies", {})
    if not isinstance(optional, dict):
        yield skip(path, "project.optional-dependencies is not a table")
        return
    header = find_line(lines, re.compile(r"^\s*\[project\.optional-dependencies\]"))
    for group, entries in optional.items():
        key = re.compile(rf"^\s*(?:{re.escape(group)}|{quoted(group)})\s*=")
        cursor = find_line(lines, key, header)
        where = f"project.optional-dependencies.{group}"
        yield from _requirement_list(entries, where, path, lines, cursor)


def _requirement_list(
    entries: Any, where: str, path: Path, lines: list[str], cursor: int
) -> Iterator[_Item]:
    if not isinstance(entries, list) or not all(isinstance(e, str) for e in entries):
        yield skip(path, f"{where} is not a list of strings")
        return
    for entry in entries:
        line = find_line(lines, re.compile(quoted(entry)), max(cursor - 1, 0))
        try:
            req = Requirement(entry)
        except InvalidRequirement:
            yield skip(path, f"line {line}: {where} has an entry that is not a PEP 508 requirement")
            continue
        cursor = line or cursor
        yield requirement_to_dependency(req, str(path), line)


# --- Poetry ----------------------------------------------------------------------------


def _poetry(data: dict[str, Any], path: Path, lines: list[str]) -> Iterator[_Item]:
    tool = data.get("tool", {})
    poetry = tool.get("poetry", {}) if isinstance(tool, dict) else None
    if not isinstance(poetry, dict):
        return
    tables: list[tuple[str, Any]] = [
        ("tool.poetry.dependencies", poetry.get("dependencies")),
        ("tool.poetry.dev-dependencies", poetry.get("dev-dependencies")),
    ]
    groups = poetry.get("group", {})
    if isinstance(groups, dict):
        tables += [
            (f"tool.poetry.group.{name}.dependencies", group.get("dependencies"))
            for name, group in groups.items()
            if isinstance(group, dict)
        ]
    for where, table in tables:
        if table is None:
            continue
        if not isinstance(table, dict):
            yield skip(path, f"{where} is not a table")
            continue
        header = find_line(lines, re.compile(rf"^\s*\[{re.escape(where)}\]"))
        yield from _poetry_table(table, path, lines, header)


def _poetry_table(
    table: dict[str, Any], path: Path, lines: list[str], header: int
) -> Iterator[Dependency]:
    for name, constraint in table.items():
        if name.lower() == "python":
            continue
        key = re.compile(rf"^\s*(?:{re.escape(name)}|{quoted(name)})\s*=")
        line = find_line(lines, key, header)
        version, spec = _poetry_constraint(constraint)
        yield Dependency(normalise_name(name), version, str(path), line, spec)


def _poetry_constraint(constraint: Any) -> tuple[str | None, str]:
    """(exact version or None, constraint as text) for one Poetry dependency value."""
    if isinstance(constraint, dict):
        if any(k in constraint for k in ("git", "path", "url")):
            return None, "direct reference"
        constraint = constraint.get("version", "")
    if not isinstance(constraint, str):
        return None, "multiple constraints"
    text = constraint.strip()
    bare = text.removeprefix("==").removeprefix("=").strip()
    return exact_version(bare), text
