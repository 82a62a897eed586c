"""SARIF 2.1.0 output, shaped for GitHub code scanning and SARIF viewers.

Layout: **one run, Mamori as ``tool.driver``, each analyser as a ``tool.extensions`` entry
that owns its rules** (the layout CodeQL uploads use). One result per fused *issue*, not per
raw finding. Why not one run per analyser: an issue two analysers agree on would then become
two alerts that GitHub cannot relate, the fused decision and confidence would have no single
home, and GitHub rejects files with several runs for the same tool and category. With one run
the alert count equals the issue count, ``partialFingerprints["mamori/v1"]`` (the content-based
issue fingerprint) keeps alerts stable across line shifts, and each result's rule still points
at the analyser and rule that raised it (``rule.toolComponent.index``).

Mapping: severity → ``level`` (critical/high ``error``, medium ``warning``, low/info ``note``)
and rule ``security-severity``; CWEs → rule tags ``external/cwe/cwe-N``; traces → ``codeFlows``;
suppressed issues → ``suppressions`` (kind ``external``); skipped targets and failed analysers →
``invocations[0].toolExecutionNotifications``. Rule ids are ``<analyser>/<rule>`` so rules of
different analysers never collide.
"""

from __future__ import annotations

import json
from typing import Any, ClassVar

from mamori.errors import ReportError
from mamori.model import AnalyserRun, Decision, Issue, ScanResult, Skipped
from mamori.report import _sarif_locations as loc
from mamori.report._sarif_rules import Catalogue, level
from mamori.report._text import clean, plain, severity_name, utc_timestamp
from mamori.report.interface import Reporter

__all__ = ["SARIF_SCHEMA_URI", "SARIF_VERSION", "SarifReporter", "to_sarif"]

SARIF_VERSION = "2.1.0"
SARIF_SCHEMA_URI = (
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
)
_NOTIFICATIONS = (
    ("mamori/skipped-target", "A target could not be scanned; its problems are unknown."),
    ("mamori/analyser-failed", "An analyser crashed or timed out; its weakness classes are "
     "unchecked in this run."),
)  # fmt: skip


class SarifReporter(Reporter):
    """SARIF 2.1.0 (``mamori.sarif``) for GitHub code scanning, IDEs and SARIF viewers.

    ``source_root`` is the folder relative paths are relative to; by default it is the common
    parent of the scanned roots.
    """

    format: ClassVar[str] = "sarif"
    suffix: ClassVar[str] = ".sarif"

    def __init__(self, source_root: str | None = None) -> None:
        self.source_root = source_root

    def render(self, result: ScanResult) -> str:
        try:
            doc = to_sarif(result, source_root=self.source_root)
            return json.dumps(doc, indent=2, ensure_ascii=False, allow_nan=False)
        except (TypeError, ValueError) as e:
            raise ReportError(
                f"run {result.run_id}: cannot encode the SARIF report: {e}",
                hint="an analyser returned a value that is not JSON; report it as a bug",
            ) from e


def to_sarif(result: ScanResult, source_root: str | None = None) -> dict[str, Any]:
    """The SARIF log as plain JSON data (what :class:`SarifReporter` writes)."""
    catalogue = Catalogue.build(result)
    run: dict[str, Any] = {
        "tool": {"driver": _driver(result), "extensions": catalogue.extensions()},
        "automationDetails": {"id": f"mamori/{plain(result.run_id)}"},
        "columnKind": "unicodeCodePoints",
        "invocations": [_invocation(result)],
        "results": [_result(i, catalogue) for i in result.issues],
        "properties": {"mamori/targetCount": result.target_count},
    }
    root_uri = loc.source_root_uri(result.roots, source_root)
    if root_uri:
        run["originalUriBaseIds"] = {loc.SRCROOT: {"uri": root_uri}}
    return {"$schema": SARIF_SCHEMA_URI, "version": SARIF_VERSION, "runs": [run]}


def _driver(result: ScanResult) -> dict[str, Any]:
    return {
        "name": "Mamori",
        "version": plain(result.mamori_version) or "0",
        "notifications": [
            {"id": nid, "shortDescription": {"text": text}} for nid, text in _NOTIFICATIONS
        ],
    }


def _invocation(result: ScanResult) -> dict[str, Any]:
    failed = {r.analyser: r for r in result.analysers if r.status != "ok"}
    inv: dict[str, Any] = {
        "executionSuccessful": not failed,
        "toolExecutionNotifications": [_notification(s, failed) for s in result.skipped],
        "properties": {"mamori/runId": plain(result.run_id)},
    }
    known = {s.target for s in result.skipped}
    inv["toolExecutionNotifications"] += [
        _failure(r) for name, r in failed.items() if name not in known
    ]
    for key, text in (("startTimeUtc", result.started_at), ("endTimeUtc", result.finished_at)):
        stamp = utc_timestamp(text)
        if stamp:
            inv[key] = stamp
    return inv


def _notification(skip: Skipped, failed: dict[str, AnalyserRun]) -> dict[str, Any]:
    is_failure = bool(skip.analyser) and skip.target == skip.analyser and skip.analyser in failed
    index = 1 if is_failure else 0
    who = f" by {skip.analyser}" if skip.analyser and not is_failure else ""
    return {
        "level": "error" if is_failure else "warning",
        "message": {"text": clean(f"skipped {skip.target}{who}: {skip.reason}", multiline=False)},
        "descriptor": {"id": _NOTIFICATIONS[index][0], "index": index},
        "properties": {"target": plain(skip.target), "analyser": plain(skip.analyser)},
    }


def _failure(run: AnalyserRun) -> dict[str, Any]:
    return {
        "level": "error",
        "message": {
            "text": clean(f"analyser {run.analyser} {run.status}: {run.error}", multiline=False)
        },
        "descriptor": {"id": _NOTIFICATIONS[1][0], "index": 1},
        "properties": {"target": plain(run.analyser), "analyser": plain(run.analyser)},
    }


def _result(issue: Issue, catalogue: Catalogue) -> dict[str, Any]:
    anchor = issue.anchor
    out: dict[str, Any] = {
        **catalogue.reference(anchor),
        "level": level(issue.severity),
        "message": {"text": _message(issue)},
        "partialFingerprints": {"mamori/v1": issue.fingerprint},
        "rank": round(issue.fused_confidence * 100, 1),
        "properties": _properties(issue),
    }
    if loc.has_place(anchor.location):
        out["locations"] = [loc.location(anchor.location)]
    related = loc.related_locations(issue.findings)
    if related:
        out["relatedLocations"] = related
    flows = loc.code_flows(issue.findings)
    if flows:
        out["codeFlows"] = flows
    suppression = _suppression(issue)
    if suppression:
        out["suppressions"] = [suppression]
    return out


def _message(issue: Issue) -> str:
    text = clean(issue.anchor.message or issue.anchor.title)
    verdict = (
        f"Mamori: {issue.decision.value} (fused confidence {issue.fused_confidence:.2f}) — "
        f"{clean(issue.reason, multiline=False)}"
    )
    return f"{text}\n\n{verdict}"


def _properties(issue: Issue) -> dict[str, Any]:
    return {
        "mamori/decision": issue.decision.value,
        "mamori/fusedConfidence": issue.fused_confidence,
        "mamori/reason": clean(issue.reason),
        "mamori/severity": severity_name(issue.severity),
        "mamori/cwe": [f"CWE-{int(c)}" for c in issue.cwe],
        "mamori/agreeing": [plain(a) for a in issue.agreeing],
        "mamori/dissenting": [plain(a) for a in issue.dissenting],
        "mamori/evidence": clean(issue.anchor.evidence),
        "mamori/findings": [
            {
                "analyser": plain(f.analyser),
                "ruleId": plain(f.rule_id),
                "confidence": f.confidence.name.lower(),
                "message": clean(f.message),
            }
            for f in issue.findings
        ],  # fmt: skip
    }


def _suppression(issue: Issue) -> dict[str, Any] | None:
    s = issue.suppression
    if s is not None:
        until = f" (until {s.until})" if s.until else ""
        props = {"until": plain(s.until), "createdBy": clean(s.created_by, multiline=False),
                 "createdAt": plain(s.created_at)}  # fmt: skip
        return {
            "kind": "external",
            "status": "accepted",
            "justification": clean(f"{s.reason}{until}"),
            "properties": props,
        }
    if issue.decision is Decision.SUPPRESS:
        return {
            "kind": "external",
            "status": "accepted",
            "justification": clean(f"suppressed by Mamori fusion: {issue.reason}"),
        }
    return None
