"""OSV advisories for PyPI: validation of raw records, version matching and minimal upgrades.

Matching follows the OSV schema: a version is affected when it is listed in ``versions`` or falls
inside an ``ECOSYSTEM`` range (events ``introduced``, ``fixed``, ``last_affected``, ``limit``).
``GIT`` and ``SEMVER`` ranges are ignored. Versions are compared as PEP 440 versions; a range whose
events do not parse is ignored as a whole (its explicit ``versions`` still count), and a version
that does not parse can only match an explicit ``versions`` entry.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from packaging.utils import canonicalize_version
from packaging.version import InvalidVersion, Version
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from mamori.analysers.deps.cvss import advisory_severity
from mamori.analysers.deps.manifest import normalise_name
from mamori.model import Severity

log = logging.getLogger(__name__)

PYPI = "PyPI"
"""The OSV ecosystem name of the Python Package Index."""

_EVENT_KINDS = ("introduced", "fixed", "last_affected", "limit")
_SORT_ORDER = {"introduced": 0, "last_affected": 1, "fixed": 2, "limit": 3}


# --- raw OSV records (trust boundary) --------------------------------------------------


class _Raw(BaseModel):
    model_config = ConfigDict(extra="ignore", coerce_numbers_to_str=True)


class _RawPackage(_Raw):
    ecosystem: str = ""
    name: str = ""


class _RawRange(_Raw):
    type: str
    events: list[dict[str, str]] = Field(default_factory=list)


class _RawAffected(_Raw):
    package: _RawPackage | None = None
    ranges: list[_RawRange] = Field(default_factory=list)
    versions: list[str] = Field(default_factory=list)


class _RawSeverity(_Raw):
    type: str
    score: str


class _RawReference(_Raw):
    url: str


class _RawAdvisory(_Raw):
    id: str = Field(min_length=1)
    modified: str = ""
    withdrawn: str = ""
    summary: str = ""
    details: str = ""
    aliases: list[str] = Field(default_factory=list)
    affected: list[_RawAffected] = Field(default_factory=list)
    severity: list[_RawSeverity] = Field(default_factory=list)
    references: list[_RawReference] = Field(default_factory=list)
    database_specific: dict[str, Any] = Field(default_factory=dict)


class OSVFormatError(ValueError):
    """A record is not a valid OSV advisory."""


# --- the advisory model ----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class AffectedPackage:
    """The versions of one PyPI package that one advisory affects."""

    name: str
    """PEP 503 normalised package name."""
    ranges: tuple[tuple[tuple[str, str], ...], ...] = ()
    """ECOSYSTEM ranges, each a tuple of ``(event kind, version)`` pairs."""
    versions: tuple[str, ...] = ()
    """Explicitly listed affected versions."""
    _listed: frozenset[str] = field(init=False, repr=False, compare=False, default=frozenset())

    def __post_init__(self) -> None:
        object.__setattr__(self, "_listed", frozenset(_canonical(v) for v in self.versions))

    def affects(self, version: str) -> bool:
        """Whether ``version`` is affected (listed, or inside one of the ranges)."""
        if _canonical(version) in self._listed:
            return True
        parsed = parse_version(version)
        return parsed is not None and any(_in_range(r, parsed) for r in self.ranges)

    @property
    def fixed(self) -> tuple[str, ...]:
        """Every ``fixed`` event version, in order of appearance."""
        found = (v for r in self.ranges for kind, v in r if kind == "fixed")
        return tuple(dict.fromkeys(found))


@dataclass(frozen=True, slots=True)
class Advisory:
    """One OSV advisory, restricted to its PyPI entries."""

    id: str
    """OSV id (``PYSEC-2021-66``, ``GHSA-…``)."""
    modified: str
    """RFC 3339 time of the last change; the newer record wins on re-import."""
    affected: tuple[AffectedPackage, ...]
    """PyPI packages and versions it affects."""
    summary: str = ""
    """One-line description (the summary, or the start of the details)."""
    aliases: tuple[str, ...] = ()
    """Other ids for the same problem (CVE-…, GHSA-…)."""
    cvss_vectors: tuple[str, ...] = ()
    """CVSS v3 vectors given in ``severity``."""
    severity_label: str = ""
    """A database-specific severity word (``HIGH``, ``MODERATE``), when given."""
    cwe_ids: tuple[int, ...] = ()
    """CWE numbers from ``database_specific.cwe_ids``."""
    references: tuple[str, ...] = ()
    """Reference URLs."""
    withdrawn: str = ""
    """When it was withdrawn; a withdrawn advisory affects nothing."""

    def affects(self, name: str, version: str) -> bool:
        """Whether ``version`` of package ``name`` is affected."""
        if self.withdrawn:
            return False
        wanted = normalise_name(name)
        return any(a.name == wanted and a.affects(version) for a in self.affected)

    def fixed_versions(self, name: str) -> tuple[str, ...]:
        """Versions of ``name`` in which this advisory's problem is fixed."""
        wanted = normalise_name(name)
        found = (v for a in self.affected if a.name == wanted for v in a.fixed)
        return tuple(dict.fromkeys(found))

    @property
    def packages(self) -> frozenset[str]:
        """Normalised names of the packages it affects."""
        return frozenset(a.name for a in self.affected)

    @property
    def severity(self) -> Severity:
        """Severity from the CVSS v3 vectors, else the label, else MEDIUM."""
        return advisory_severity(self.cvss_vectors, self.severity_label)


def parse_advisory(record: Mapping[str, Any]) -> Advisory:
    """Validate a raw OSV record; keep its PyPI entries. Raise :class:`OSVFormatError`."""
    try:
        raw = _RawAdvisory.model_validate(record)
    except ValidationError as e:
        first = e.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "record"
        raise OSVFormatError(f"invalid OSV record ({where}: {first['msg']})") from e
    affected = tuple(_affected(a) for a in raw.affected if _is_pypi(a))
    summary = raw.summary.strip() or raw.details.strip().split("\n", 1)[0]
    return Advisory(
        id=raw.id.strip(),
        modified=raw.modified,
        affected=affected,
        summary=summary[:300],
        aliases=tuple(raw.aliases),
        cvss_vectors=tuple(s.score for s in raw.severity if s.type.upper() == "CVSS_V3"),
        severity_label=str(raw.database_specific.get("severity") or ""),
        cwe_ids=_cwe_ids(raw.database_specific.get("cwe_ids")),
        references=tuple(r.url for r in raw.references),
        withdrawn=raw.withdrawn,
    )


def _is_pypi(affected: _RawAffected) -> bool:
    return bool(affected.package and affected.package.ecosystem == PYPI and affected.package.name)


def _affected(raw: _RawAffected) -> AffectedPackage:
    assert raw.package is not None  # noqa: S101 - guaranteed by _is_pypi
    ranges = tuple(
        tuple((kind, value) for event in r.events for kind, value in event.items()
              if kind in _EVENT_KINDS)
        for r in raw.ranges
        if r.type.upper() == "ECOSYSTEM"
    )  # fmt: skip
    return AffectedPackage(normalise_name(raw.package.name), ranges, tuple(raw.versions))


def _cwe_ids(value: Any) -> tuple[int, ...]:
    if not isinstance(value, list):
        return ()
    numbers = (str(v).upper().removeprefix("CWE-") for v in value)
    return tuple(dict.fromkeys(int(n) for n in numbers if n.isdigit()))


# --- version matching ------------------------------------------------------------------


def parse_version(text: str) -> Version | None:
    """``text`` as a PEP 440 version, or None when it is not one."""
    try:
        return Version(text)
    except InvalidVersion:
        return None


def _canonical(text: str) -> str:
    try:
        return canonicalize_version(text)
    except InvalidVersion:
        return text.strip()


def _in_range(events: tuple[tuple[str, str], ...], version: Version) -> bool:
    """OSV's range evaluation: walk the sorted events, toggling 'affected'."""
    parsed: list[tuple[str, Version | None]] = []
    for kind, value in events:
        if kind == "introduced" and value.strip() == "0":
            parsed.append((kind, None))  # "0" means: from the very first release
        elif (v := parse_version(value)) is not None:
            parsed.append((kind, v))
        else:
            log.debug("ignoring range with unparseable version %r", value)
            return False
    limits = [v for kind, v in parsed if kind == "limit" and v is not None]
    if limits and not any(version < limit for limit in limits):
        return False
    affected = False
    for kind, bound in sorted(parsed, key=_event_key):
        if kind == "introduced" and (bound is None or version >= bound):
            affected = True
        elif kind == "fixed" and bound is not None and version >= bound:
            affected = False
        elif kind == "last_affected" and bound is not None and version > bound:
            affected = False
    return affected


def _event_key(event: tuple[str, Version | None]) -> tuple[int, Version, int]:
    kind, bound = event
    return (0 if bound is None else 1, bound or Version("0"), _SORT_ORDER[kind])


def minimal_upgrade(name: str, version: str, advisories: Iterable[Advisory]) -> str | None:
    """The smallest fixed version above ``version`` that none of ``advisories`` affects.

    When ``version`` is a final release, a pre-release fix (``3.0b1``) is proposed as its final
    release (``3.0``). Returns None when ``version`` does not parse or no candidate is clean.
    """
    current = parse_version(version)
    if current is None:
        return None
    pool = list(advisories)
    candidates: dict[Version, str] = {}
    for advisory in pool:
        for fixed in advisory.fixed_versions(name):
            candidate = _candidate(fixed, current)
            if candidate is not None:
                candidates.setdefault(*candidate)
    for parsed in sorted(candidates):
        if not any(a.affects(name, candidates[parsed]) for a in pool):
            return candidates[parsed]
    return None


def _candidate(fixed: str, current: Version) -> tuple[Version, str] | None:
    parsed = parse_version(fixed)
    if parsed is None:
        return None
    if parsed.is_prerelease and not current.is_prerelease:
        fixed = parsed.base_version
        parsed = Version(fixed)
    return (parsed, fixed) if parsed > current else None


def advisory_to_osv(advisory: Advisory) -> dict[str, Any]:
    """A compact OSV record that :func:`parse_advisory` turns back into ``advisory``."""
    database_specific: dict[str, Any] = {"cwe_ids": [f"CWE-{c}" for c in advisory.cwe_ids]}
    if advisory.severity_label:
        database_specific["severity"] = advisory.severity_label
    return {
        "id": advisory.id,
        "modified": advisory.modified,
        "withdrawn": advisory.withdrawn,
        "summary": advisory.summary,
        "aliases": list(advisory.aliases),
        "affected": [_affected_to_osv(a) for a in advisory.affected],
        "severity": [{"type": "CVSS_V3", "score": v} for v in advisory.cvss_vectors],
        "references": [{"url": u} for u in advisory.references],
        "database_specific": database_specific,
    }


def _affected_to_osv(affected: AffectedPackage) -> dict[str, Any]:
    return {
        "package": {"ecosystem": PYPI, "name": affected.name},
        "ranges": [
            {"type": "ECOSYSTEM", "events": [{kind: value} for kind, value in events]}
            for events in affected.ranges
        ],
        "versions": list(affected.versions),
    }
