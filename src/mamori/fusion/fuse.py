"""Fusion v1: group what analysers say about the same problem, score it, decide, say why.

Grouping: findings with the same weakness class on the same file are one problem when they
share a fingerprint or their line ranges overlap; other findings group by fingerprint. A live
finding on a host joins the issue of the equivalent configuration finding in a file the scope
says is deployed on that host (``evidence.yaml``), so static and live evidence are one issue.

Fused confidence is a noisy-OR over *independent analysers*: each agreeing analyser votes
once, with weight ``precision(analyser, rule/CWE) × confidence weight``; the chance that all
of them are wrong at once is the product of their individual error rates.

Decision: operator suppressions win; otherwise escalate when the fused confidence reaches the
table's escalate threshold and severity is at least MEDIUM, review when it reaches the review
threshold, and suppress as noise below that. The reason names who agreed and who covered the
same ground without reporting it.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml

from mamori.fusion.precision import PrecisionTable
from mamori.model import Decision, Finding, Fingerprint, Issue, Severity, Suppression


def _same_weakness() -> dict[str, tuple[str, ...]]:
    data = yaml.safe_load((Path(__file__).parent / "evidence.yaml").read_text(encoding="utf-8"))
    return {str(k): tuple(str(v) for v in vs) for k, vs in (data or {}).items()}


SAME_WEAKNESS: dict[str, tuple[str, ...]] = _same_weakness()
"""Live host check id -> configuration check ids that report the same weakness."""


@dataclass(frozen=True, slots=True)
class Coverage:
    """What one analyser looked at: used to tell who *could* have agreed."""

    paths: frozenset[str]
    """Display paths of the targets it scanned successfully."""
    weaknesses: frozenset[str]
    """Weakness classes it is able to report."""


def fuse(
    findings: Iterable[Finding],
    table: PrecisionTable,
    *,
    coverage: Mapping[str, Coverage] | None = None,
    suppressions: Mapping[Fingerprint, Suppression] | None = None,
    deployed: Mapping[str, frozenset[str]] | None = None,
) -> tuple[Issue, ...]:
    """Group, score and decide; issues are returned most severe and most certain first.

    ``deployed`` maps a configuration file's display path to the host addresses it configures:
    a live finding on such a host joins the issue of the same weakness found in the file
    (:data:`SAME_WEAKNESS`), so the issue carries both kinds of evidence.
    """
    coverage = coverage or {}
    suppressions = suppressions or {}
    groups = join_live_evidence(group_findings(findings), deployed or {})
    issues = [_decide(group, table, coverage, suppressions) for group in groups]
    issues.sort(key=lambda i: (-i.severity, -i.fused_confidence, i.anchor.location.path,
                               i.anchor.location.start_line, i.fingerprint))  # fmt: skip
    return tuple(issues)


def group_findings(findings: Iterable[Finding]) -> list[list[Finding]]:
    """Partition findings into groups that describe the same problem (deterministic order)."""
    buckets: dict[tuple[str, str], list[Finding]] = defaultdict(list)
    for f in findings:
        on_file = bool(f.location.path and f.location.start_line and not f.location.host)
        key = (f.weakness, f.location.path) if on_file else ("fp", f.fingerprint)
        buckets[key].append(f)
    groups: list[list[Finding]] = []
    for key in sorted(buckets):
        groups += _split_bucket(buckets[key])
    return groups


def join_live_evidence(
    groups: list[list[Finding]], deployed: Mapping[str, frozenset[str]]
) -> list[list[Finding]]:
    """Move each group of live host findings into the group of its configuration finding.

    A host finding joins when the host is one the file is deployed on and the file has a
    finding of an equivalent check (:data:`SAME_WEAKNESS`); otherwise it stays on its own.
    """
    if not deployed:
        return groups
    paths_of: dict[str, list[str]] = defaultdict(list)
    for path, hosts in sorted(deployed.items()):
        for host in hosts:
            paths_of[host].append(path)
    home: dict[tuple[str, str], int] = {}
    for i, group in enumerate(groups):
        for f in group:
            if f.location.path and not f.location.host:
                home.setdefault((f.location.path, f.rule_id), i)
    moved: set[int] = set()
    for i, group in enumerate(groups):
        if not all(f.location.host for f in group):
            continue
        target = next(
            (
                home[(path, rule)]
                for f in group
                for path in paths_of.get(f.location.host, ())
                for rule in SAME_WEAKNESS.get(f.rule_id, ())
                if (path, rule) in home
            ),
            None,
        )
        if target is not None:
            groups[target].extend(group)
            moved.add(i)
    return [g for i, g in enumerate(groups) if i not in moved]


def _split_bucket(items: list[Finding]) -> list[list[Finding]]:
    """Union findings in one (weakness, file) bucket that share a fingerprint or overlap."""
    items = sorted(items, key=lambda f: (f.location.lines, f.analyser, f.rule_id))
    parent = list(range(len(items)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    by_fp: dict[Fingerprint, int] = {}
    reach = 0  # furthest end line seen so far (items are sorted by start line)
    for i, f in enumerate(items):
        if f.fingerprint in by_fp:
            parent[find(i)] = find(by_fp[f.fingerprint])
        by_fp.setdefault(f.fingerprint, i)
        start, end = f.location.lines
        if i and start <= reach:
            parent[find(i)] = find(i - 1)
        reach = max(reach, end)
    groups: dict[int, list[Finding]] = defaultdict(list)
    for i, f in enumerate(items):
        groups[find(i)].append(f)
    return [groups[k] for k in sorted(groups)]


def _group_fingerprint(group: Sequence[Finding]) -> Fingerprint:
    """The most common member fingerprint (ties: a file finding before a live one, then the
    earliest line, then the smallest value)."""
    counts = Counter(f.fingerprint for f in group)
    first = {f.fingerprint: (bool(f.location.host), f.location.start_line) for f in reversed(group)}
    return min(counts, key=lambda fp: (-counts[fp], first[fp], fp))


def _votes(group: Sequence[Finding], table: PrecisionTable) -> dict[str, float]:
    """Each analyser's single strongest vote in the group."""
    votes: dict[str, float] = {}
    for f in group:
        w = table.precision(f) * f.confidence.weight
        votes[f.analyser] = max(votes.get(f.analyser, 0.0), w)
    return votes


def _decide(
    group: Sequence[Finding],
    table: PrecisionTable,
    coverage: Mapping[str, Coverage],
    suppressions: Mapping[Fingerprint, Suppression],
) -> Issue:
    fp = _group_fingerprint(group)
    anchor = next(f for f in group if f.fingerprint == fp)
    ordered = (anchor, *(f for f in group if f is not anchor))
    votes = _votes(group, table)
    miss = 1.0
    for w in votes.values():
        miss *= 1.0 - w
    fused = round(1.0 - miss, 4)
    severity = max(f.severity for f in group)
    dissent = tuple(sorted(
        a for a, cov in coverage.items()
        if a not in votes and anchor.weakness in cov.weaknesses
        and anchor.location.path in cov.paths
    ))  # fmt: skip
    decision, why = _rule(fused, severity, table, suppressions.get(fp))
    reason = f"{decision.value}: {_who(votes, anchor.weakness, dissent)} → {fused:.2f}; {why}"
    return Issue(
        fingerprint=fp,
        findings=ordered,
        severity=severity,
        fused_confidence=fused,
        decision=decision,
        reason=reason,
        agreeing=tuple(sorted(votes)),
        dissenting=dissent,
        suppression=suppressions.get(fp),
    )


def _rule(
    fused: float, severity: Severity, table: PrecisionTable, sup: Suppression | None
) -> tuple[Decision, str]:
    if sup is not None:
        until = f" until {sup.until}" if sup.until else ""
        who = f" by {sup.created_by}" if sup.created_by else ""
        return Decision.SUPPRESS, f"suppressed{who}{until}: {sup.reason}"
    if fused >= table.escalate_at and severity >= Severity.MEDIUM:
        return Decision.ESCALATE, f"meets the escalate bar {table.escalate_at:.2f}"
    if fused >= table.escalate_at:
        return Decision.REVIEW, f"confident but only {severity.name.lower()} severity"
    if fused >= table.review_at:
        return Decision.REVIEW, f"below the escalate bar {table.escalate_at:.2f}"
    return Decision.SUPPRESS, f"below the review bar {table.review_at:.2f} (likely noise)"


def _who(votes: Mapping[str, float], weakness: str, dissent: Sequence[str]) -> str:
    agreed = " + ".join(f"{a} ({w:.2f})" for a, w in sorted(votes.items()))
    verb = "agree on" if len(votes) > 1 else "alone reports"
    text = f"{agreed} {verb} {weakness}"
    if dissent:
        text += f"; {', '.join(dissent)} scanned it and did not"
    return text
