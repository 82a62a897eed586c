"""Parse pip requirements files: pins, includes, comments, markers, extras, hashes, continuations.

Only exact pins (``==1.2.3`` without wildcards, or ``===anything``) yield a version; every other
entry is returned unpinned so that it is never matched against advisories by guesswork.
``-r``/``--requirement`` includes are followed relative to the including file, but only inside
``allowed_root`` when one is given (an include pointing elsewhere becomes a Skipped). Lines are
never echoed into skip reasons: they may carry index credentials.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from pathlib import Path

from packaging.requirements import InvalidRequirement, Requirement
from packaging.specifiers import SpecifierSet

from mamori.analysers.deps.manifest import (
    Dependency,
    ManifestError,
    ParseResult,
    exact_version,
    normalise_name,
    read_text,
    skip,
)
from mamori.model import Skipped

log = logging.getLogger(__name__)

_COMMENT = re.compile(r"(^|\s+)#.*$")
_INCLUDE = re.compile(r"^(?:-r|--requirement)(?:\s*=\s*|\s+|(?=[^\s-]))(?P<path>\S+)$")
_MAX_INCLUDE_DEPTH = 20


@dataclass
class _State:
    """Mutable accumulator for one top-level parse (never escapes this module)."""

    allowed_root: Path | None
    seen: set[Path] = field(default_factory=set)
    dependencies: list[Dependency] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)


def parse_requirements(path: Path, *, allowed_root: Path | None = None) -> ParseResult:
    """Parse a requirements file and the files it includes with ``-r``."""
    state = _State(allowed_root=allowed_root.resolve() if allowed_root else None)
    _parse_file(path, state, depth=0)
    return ParseResult(tuple(state.dependencies), tuple(state.skipped))


def _parse_file(path: Path, state: _State, depth: int) -> None:
    state.seen.add(path.resolve())
    try:
        text = read_text(path)
    except ManifestError as e:
        state.skipped.append(skip(path, str(e)))
        return
    for line_no, line in logical_lines(text):
        if line.startswith("-"):
            _handle_option(path, line_no, line, state, depth)
        else:
            _handle_requirement(path, line_no, line, state)


def logical_lines(text: str) -> list[tuple[int, str]]:
    """Join ``\\`` continuations and drop comments: ``(first physical line, text)`` pairs."""
    result: list[tuple[int, str]] = []
    parts: list[str] = []
    start = 0
    for index, raw in enumerate(text.splitlines(), start=1):
        if not parts:
            start = index
        stripped = raw.rstrip()
        if stripped.endswith("\\") and not _COMMENT.match(stripped):
            parts.append(stripped[:-1])
            continue
        parts.append(raw)
        joined = _COMMENT.sub("", "".join(parts)).strip()
        parts = []
        if joined:
            result.append((start, joined))
    if parts and (tail := _COMMENT.sub("", "".join(parts)).strip()):
        result.append((start, tail))
    return result


def _handle_option(path: Path, line_no: int, line: str, state: _State, depth: int) -> None:
    match = _INCLUDE.match(line)
    if match is None:
        return  # -c, -e, -i, --hash and friends: not a PyPI pin, nothing to audit
    target = match.group("path")
    if "://" in target:
        state.skipped.append(skip(path, f"line {line_no}: remote include not followed"))
        return
    included = (path.parent / target).resolve()
    reason = _include_problem(included, state, depth)
    if reason:
        state.skipped.append(skip(path, f"line {line_no}: {reason}"))
    elif included not in state.seen:
        _parse_file(included, state, depth + 1)


def _include_problem(included: Path, state: _State, depth: int) -> str:
    if state.allowed_root and not included.is_relative_to(state.allowed_root):
        return f"include {included.name} lies outside the scan root; not followed"
    if depth >= _MAX_INCLUDE_DEPTH:
        return f"includes nested deeper than {_MAX_INCLUDE_DEPTH}; not followed"
    if not included.is_file():
        return f"included file {included.name} does not exist"
    return ""


def _handle_requirement(path: Path, line_no: int, line: str, state: _State) -> None:
    text = _strip_options(line)
    try:
        req = Requirement(text)
    except InvalidRequirement:
        reason = f"line {line_no}: not a PEP 508 requirement (paths and URLs are not audited)"
        state.skipped.append(skip(path, reason))
        return
    state.dependencies.append(requirement_to_dependency(req, str(path), line_no))


def _strip_options(line: str) -> str:
    """The requirement part of a line, without trailing ``--hash``/``--config-settings`` args."""
    tokens = line.split()
    kept: list[str] = []
    for token in tokens:
        if token.startswith("-"):
            break
        kept.append(token)
    return " ".join(kept)


def requirement_to_dependency(req: Requirement, path: str, line: int) -> Dependency:
    """A Dependency from a parsed PEP 508 requirement (direct URL references stay unpinned)."""
    if req.url:
        return Dependency(normalise_name(req.name), None, path, line, "direct reference")
    return Dependency(
        normalise_name(req.name), pinned_version(req.specifier), path, line, str(req.specifier)
    )


def pinned_version(specifiers: SpecifierSet) -> str | None:
    """The version an exact ``==``/``===`` pin fixes, or None when the set allows a range."""
    for spec in specifiers:
        if spec.operator == "===":
            return spec.version.strip() or None
        if spec.operator == "==" and (version := exact_version(spec.version)):
            return version
    return None
