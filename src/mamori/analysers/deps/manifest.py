"""What a dependency manifest parser returns, and the safe way to read a manifest's text.

Every parser takes a path and returns a :class:`ParseResult`: the dependencies it found and the
reasons it could not read some of them. A malformed manifest is a :class:`Skipped`, never an
exception.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

from mamori.model import Skipped

ANALYSER_ID = "deps"
"""Id of the dependency analyser, recorded on every skip the parsers produce."""


@dataclass(frozen=True, slots=True)
class Dependency:
    """One dependency declared in one manifest."""

    name: str
    """The PEP 503 normalised project name (``pyyaml``, ``zope-interface``)."""
    version: str | None
    """The exactly pinned or locked version, or None when the entry is not an exact pin."""
    path: str
    """The manifest that declares it (as opened; an included file for ``-r`` entries)."""
    line: int
    """1-based line of the entry (lock files: where its entry begins); 0 when unknown."""
    specifier: str = ""
    """The version constraint as written (``>=2.0``), for unpinned entries."""

    def __post_init__(self) -> None:
        if not self.name:
            raise ValueError("Dependency.name must not be empty")
        if self.line < 0:
            raise ValueError(f"line {self.line} of {self.name} must not be negative")

    @property
    def pinned(self) -> bool:
        """Whether a concrete version is known, so advisories can be matched."""
        return self.version is not None


@dataclass(frozen=True, slots=True)
class ParseResult:
    """The dependencies one manifest declares, and what could not be read."""

    dependencies: tuple[Dependency, ...] = ()
    """Dependencies in file order (included files at the point of inclusion)."""
    skipped: tuple[Skipped, ...] = ()
    """Manifests or entries that could not be parsed, with reasons."""


class ManifestError(ValueError):
    """A manifest cannot be read or parsed; parsers turn it into a Skipped."""


def skip(path: Path | str, reason: str) -> Skipped:
    """A Skipped for ``path`` recorded against the dependency analyser."""
    return Skipped(target=str(path), reason=reason, analyser=ANALYSER_ID)


def read_text(path: Path) -> str:
    """The UTF-8 text of a manifest; raise :class:`ManifestError` saying why it is unreadable."""
    try:
        data = path.read_bytes()
    except OSError as e:
        raise ManifestError(f"cannot read manifest: {e.strerror or e}") from e
    if b"\x00" in data:
        raise ManifestError("manifest looks binary (contains NUL bytes)")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise ManifestError(f"manifest is not valid UTF-8 (byte {e.start})") from e


def normalise_name(name: str) -> str:
    """PEP 503 normalised form of a project name."""
    return str(canonicalize_name(name))


def exact_version(text: str) -> str | None:
    """``text`` if it is a valid PEP 440 version without wildcards, else None."""
    text = text.strip()
    if not text or "*" in text:
        return None
    try:
        Version(text)
    except InvalidVersion:
        return None
    return text


def find_line(lines: list[str], pattern: re.Pattern[str], start: int = 0) -> int:
    """1-based number of the first line at or after index ``start`` matching, or 0."""
    for index in range(max(start, 0), len(lines)):
        if pattern.search(lines[index]):
            return index + 1
    return 0


def quoted(text: str) -> str:
    """A regex matching ``text`` inside single or double quotes."""
    return rf"""["']{re.escape(text)}["']"""
