"""The threat report for people (``mamori.md``): what to fix first, and why Mamori thinks so.

Order: a summary table (issues by decision and severity), escalated issues, issues held for
review, suppressed issues (with the operator's reason and expiry), skipped targets with their
reasons, and analyser runs. Every value taken from a finding is escaped or fenced so that it
shows literally: a backtick in evidence cannot end its fence, a pipe in a reason cannot add a
table column, and ``<script>`` or ``@someone`` is text, not HTML or a mention.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import ClassVar

from mamori.model import AnalyserRun, Decision, Finding, Issue, Location, ScanResult, Skipped
from mamori.redact import truncate
from mamori.report._markdown_text import code_span, escape, fence
from mamori.report._text import (
    DECISION_ORDER,
    SEVERITY_ORDER,
    clean,
    count_by_severity,
    plain,
    severity_name,
)
from mamori.report.interface import Reporter

__all__ = ["MarkdownReporter"]

MAX_EVIDENCE = 2000
"""Characters of evidence shown per finding (after redaction)."""

_SECTIONS = {
    Decision.ESCALATE: ("Escalated issues", "E", "act on these first"),
    Decision.REVIEW: ("Issues for review", "R", "a person should confirm or dismiss these"),
    Decision.SUPPRESS: ("Suppressed issues", "S", "accepted risk or judged false alarms"),
}


class MarkdownReporter(Reporter):
    """A Markdown threat report (``mamori.md``) for analysts, auditors and pull requests."""

    format: ClassVar[str] = "md"
    suffix: ClassVar[str] = ".md"

    def render(self, result: ScanResult) -> str:
        parts = [*_header(result), *_summary(result)]
        for decision in DECISION_ORDER:
            parts += _issue_section(result, decision)
        parts += [*_skipped_section(result.skipped), *_analyser_section(result.analysers)]
        return "\n".join(parts).rstrip("\n") + "\n"


def _header(result: ScanResult) -> list[str]:
    roots = ", ".join(code_span(plain(r)) for r in result.roots) or "none"
    return [
        "# Mamori threat report",
        "",
        f"- **Run:** {code_span(plain(result.run_id))}",
        f"- **Started:** {escape(result.started_at)} · **finished:** {escape(result.finished_at)}",
        f"- **Scanned:** {roots} ({result.target_count} targets)",
        f"- **Mamori version:** {escape(result.mamori_version or 'unknown')}",
        "",
    ]


def _summary(result: ScanResult) -> list[str]:
    names = [severity_name(s).capitalize() for s in SEVERITY_ORDER]
    lines = [
        "## Summary",
        "",
        "| Decision | " + " | ".join(names) + " | Total |",
        "|---|" + "---:|" * (len(names) + 1),
    ]
    for decision in DECISION_ORDER:
        issues = [i for i in result.issues if i.decision is decision]
        lines.append(_count_row(decision.value.capitalize(), issues))
    lines.append(_count_row("**All**", list(result.issues)))
    lines += ["", _summary_note(result), ""]
    return lines


def _count_row(label: str, issues: list[Issue]) -> str:
    counts = count_by_severity([i.severity for i in issues])
    cells = [str(counts[s]) for s in SEVERITY_ORDER]
    return f"| {label} | " + " | ".join(cells) + f" | {len(issues)} |"


def _summary_note(result: ScanResult) -> str:
    failed = [r.analyser for r in result.analysers if r.status != "ok"]
    notes = [f"{len(result.skipped)} target(s) skipped (see *Skipped targets*)."]
    if failed:
        names = ", ".join(escape(a) for a in failed)
        notes.append(f"**Warning:** analyser(s) {names} did not finish; their checks are missing.")
    return " ".join(notes)


def _issue_section(result: ScanResult, decision: Decision) -> list[str]:
    title, prefix, blurb = _SECTIONS[decision]
    issues = [i for i in result.issues if i.decision is decision]
    lines = [f"## {title} ({len(issues)})", "", f"*{blurb}*", ""]
    if not issues:
        return [*lines, "None.", ""]
    for n, issue in enumerate(issues, 1):
        lines += _issue(issue, f"{prefix}{n}")
    return lines


def _issue(issue: Issue, label: str) -> list[str]:
    anchor = issue.anchor
    heading = f"### {label} · {issue.severity.name} · {escape(clean(anchor.title))}"
    lines = [heading, ""]
    lines += [
        f"- **Decision:** {issue.decision.value}, fused confidence {issue.fused_confidence:.2f}",
        f"- **Why:** {escape(clean(issue.reason))}",
        f"- **Location:** {_where(anchor.location)}",
        f"- **Weakness:** {_weakness(issue)}",
        f"- **Reported by:** {', '.join(_reporter(f) for f in issue.findings)}",
    ]
    if issue.dissenting:
        lines.append(f"- **Covered but not reported by:** {escape(', '.join(issue.dissenting))}")
    lines += _suppression(issue)
    lines += [f"- **Fingerprint:** {code_span(issue.fingerprint)}", ""]
    lines += [*_messages(issue.findings), *_evidence(issue.findings), *_traces(issue.findings)]
    return lines


def _where(loc: Location) -> str:
    return code_span(plain(str(loc))) if str(loc) else "*(no location)*"


def _weakness(issue: Issue) -> str:
    cwes = ", ".join(f"CWE-{int(c)}" for c in issue.cwe)
    weakness = escape(issue.anchor.weakness)
    return f"{cwes} ({weakness})" if cwes else weakness


def _reporter(f: Finding) -> str:
    rule = code_span(plain(f.rule_id))
    return f"{escape(plain(f.analyser))} ({rule}, {f.confidence.name.lower()} confidence)"


def _suppression(issue: Issue) -> list[str]:
    s = issue.suppression
    if s is None:
        if issue.decision is Decision.SUPPRESS:
            return ["- **Suppressed by:** fusion (no operator suppression; see *Why*)"]
        return []
    lines = [f"- **Suppression reason:** {escape(clean(s.reason))}"]
    lines.append(f"- **Suppression expires:** {escape(s.until) if s.until else 'never'}")
    if s.created_by or s.created_at:
        who = escape(clean(s.created_by, multiline=False)) or "unknown"
        lines.append(f"- **Suppressed by:** {who} {escape(s.created_at)}".rstrip())
    return lines


def _messages(findings: Iterable[Finding]) -> list[str]:
    lines = []
    for f in findings:
        where = "" if not str(f.location) else f" at {_where(f.location)}"
        lines.append(f"> **{escape(plain(f.analyser))}**{where}: {escape(clean(f.message))}")
        lines.append(">")
    return [*lines[:-1], ""] if lines else []


def _evidence(findings: Iterable[Finding]) -> list[str]:
    lines: list[str] = []
    seen: set[str] = set()
    for f in findings:
        text = truncate(clean(f.evidence).strip("\n"), MAX_EVIDENCE)
        if not text.strip() or text in seen:
            continue
        seen.add(text)
        lines += [f"**Evidence** ({escape(plain(f.analyser))}):", "", fence(text), ""]
    return lines


def _traces(findings: Iterable[Finding]) -> list[str]:
    lines: list[str] = []
    for f in findings:
        if not f.trace:
            continue
        lines += [f"**Data flow** ({escape(plain(f.analyser))}, source to sink):", ""]
        lines += [f"{n}. {_where(s.location)} — {escape(clean(s.note))}" for n, s in
                  enumerate(f.trace, 1)]  # fmt: skip
        lines.append("")
    return lines


def _skipped_section(skipped: tuple[Skipped, ...]) -> list[str]:
    lines = [f"## Skipped targets ({len(skipped)})", ""]
    if not skipped:
        return [*lines, "None: every target in scope was scanned.", ""]
    lines += ["| Target | Analyser | Reason |", "|---|---|---|"]
    lines += [_row(plain(s.target), plain(s.analyser) or "—", clean(s.reason)) for s in skipped]
    return [*lines, ""]


def _analyser_section(runs: tuple[AnalyserRun, ...]) -> list[str]:
    lines = ["## Analyser runs", ""]
    if not runs:
        return [*lines, "No analyser ran.", ""]
    lines += [
        "| Analyser | Version | Status | Time (s) | Targets | Findings | Error |",
        "|---|---|---|---:|---:|---:|---|",
    ]
    lines += [
        _row(
            plain(r.analyser),
            plain(r.version),
            plain(r.status),
            f"{r.seconds:.2f}",
            str(r.targets),
            str(r.findings),
            clean(r.error) or "—",
        )  # fmt: skip
        for r in runs
    ]
    return [*lines, ""]


def _row(*cells: str) -> str:
    return "| " + " | ".join(_cells(cells)) + " |"


def _cells(cells: Iterable[str]) -> Iterator[str]:
    for c in cells:
        yield escape(c) if c else " "
