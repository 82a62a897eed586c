"""Mamori's own JSON report: the complete, machine-readable record of one scan.

The document carries ``"schema_version": "1.0"`` and is described by the JSON Schema shipped
next to this module (``schemas/mamori-report-1.0.json``, see :func:`schema`). Fields are only
ever *added* within a major version; renaming or removing one bumps it.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any, ClassVar

from mamori.errors import ReportError
from mamori.model import (
    AnalyserRun,
    Finding,
    Issue,
    Location,
    ScanResult,
    Skipped,
    Suppression,
    TraceStep,
)
from mamori.report._text import (
    DECISION_ORDER,
    clean,
    count_by_severity,
    json_safe,
    plain,
    severity_name,
)
from mamori.report.interface import Reporter

__all__ = ["SCHEMA_VERSION", "JsonReporter", "schema", "to_document"]

SCHEMA_VERSION = "1.0"
"""Version of the document layout; its JSON Schema is ``schemas/mamori-report-1.0.json``."""

TOOL_NAME = "mamori"


@cache
def schema() -> dict[str, Any]:
    """The JSON Schema (2020-12) that every document :func:`to_document` builds satisfies."""
    name = f"mamori-report-{SCHEMA_VERSION}.json"
    text = resources.files("mamori.report").joinpath("schemas", name).read_text("utf-8")
    loaded: dict[str, Any] = json.loads(text)
    return loaded


class JsonReporter(Reporter):
    """Everything the scan produced as JSON (``mamori.json``): issues with their fused decision
    and every raw finding, skipped targets, and analyser runs. Secrets are masked."""

    format: ClassVar[str] = "json"
    suffix: ClassVar[str] = ".json"

    def render(self, result: ScanResult) -> str:
        try:
            return json.dumps(to_document(result), indent=2, ensure_ascii=False, allow_nan=False)
        except (TypeError, ValueError) as e:
            raise ReportError(
                f"run {result.run_id}: cannot encode the JSON report: {e}",
                hint="an analyser returned a value that is not JSON; report it as a bug",
            ) from e


def to_document(result: ScanResult) -> dict[str, Any]:
    """The report as plain JSON data (what :class:`JsonReporter` writes)."""
    counts = result.count_by_decision()
    return {
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": TOOL_NAME, "version": plain(result.mamori_version)},
        "run_id": plain(result.run_id),
        "started_at": result.started_at,
        "finished_at": result.finished_at,
        "roots": [plain(r) for r in result.roots],
        "target_count": result.target_count,
        "summary": {
            "issues": len(result.issues),
            "by_decision": {d.value: counts[d] for d in DECISION_ORDER},
            "by_severity": {
                severity_name(s): n
                for s, n in count_by_severity([i.severity for i in result.issues]).items()
            },
            "skipped": len(result.skipped),
        },
        "analysers": [_analyser_run(r) for r in result.analysers],
        "issues": [_issue(i) for i in result.issues],
        "skipped": [_skipped(s) for s in result.skipped],
    }


def _analyser_run(run: AnalyserRun) -> dict[str, Any]:
    return {
        "analyser": plain(run.analyser),
        "version": plain(run.version),
        "status": plain(run.status),
        "seconds": round(run.seconds, 3),
        "findings": run.findings,
        "targets": run.targets,
        "error": clean(run.error),
    }


def _issue(issue: Issue) -> dict[str, Any]:
    return {
        "fingerprint": issue.fingerprint,
        "decision": issue.decision.value,
        "reason": clean(issue.reason),
        "fused_confidence": issue.fused_confidence,
        "severity": severity_name(issue.severity),
        "cwe": [int(c) for c in issue.cwe],
        "weakness": issue.anchor.weakness,
        "title": clean(issue.anchor.title, multiline=False),
        "location": _location(issue.anchor.location),
        "agreeing": [plain(a) for a in issue.agreeing],
        "dissenting": [plain(a) for a in issue.dissenting],
        "suppression": _suppression(issue.suppression) if issue.suppression else None,
        "findings": [_finding(f) for f in issue.findings],
    }


def _suppression(s: Suppression) -> dict[str, Any]:
    return {
        "reason": clean(s.reason),
        "until": s.until or None,
        "created_by": clean(s.created_by, multiline=False),
        "created_at": s.created_at or None,
    }


def _finding(f: Finding) -> dict[str, Any]:
    return {
        "analyser": plain(f.analyser),
        "analyser_version": plain(f.analyser_version),
        "rule_id": plain(f.rule_id),
        "title": clean(f.title, multiline=False),
        "message": clean(f.message),
        "severity": severity_name(f.severity),
        "confidence": f.confidence.name.lower(),
        "fingerprint": f.fingerprint,
        "cwe": [int(c) for c in f.cwe],
        "location": _location(f.location),
        "evidence": clean(f.evidence),
        "trace": [_step(s) for s in f.trace],
        "help_uri": plain(f.help_uri),
        "properties": json_safe(dict(f.properties)),
    }


def _location(loc: Location) -> dict[str, Any]:
    return {
        "path": plain(loc.path),
        "start_line": loc.start_line,
        "end_line": loc.lines[1],
        "start_column": loc.start_column,
        "host": plain(loc.host),
        "port": loc.port,
    }


def _step(step: TraceStep) -> dict[str, Any]:
    return {"location": _location(step.location), "note": clean(step.note)}


def _skipped(s: Skipped) -> dict[str, Any]:
    return {"target": plain(s.target), "reason": clean(s.reason), "analyser": plain(s.analyser)}
