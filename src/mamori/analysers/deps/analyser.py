"""The dependency analyser: pinned Python dependencies checked against the local OSV database."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import replace
from pathlib import Path

from mamori.analysers.deps.advisories import Advisory, AdvisoryDB, minimal_upgrade
from mamori.analysers.deps.manifest import ANALYSER_ID, Dependency
from mamori.analysers.deps.parsers import is_manifest, parse_manifest
from mamori.analysers.interface import Analyser
from mamori.errors import AdvisoryDBError
from mamori.model import (
    Confidence,
    CweId,
    Finding,
    Fingerprint,
    Location,
    Skipped,
    Target,
    make_fingerprint,
)

log = logging.getLogger(__name__)

ENGINE_VERSION = "1.0"
"""Version of the manifest parsers and matching logic."""

DEFAULT_DB_DIR = ".mamori/advisories"
"""Where the advisory database is looked for when no ``advisory_db`` option is given."""

CWE_VULNERABLE_DEPENDENCY = CweId(1395)
"""CWE-1395: Dependency on Vulnerable Third-Party Component."""

_DB_TARGET = "advisory database"
_SUMMARY_CHARS = 160


class DependencyAnalyser(Analyser):
    """Reports exactly pinned Python dependencies that a known OSV advisory affects.

    Reads ``requirements*.txt`` (and ``.txt`` files in ``requirements/``, following ``-r``
    includes inside the scan root), ``pyproject.toml`` (PEP 621 and Poetry), ``poetry.lock``,
    ``uv.lock`` and ``Pipfile.lock``. Only exact pins and locked versions are matched; ranges
    are never guessed at. Advisories come from the local database made by ``mamori db import
    DIR`` or ``mamori db update`` (option ``advisory_db``, default ``.mamori/advisories``); the
    scan never goes to the network. Each finding names the advisory, its CVE aliases, the fixed
    versions and the smallest upgrade that no known advisory affects.
    """

    id = ANALYSER_ID
    lightweight = True
    cwes = frozenset({CWE_VULNERABLE_DEPENDENCY})

    def accepts(self, target: Target) -> bool:
        """Dependency manifests and lock files, recognised by name."""
        return target.kind in self.kinds and is_manifest(target.locator)

    @property
    def version(self) -> str:
        """Engine version plus the advisory database's import date and size."""
        try:
            return f"{ENGINE_VERSION}+{self._db().version}"
        except AdvisoryDBError:
            return f"{ENGINE_VERSION}+osv-db:none"

    def analyse(self, targets: Sequence[Target]) -> Iterable[Finding | Skipped]:
        """Yield one finding per (pinned dependency, advisory affecting it)."""
        db = self._db()
        try:
            if db.is_empty:
                yield self._empty_db_skip()
                return
            yield from self._scan(db, targets)
        except AdvisoryDBError as e:
            yield Skipped(target=_DB_TARGET, reason=str(e), analyser=self.id)

    def _db(self) -> AdvisoryDB:
        return AdvisoryDB(str(self.settings.option("advisory_db", DEFAULT_DB_DIR)))

    def _empty_db_skip(self) -> Skipped:
        where = self.settings.option("advisory_db", DEFAULT_DB_DIR)
        reason = (
            f"no advisories in {where}; run `mamori db import DIR` or `mamori db update` "
            "to fill the advisory database"
        )
        return Skipped(target=_DB_TARGET, reason=reason, analyser=self.id)

    def _scan(self, db: AdvisoryDB, targets: Sequence[Target]) -> Iterator[Finding | Skipped]:
        version = f"{ENGINE_VERSION}+{db.version}"
        cache: dict[str, list[Advisory]] = {}
        seen: set[Fingerprint] = set()
        for target in targets:
            result = parse_manifest(target.locator, allowed_root=self.settings.root)
            for skipped in result.skipped:
                yield replace(skipped, target=self._display(skipped.target))
            for dep in result.dependencies:
                if dep.version is None:
                    continue
                if dep.name not in cache:
                    cache[dep.name] = db.advisories_for(dep.name)
                for finding in self._findings(dep, dep.version, cache[dep.name], version):
                    if finding.fingerprint not in seen:
                        seen.add(finding.fingerprint)
                        yield finding

    def _findings(
        self, dep: Dependency, pin: str, advisories: list[Advisory], version: str
    ) -> Iterator[Finding]:
        matching = [a for a in advisories if a.affects(dep.name, pin)]
        if not matching:
            return
        upgrade = minimal_upgrade(dep.name, pin, advisories) or ""
        display = self._display(dep.path)
        log.debug("%s %s in %s: %d advisories", dep.name, pin, display, len(matching))
        for advisory in matching:
            yield _finding(dep, pin, advisory, upgrade, display, version)

    def _display(self, path: str) -> str:
        """``path`` relative to the scan root when it lies inside it."""
        try:
            return Path(path).resolve().relative_to(Path(self.settings.root).resolve()).as_posix()
        except (ValueError, OSError):
            return path


def _finding(
    dep: Dependency, pin: str, advisory: Advisory, upgrade: str, display: str, version: str
) -> Finding:
    fixed = advisory.fixed_versions(dep.name)
    cwe = (CWE_VULNERABLE_DEPENDENCY,) + tuple(
        CweId(c) for c in advisory.cwe_ids if c != CWE_VULNERABLE_DEPENDENCY
    )
    return Finding(
        analyser=ANALYSER_ID,
        analyser_version=version,
        rule_id=advisory.id,
        title=f"Vulnerable dependency {dep.name} {pin}",
        message=_message(dep, pin, advisory, fixed, upgrade),
        severity=advisory.severity,
        confidence=Confidence.HIGH,
        location=Location(path=display, start_line=dep.line, end_line=dep.line),
        fingerprint=make_fingerprint("vulnerable-dependency", display, dep.name, advisory.id),
        cwe=cwe,
        evidence=f"{dep.name}=={pin}",
        help_uri=f"https://osv.dev/vulnerability/{advisory.id}",
        properties={
            "package": dep.name,
            "version": pin,
            "advisory": advisory.id,
            "aliases": list(advisory.aliases),
            "fixed_versions": list(fixed),
            "minimal_upgrade": upgrade,
            "references": list(advisory.references),
            "summary": advisory.summary,
        },
    )


def _message(
    dep: Dependency, pin: str, advisory: Advisory, fixed: tuple[str, ...], upgrade: str
) -> str:
    cves = [a for a in advisory.aliases if a.upper().startswith("CVE-")]
    named = f"{advisory.id} ({', '.join(cves)})" if cves else advisory.id
    summary = advisory.summary
    if len(summary) > _SUMMARY_CHARS:
        summary = summary[: _SUMMARY_CHARS - 1].rstrip() + "…"
    head = f"{dep.name} {pin} is affected by {named}" + (f": {summary}" if summary else "")
    fixed_text = f"Fixed in {', '.join(fixed)}" if fixed else "No fixed version is known"
    if upgrade:
        advice = f"upgrade to {upgrade}, the smallest version no known advisory affects"
    else:
        advice = "no single upgrade avoids every known advisory"
    return f"{head.rstrip('.')}. {fixed_text}; {advice}."
