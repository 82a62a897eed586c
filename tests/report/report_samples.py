"""A small factory of scan results for the report tests, built from the real model classes.

``sample_result()`` holds one of everything a report must show: a multi-analyser escalated
issue with a data-flow trace, a review issue without trace, an operator-suppressed issue with
expiry, a fusion-suppressed issue, a network finding, unicode and hostile characters in
titles, messages, evidence and paths, a secret the analyser failed to redact, odd property
values, skipped files and a crashed analyser.
"""

from __future__ import annotations

import math
from typing import Any

from mamori.model import (
    AnalyserRun,
    Confidence,
    CweId,
    Decision,
    Finding,
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

AWS_KEY = "AKIAIOSFODNN7EXAMPLE"
"""A secret shape that slipped into evidence unredacted; no output may contain it."""
NASTY_EVIDENCE = 'q = f"SELECT ```x``` | `y` FROM t WHERE id={uid}"  # <script>@admin $x$'
"""Evidence with a backtick fence, a code span, a pipe, HTML, a mention and math."""
UNICODE_PATH = "données/ñ file (copy).py"
SURROGATE_PATH = "bad\udcffname.py"
"""A file name that is not UTF-8, as os.walk hands it over (surrogate-escaped)."""
PIPE_REASON = "binary file | not text\nsecond line"


def finding(**overrides: Any) -> Finding:
    """A bandit-style SQL injection finding; any field can be overridden."""
    fields: dict[str, Any] = {
        "analyser": "bandit",
        "analyser_version": "1.8.0",
        "rule_id": "B608",
        "title": "SQL built from strings",
        "message": "Possible SQL injection through string-based query construction.",
        "severity": Severity.HIGH,
        "confidence": Confidence.MEDIUM,
        "location": Location(path="app/db.py", start_line=12, end_line=12, start_column=5),
        "fingerprint": make_fingerprint("sql-injection", "app/db.py", "q = ..."),
        "cwe": (CweId(89),),
        "evidence": NASTY_EVIDENCE,
        "help_uri": "https://bandit.readthedocs.io/en/latest/plugins/b608.html",
    }
    fields.update(overrides)
    return Finding(**fields)


def issue(*findings: Finding, **overrides: Any) -> Issue:
    """An issue grouping ``findings`` (anchor first); escalated unless overridden."""
    group = findings or (finding(),)
    fields: dict[str, Any] = {
        "fingerprint": group[0].fingerprint,
        "findings": group,
        "severity": max(f.severity for f in group),
        "fused_confidence": 0.93,
        "decision": Decision.ESCALATE,
        "reason": "bandit (0.70) and semgrep (0.85) agree on sql-injection",
        "agreeing": tuple(dict.fromkeys(f.analyser for f in group)),
    }
    fields.update(overrides)
    return Issue(**fields)


def _traced() -> Finding:
    steps = (
        TraceStep(Location(path="app/views.py", start_line=3), "request.args['id'] (source)"),
        TraceStep(Location(path="app/views.py", start_line=7), "passed to find_user(uid)"),
        TraceStep(Location(path="app/db.py", start_line=12), "formatted into SQL | sink"),
    )
    return finding(
        analyser="semgrep",
        analyser_version="1.100.0+rules-2024.1",
        rule_id="python.sqli.fstring",
        title="SQL injection via f-string",
        message="User input flows into a SQL query.",
        confidence=Confidence.HIGH,
        location=Location(path="app/db.py", start_line=12, end_line=13),
        trace=steps,
        help_uri="",
    )


def _escalated() -> Issue:
    return issue(finding(), _traced(), dissenting=("codeql-lite",))


def _review() -> Issue:
    f = finding(
        analyser="secrets",
        rule_id="aws-key",
        title="Hard-coded AWS key `[bold]red[/bold]` | pipe",
        message=f"Key found: {AWS_KEY}\nsecond line with \x1b[31mANSI\x1b[0m",
        severity=Severity.MEDIUM,
        location=Location(path=UNICODE_PATH, start_line=2),
        fingerprint=make_fingerprint("hardcoded-credential", UNICODE_PATH, "k"),
        cwe=(CweId(798),),
        evidence=f'aws_key = "{AWS_KEY}"',
        properties={"entropy": math.inf, "tags": {"b", "a"}, "nested": {"k": [1, None]}},
    )
    return issue(f, decision=Decision.REVIEW, fused_confidence=0.55, reason="secrets alone (0.55)")


def _suppressed() -> Issue:
    f = finding(
        rule_id="B311",
        title="Weak random",
        message="random is not a CSPRNG.",
        severity=Severity.LOW,
        location=Location(path=SURROGATE_PATH, start_line=4),
        fingerprint=make_fingerprint("weak-random", "x", "4"),
        cwe=(CweId(330),),
        evidence="token = random.random()",
    )
    s = Suppression(
        f.fingerprint, "Used for jitter only | not security", "2031-01-31", "alice", "2030-01-01"
    )
    return issue(f, decision=Decision.SUPPRESS, suppression=s, reason="operator suppression")


def _fusion_suppressed() -> Issue:
    f = finding(
        analyser="semgrep",
        rule_id="python.debug",
        title="Debug mode",
        message="debug=True",
        severity=Severity.INFO,
        confidence=Confidence.LOW,
        location=Location(path="settings.py"),
        fingerprint=make_fingerprint("debug-enabled", "settings.py"),
        cwe=(),
        evidence="",
    )
    return issue(f, decision=Decision.SUPPRESS, fused_confidence=0.1, reason="too weak alone")


def _network() -> Issue:
    f = finding(
        analyser="tls",
        rule_id="tls-weak-protocol",
        title="TLS 1.0 offered",
        message="The server accepts TLS 1.0.",
        severity=Severity.CRITICAL,
        location=Location(host="core-banking.internal", port=8443),
        fingerprint=make_fingerprint("tls", "core-banking.internal:8443"),
        cwe=(CweId(327),),
        evidence="",
        help_uri="not a url",
    )
    return issue(f, fused_confidence=0.99, reason="tls alone (0.99)")


def sample_result() -> ScanResult:
    """One of everything (see the module docstring)."""
    return ScanResult(
        run_id=RunId("run-0001"),
        started_at="2030-01-02T03:04:05+00:00",
        finished_at="2030-01-02T03:04:09.250000+00:00",
        roots=("/srv/estate",),
        issues=(_network(), _escalated(), _review(), _suppressed(), _fusion_suppressed()),
        skipped=(
            Skipped("assets/logo.png", PIPE_REASON, ""),
            Skipped(SURROGATE_PATH, "not valid UTF-8 at byte 3", "bandit"),
            Skipped("crashing", "analyser failed: engine exploded <b>on purpose</b>", "crashing"),
        ),
        analysers=(
            AnalyserRun("bandit", "1.8.0", "ok", 1.5, 2, 10),
            AnalyserRun("semgrep", "1.100.0+rules-2024.1", "ok", 4.25, 2, 10),
            AnalyserRun("crashing", "0", "failed", 0.1, 0, 10, "engine exploded <b>on purpose</b>"),
        ),
        target_count=10,
        mamori_version="0.1.0",
    )


def clean_result() -> ScanResult:
    """A scan that found nothing and skipped nothing."""
    return ScanResult(
        run_id=RunId("run-clean"),
        started_at="2030-01-02T03:04:05Z",
        finished_at="2030-01-02T03:04:06Z",
        roots=("src",),
        issues=(),
        analysers=(AnalyserRun("bandit", "1.8.0", "ok", 0.5, 0, 3),),
        target_count=3,
        mamori_version="0.1.0",
    )


def many_escalated(n: int) -> ScanResult:
    """``n`` escalated issues of rising confidence (for "top issues" limits)."""
    issues = tuple(
        issue(
            finding(title=f"Problem {k:02d}", fingerprint=make_fingerprint("p", str(k))),
            fused_confidence=k / n,
        )
        for k in range(1, n + 1)
    )
    return ScanResult(RunId("run-many"), "", "", (".",), issues, target_count=n)
