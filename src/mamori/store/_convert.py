"""Turn :mod:`mamori.model` values into store rows and back, losslessly."""

from __future__ import annotations

import json
import math
from dataclasses import asdict
from typing import Any

from mamori.errors import StoreError
from mamori.model import (
    AnalyserRun,
    Confidence,
    CweId,
    Decision,
    Finding,
    Fingerprint,
    Issue,
    Location,
    RunId,
    ScanResult,
    Severity,
    Skipped,
    Suppression,
    TraceStep,
)
from mamori.store.schema import AnalyserRunRow, FindingRow, IssueRow, RunRow, SkippedRow


def run_to_row(result: ScanResult) -> RunRow:
    """The rows (a run with its children) that store ``result``."""
    _check_numbers(result)
    return RunRow(
        run_id=result.run_id,
        started_at=result.started_at,
        finished_at=result.finished_at,
        roots=list(result.roots),
        target_count=result.target_count,
        mamori_version=result.mamori_version,
        issues=[_issue_to_row(i, n) for n, i in enumerate(result.issues)],
        skipped=[
            SkippedRow(position=n, target=s.target, reason=s.reason, analyser=s.analyser)
            for n, s in enumerate(result.skipped)
        ],
        analysers=[AnalyserRunRow(position=n, **asdict(a)) for n, a in enumerate(result.analysers)],
    )


def row_to_run(row: RunRow) -> ScanResult:
    """The :class:`ScanResult` stored in ``row``."""
    return ScanResult(
        run_id=RunId(row.run_id),
        started_at=row.started_at,
        finished_at=row.finished_at,
        roots=tuple(row.roots),
        issues=tuple(_row_to_issue(i) for i in row.issues),
        skipped=tuple(Skipped(s.target, s.reason, s.analyser) for s in row.skipped),
        analysers=tuple(
            AnalyserRun(a.analyser, a.version, a.status, a.seconds, a.findings, a.targets, a.error)
            for a in row.analysers
        ),
        target_count=row.target_count,
        mamori_version=row.mamori_version,
    )


def _check_numbers(result: ScanResult) -> None:
    """Refuse NaN and infinities, which SQLite cannot store and JSON cannot carry."""
    for run in result.analysers:
        if not math.isfinite(run.seconds):
            raise StoreError(
                f"run {result.run_id}: analyser {run.analyser} has seconds={run.seconds}",
                hint="this is a bug in the runner; timings must be finite numbers",
            )


def _issue_to_row(issue: Issue, position: int) -> IssueRow:
    sup = issue.suppression
    return IssueRow(
        position=position,
        fingerprint=issue.fingerprint,
        severity=int(issue.severity),
        fused_confidence=issue.fused_confidence,
        decision=issue.decision.value,
        reason=issue.reason,
        agreeing=list(issue.agreeing),
        dissenting=list(issue.dissenting),
        suppression=None if sup is None else asdict(sup),
        findings=[_finding_to_row(f, n) for n, f in enumerate(issue.findings)],
    )


def _row_to_issue(row: IssueRow) -> Issue:
    sup = row.suppression
    return Issue(
        fingerprint=Fingerprint(row.fingerprint),
        findings=tuple(_row_to_finding(f) for f in row.findings),
        severity=Severity(row.severity),
        fused_confidence=row.fused_confidence,
        decision=Decision(row.decision),
        reason=row.reason,
        agreeing=tuple(row.agreeing),
        dissenting=tuple(row.dissenting),
        suppression=None if sup is None else _row_to_suppression(sup),
    )


def _row_to_suppression(stored: dict[str, str]) -> Suppression:
    return Suppression(
        fingerprint=Fingerprint(stored["fingerprint"]),
        reason=stored["reason"],
        until=stored["until"],
        created_by=stored["created_by"],
        created_at=stored["created_at"],
    )


def _finding_to_row(f: Finding, position: int) -> FindingRow:
    return FindingRow(
        position=position,
        analyser=f.analyser,
        analyser_version=f.analyser_version,
        rule_id=f.rule_id,
        title=f.title,
        message=f.message,
        severity=int(f.severity),
        confidence=int(f.confidence),
        **asdict(f.location),
        fingerprint=f.fingerprint,
        cwe=[int(c) for c in f.cwe],
        evidence=f.evidence,
        trace=[{"location": asdict(s.location), "note": s.note} for s in f.trace],
        help_uri=f.help_uri,
        properties=_json_safe(f),
    )


def _row_to_finding(row: FindingRow) -> Finding:
    return Finding(
        analyser=row.analyser,
        analyser_version=row.analyser_version,
        rule_id=row.rule_id,
        title=row.title,
        message=row.message,
        severity=Severity(row.severity),
        confidence=Confidence(row.confidence),
        location=Location(
            path=row.path,
            start_line=row.start_line,
            end_line=row.end_line,
            start_column=row.start_column,
            host=row.host,
            port=row.port,
        ),
        fingerprint=Fingerprint(row.fingerprint),
        cwe=tuple(CweId(c) for c in row.cwe),
        evidence=row.evidence,
        trace=tuple(TraceStep(Location(**s["location"]), s["note"]) for s in row.trace),
        help_uri=row.help_uri,
        properties=row.properties,
    )


def _json_safe(f: Finding) -> dict[str, Any]:
    """The finding's properties as a plain dict, after checking they survive JSON."""
    props = dict(f.properties)
    try:
        json.dumps(props, allow_nan=False)
    except (TypeError, ValueError) as e:
        raise StoreError(
            f"finding {f.analyser}:{f.rule_id} at {f.location} has properties that are not "
            f"JSON-safe ({e})",
            hint="this is a bug in that analyser: properties may hold only JSON values",
        ) from e
    return props
