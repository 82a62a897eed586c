"""The scan pipeline: scope → targets → analysers (parallel) → fusion → store → reports.

This is the library entry point the CLI and the web API call; it holds no presentation.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mamori import __version__
from mamori.analysers.interface import AnalyserSettings
from mamori.analysers.registry import DEFAULT_ANALYSERS, load
from mamori.analysers.runner import DEFAULT_TIMEOUT, Job, Outcome, ProgressHook, plan, run
from mamori.errors import ConfigError
from mamori.fusion import Coverage, PrecisionTable, fuse
from mamori.governance.ledger import Ledger
from mamori.model import (
    Decision,
    Patch,
    RunId,
    ScanResult,
    Severity,
    Skipped,
    Target,
    weakness_class,
)
from mamori.remediation import FixStore, config_auditor, propose, verify
from mamori.report import FORMATS
from mamori.scope import Scope
from mamori.store import Store
from mamori.targets import DEFAULT_MAX_FILE_SIZE, Collection, collect, common_root, display_path

log = logging.getLogger(__name__)

DEFAULT_ADVISORY_DB = ".mamori/advisories"
"""Where `mamori db import/update` keep the OSV advisory database (relative to the cwd)."""


@dataclass(frozen=True, slots=True)
class ScanOptions:
    """Everything that shapes one scan."""

    paths: tuple[str, ...]
    """Files and folders to scan."""
    scope_file: str | None = None
    """Scope YAML; None means the paths themselves are the scope."""
    analysers: tuple[str, ...] = DEFAULT_ANALYSERS
    """Registry ids of the analysers to run."""
    jobs: int | None = None
    """Parallel analyser processes (default: one per analyser)."""
    timeout: float = DEFAULT_TIMEOUT
    """Seconds each analyser may run."""
    max_file_size: int = DEFAULT_MAX_FILE_SIZE
    """Bytes above which a file is skipped."""
    semgrep_rules: tuple[str, ...] = ()
    """Extra Semgrep rule folders."""
    advisory_db: str = DEFAULT_ADVISORY_DB
    """OSV advisory database folder."""
    precision_table: str | None = None
    """Precision table YAML; None uses the bundled one."""
    extra: dict[str, object] = field(default_factory=dict)
    """Further analyser options, passed through unchanged."""
    hosts: bool = False
    """Also discover and probe hosts in the scope file's networks and ports."""
    host_list: tuple[str, ...] = ()
    """Limit host scanning to these IPs/CIDRs (each must be inside the scope)."""
    host_rate: float = 2000.0
    """Connection attempts per second during discovery."""


def scan(
    opts: ScanOptions,
    *,
    store: Store | None = None,
    ledger: Ledger | None = None,
    hook: ProgressHook | None = None,
    today: dt.date | None = None,
) -> ScanResult:
    """Run one scan end to end; store and record it in the audit ledger when given.

    Raises on configuration errors only; analyser failures are skips in the result.
    """
    started = _now()
    scope = Scope.load(opts.scope_file) if opts.scope_file else Scope.for_paths(opts.paths)
    scope.check_window()
    _check_options(opts)
    table = PrecisionTable.load(opts.precision_table)
    collection = (
        collect(opts.paths, scope, max_file_size=opts.max_file_size)
        if opts.paths
        else Collection(())
    )
    hosts = _discover(opts, scope)
    settings = AnalyserSettings(root=str(collection.base), options=_analyser_options(opts))
    analysers = opts.analysers + (
        ("hosts",) if opts.hosts and "hosts" not in opts.analysers else ()
    )
    jobs = plan(analysers, collection.targets + tuple(hosts), settings, opts.timeout)
    outcome = run(jobs, settings, workers=opts.jobs, hook=hook)
    suppressions = store.suppressions(active_on=today or dt.date.today()) if store else {}
    issues = fuse(
        outcome.findings,
        table,
        coverage=_coverage(jobs, outcome),
        suppressions=suppressions,
        deployed={display_path(path, collection.base): hosts for path, hosts in scope.deployed},
    )
    result = ScanResult(
        run_id=RunId(uuid.uuid4().hex),
        started_at=started,
        finished_at=_now(),
        roots=tuple(opts.paths),
        issues=issues,
        skipped=_dedupe(collection.skipped + outcome.skipped),
        analysers=outcome.runs,
        target_count=len(collection.targets) + len(hosts),
        mamori_version=__version__,
    )
    if store is not None:
        store.save(result)
    if ledger is not None:
        probes = [("host.probe", {"run_id": result.run_id, "target": t.locator,
                                  "scope_rule": t.scope_rule}) for t in hosts]  # fmt: skip
        ledger.append_many(ledger_entries(result) + probes)
    return result


def _discover(opts: ScanOptions, scope: Scope) -> list[Target]:
    """Open host:port targets inside the scope (a scope file is required for hosts)."""
    if not opts.hosts:
        return []
    if not opts.scope_file:
        raise ConfigError("host scanning needs a scope file", hint="pass --scope FILE naming the "
                          "networks (cidrs) and ports Mamori may probe")  # fmt: skip
    from mamori.analysers.hosts.analyser import discover_targets

    return discover_targets(scope, opts.host_list, rate=opts.host_rate)


def ledger_entries(result: ScanResult) -> list[tuple[str, dict[str, Any]]]:
    """The audit-ledger entries for one scan: the run (with a hash of its findings, and the
    analysers' names and versions) and one entry per fusion decision."""
    findings = sorted(
        (f.analyser, f.rule_id, f.fingerprint, str(f.location)) for f in result.findings
    )
    digest = hashlib.sha256(json.dumps(findings).encode()).hexdigest()
    run: dict[str, Any] = {
        "run_id": result.run_id,
        "roots": list(result.roots),
        "started_at": result.started_at,
        "finished_at": result.finished_at,
        "targets": result.target_count,
        "findings": len(findings),
        "findings_sha256": digest,
        "skipped": len(result.skipped),
        "analysers": [
            {"id": r.analyser, "version": r.version, "status": r.status} for r in result.analysers
        ],
    }
    decisions = [
        (
            "fusion.decision",
            {
                "run_id": result.run_id,
                "fingerprint": i.fingerprint,
                "decision": i.decision.value,
                "fused_confidence": i.fused_confidence,
                "agreeing": list(i.agreeing),
                "reason": i.reason,
            },
        )
        for i in result.issues
    ]
    return [("scan.run", run), *decisions]


def remediate(result: ScanResult, fixes: FixStore, ledger: Ledger | None = None) -> list[Patch]:
    """Propose a patch per config file with fixable findings, run the verification ladder on
    each, record them (and their verdicts in the ledger). Nothing is applied here."""
    root = common_root([Path(r) for r in result.roots])
    live = [f for i in result.issues if i.decision is not Decision.SUPPRESS for f in i.findings]
    patches = []
    for patch in propose(live, str(root)):
        auditor = config_auditor(patch.analyser, str(root))
        patches.append(verify(patch, auditor) if auditor else patch)
    fixes.save_patches(patches)
    if ledger is not None and patches:
        ledger.append_many(
            [
                (
                    "patch.proposed",
                    {
                        "run_id": result.run_id,
                        "patch": p.id,
                        "path": p.display_path,
                        "status": p.status.value,
                        "checks": list(p.checks),
                    },
                )
                for p in patches
            ]
        )
    return patches


def write_reports(result: ScanResult, out_dir: str | Path, formats: Sequence[str]) -> list[Path]:
    """Write each requested format into ``out_dir``; return the files written."""
    unknown = [f for f in formats if f not in FORMATS]
    if unknown:
        raise ConfigError(
            f"unknown report format(s): {', '.join(unknown)}",
            hint=f"choose from: {', '.join(sorted(FORMATS))}",
        )
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    return [FORMATS[f]().write(result, out) for f in formats]


def write_patches(patches: Sequence[Patch], out_dir: str | Path) -> list[Path]:
    """Write each patch as ``patches/<id>.diff`` with its verification record as a header."""
    written = []
    folder = Path(out_dir) / "patches"
    for p in patches:
        folder.mkdir(parents=True, exist_ok=True)
        header = "".join(
            f"# {line}\n"
            for line in (
                f"mamori patch {p.id} for {p.display_path}: {p.status.value}",
                f"fixes: {', '.join(p.checks)}",
                *p.verification,
            )
        )
        path = folder / f"{p.id}.diff"
        path.write_text(header + p.diff, encoding="utf-8")
        written.append(path)
    return written


def count_at_or_above(result: ScanResult, threshold: Severity) -> int:
    """Unsuppressed issues at or above ``threshold`` (what ``--fail-on`` counts)."""
    return sum(
        1
        for i in result.issues
        if i.suppression is None and i.decision.value != "suppress" and i.severity >= threshold
    )


def _check_options(opts: ScanOptions) -> None:
    if not opts.paths and not opts.hosts:
        raise ConfigError("nothing to scan", hint="name a file or folder, or use --hosts")
    for name in opts.analysers:
        load(name)  # raises ConfigError naming the choices
    for d in opts.semgrep_rules:
        if not Path(d).is_dir():
            raise ConfigError(f"--semgrep-rules {d}: not a folder")
    taint_rules = opts.extra.get("taint_rules") or []
    for f in taint_rules if isinstance(taint_rules, list) else [taint_rules]:
        if not Path(str(f)).is_file():
            raise ConfigError(f"--taint-rules {f}: no such file")
    if opts.jobs is not None and opts.jobs < 1:
        raise ConfigError(f"--jobs must be at least 1 (got {opts.jobs})")


def _analyser_options(opts: ScanOptions) -> dict[str, object]:
    return {
        "semgrep_rules": [str(Path(d).resolve()) for d in opts.semgrep_rules],
        "advisory_db": str(Path(opts.advisory_db).resolve()),
        "jobs": opts.jobs or 2,
        **opts.extra,
    }


def _coverage(jobs: Sequence[Job], outcome: Outcome) -> dict[str, Coverage]:
    ok = {r.analyser for r in outcome.runs if r.status == "ok"}
    skipped_by: dict[str, set[str]] = {}
    for s in outcome.skipped:
        skipped_by.setdefault(s.analyser, set()).add(s.target)
    cov = {}
    for job in jobs:
        if job.analyser not in ok:
            continue
        cls = load(job.analyser)
        paths = {t.name for t in job.targets} - skipped_by.get(job.analyser, set())
        weaknesses = {weakness_class((c,), "") for c in cls.cwes}
        cov[job.analyser] = Coverage(frozenset(paths), frozenset(weaknesses))
    return cov


def _dedupe(items: Sequence[Skipped]) -> tuple[Skipped, ...]:
    return tuple(dict.fromkeys(items))


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
