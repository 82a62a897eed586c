"""Turn the paths an operator names into in-scope file targets, and bad input into skips.

Every path is checked against the scope *before* it is opened. Files that no analyser can
read safely become :class:`~mamori.model.Skipped` entries with a reason: binary content,
invalid UTF-8, files over the size limit, symlink loops, symlinks leading out of scope,
unreadable files. Well-known tool folders (``.git``, ``__pycache__``, virtualenvs…) are not
descended into; that list is documented and can be changed.
"""

from __future__ import annotations

import errno
import logging
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from mamori.errors import ScopeError
from mamori.model import Skipped, Target, TargetKind
from mamori.scope import Scope

log = logging.getLogger(__name__)

DEFAULT_MAX_FILE_SIZE = 5 * 1024 * 1024
"""Files larger than this (bytes) are skipped; most source and config files are far smaller."""

DEFAULT_EXCLUDED_DIRS = frozenset(
    {".git", ".hg", ".svn", "__pycache__", ".venv", "venv", ".tox", ".nox", "node_modules",
     ".mypy_cache", ".ruff_cache", ".pytest_cache", ".mamori", "mamori-out"}
)  # fmt: skip
"""Folder names never descended into."""

_SNIFF = 8192


@dataclass(frozen=True, slots=True)
class Collection:
    """The targets found under the requested paths, and what was skipped."""

    targets: tuple[Target, ...]
    """In-scope, readable text files."""
    skipped: tuple[Skipped, ...] = ()
    """Files that were not scanned, with reasons."""
    roots: tuple[Path, ...] = field(default_factory=tuple)
    """The resolved paths that were asked for."""
    base: Path = field(default_factory=Path.cwd)
    """The folder displayed paths are relative to (common parent of the roots)."""


def collect(
    paths: Sequence[str | Path],
    scope: Scope,
    *,
    max_file_size: int = DEFAULT_MAX_FILE_SIZE,
    excluded_dirs: frozenset[str] = DEFAULT_EXCLUDED_DIRS,
    display_root: Path | None = None,
) -> Collection:
    """Collect file targets under ``paths``.

    Raises :class:`ScopeError` if a requested path itself is outside the scope or missing,
    before anything is read. Problems with individual files inside become skips.
    """
    roots = [Path(p) for p in paths]
    for root in roots:  # refuse the whole request before touching anything
        scope.path_rule(root)
        if not root.exists() and not root.is_symlink():
            raise ScopeError(f"{root} does not exist", hint="check the path you asked to scan")
    base = display_root or common_root(roots)
    targets: list[Target] = []
    skipped: list[Skipped] = []
    seen: set[Path] = set()
    for root in roots:
        for path in _walk(root, excluded_dirs, skipped, base):
            item = _check_file(path, scope, max_file_size, base)
            if isinstance(item, Skipped):
                skipped.append(item)
            elif Path(item.locator) not in seen:
                seen.add(Path(item.locator))
                targets.append(item)
    log.info("collected %d targets, %d skipped", len(targets), len(skipped))
    return Collection(tuple(targets), tuple(skipped), tuple(r.resolve() for r in roots), base)


def display_path(path: Path, base: Path) -> str:
    """``path`` relative to ``base`` when inside it, else absolute, with forward slashes."""
    try:
        return path.relative_to(base).as_posix()
    except ValueError:
        return path.as_posix()


def common_root(roots: Sequence[Path]) -> Path:
    resolved = [r.resolve() if r.is_dir() else r.resolve().parent for r in roots]
    return Path(os.path.commonpath(resolved)) if resolved else Path.cwd()


def _walk(
    root: Path, excluded: frozenset[str], skipped: list[Skipped], base: Path
) -> Iterator[Path]:
    if not root.is_dir() or root.is_symlink():
        yield root
        return

    def on_error(err: OSError) -> None:
        where = display_path(Path(err.filename or root).absolute(), base)
        skipped.append(Skipped(where, f"cannot list folder: {err.strerror}"))

    for dirpath, dirnames, filenames in os.walk(root, onerror=on_error, followlinks=False):
        here = Path(dirpath)
        keep = []
        for d in sorted(dirnames):
            if d in excluded:
                continue
            if (here / d).is_symlink():
                yield here / d  # reported by _check_file: symlinked folders are not followed
                continue
            keep.append(d)
        dirnames[:] = keep
        for name in sorted(filenames):
            yield here / name


def _check_file(path: Path, scope: Scope, max_size: int, base: Path) -> Target | Skipped:
    shown = display_path(path.absolute(), base)
    if path.is_symlink():
        resolved = _resolve_link(path)
        if isinstance(resolved, str):
            return Skipped(shown, resolved)
        if resolved.is_dir():
            return Skipped(
                shown, "symlink to a folder is not followed (avoids loops and scope escapes)"
            )
        try:
            scope.path_rule(resolved)
        except ScopeError:
            return Skipped(shown, f"symlink points outside the scope ({resolved})")
        real = resolved
    else:
        real = path.absolute()
    try:
        rule = scope.path_rule(path)
    except ScopeError as e:
        return Skipped(shown, f"outside scope: {e.args[0]}")
    problem = _content_problem(real, max_size)
    if problem:
        return Skipped(shown, problem)
    return Target(TargetKind.FILE, str(real), rule, shown)


def _resolve_link(path: Path) -> Path | str:
    try:
        return path.resolve(strict=True)
    except RuntimeError:
        return "symlink loop"
    except OSError as e:
        if e.errno == errno.ELOOP:
            return "symlink loop"
        if e.errno == errno.ENOENT:
            return "broken symlink (target does not exist)"
        return f"cannot resolve symlink: {e.strerror}"


def _content_problem(path: Path, max_size: int) -> str:
    """Why ``path`` cannot be scanned as text, or '' when it can."""
    try:
        st = path.stat()
        if not path.is_file():
            return "not a regular file (device, socket or pipe)"
        if st.st_size > max_size:
            return (
                f"file is {st.st_size:,} bytes, over the {max_size:,}-byte limit (--max-file-size)"
            )
        with path.open("rb") as fh:
            data = fh.read()
    except PermissionError:
        return "permission denied (unreadable file)"
    except OSError as e:
        return f"cannot read file: {e.strerror}"
    if b"\x00" in data[:_SNIFF]:
        return "binary file"
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as e:
        return f"not valid UTF-8 (byte offset {e.start}); re-encode the file as UTF-8 to scan it"
    return ""
