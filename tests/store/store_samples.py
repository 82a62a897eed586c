"""A small factory of realistic scan results, built from the real model dataclasses."""

from __future__ import annotations

import uuid
from typing import Any

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
    make_fingerprint,
)

AWKWARD = "nul\x00 · bad-bytes \udcff\udc80 · \x01escape-marker · emoji 🔐 · 'quote\" ; DROP"
"""Text no backend takes as-is: NUL, lone surrogates (undecodable file names), our marker."""


def fp(name: str) -> Fingerprint:
    """A stable, realistic fingerprint for a named sample problem."""
    return make_fingerprint("sample", name)


def finding(name: str, *, analyser: str = "bandit", line: int = 12, **changes: Any) -> Finding:
    """A SQL-injection finding with a trace and structured properties."""
    values: dict[str, Any] = {
        "analyser": analyser,
        "analyser_version": "1.8.3+rules-2024.10",
        "rule_id": "B608",
        "title": "SQL built from strings",
        "message": f"query for {name} concatenates request data",
        "severity": Severity.HIGH,
        "confidence": Confidence.MEDIUM,
        "location": Location(path="app/db.py", start_line=line, end_line=line + 1, start_column=5),
        "fingerprint": fp(name),
        "cwe": (CweId(89), CweId(564)),
        "evidence": 'cur.execute("SELECT * FROM t WHERE id=" + ***)',
        "trace": (
            TraceStep(Location(path="app/views.py", start_line=3), "request.args['id']"),
            TraceStep(Location(path="app/db.py", start_line=line, start_column=5), "execute"),
        ),
        "help_uri": "https://bandit.readthedocs.io/en/latest/plugins/b608.html",
        "properties": {"aliases": ["CVE-2024-0001"], "score": 7.5, "nested": {"ok": True}},
    }
    values.update(changes)
    return Finding(**values)


def issue(
    name: str,
    *,
    decision: Decision = Decision.ESCALATE,
    analysers: tuple[str, ...] = ("bandit", "semgrep"),
    suppression: Suppression | None = None,
) -> Issue:
    """A fused issue whose findings (one per analyser) share the fingerprint of ``name``."""
    claims = tuple(finding(name, analyser=a, line=12 + n) for n, a in enumerate(analysers))
    return Issue(
        fingerprint=fp(name),
        findings=claims,
        severity=max(c.severity for c in claims),
        fused_confidence=0.9375,
        decision=decision,
        reason=f"{' and '.join(analysers)} agree on {name}",
        agreeing=analysers,
        dissenting=("codeql",),
        suppression=suppression,
    )


def result(*names: str, run_id: str | None = None, **changes: Any) -> ScanResult:
    """A scan result with one issue per name, a skip and analyser runs."""
    values: dict[str, Any] = {
        "run_id": RunId(run_id or uuid.uuid4().hex),
        "started_at": "2025-03-01T09:00:00+00:00",
        "finished_at": "2025-03-01T09:01:30+00:00",
        "roots": ("app", "lib/vendor"),
        "issues": tuple(issue(n) for n in names),
        "skipped": (
            Skipped("app/blob.bin", "binary file"),
            Skipped("semgrep", "timed out after 300 s", analyser="semgrep"),
        ),
        "analysers": (
            AnalyserRun("bandit", "1.8.3", "ok", 1.25, findings=len(names), targets=40),
            AnalyserRun("semgrep", "1.100", "timeout", 300.0, targets=40, error="timed out"),
        ),
        "target_count": 40,
        "mamori_version": "0.1.0",
    }
    values.update(changes)
    return ScanResult(**values)
