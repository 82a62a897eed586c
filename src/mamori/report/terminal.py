"""The end-of-scan summary on the terminal (Rich), for the person who ran the scan.

Shows counts by decision and severity, the top escalated issues, how many targets were skipped
(with where to read why), and how each analyser fared. It never shows evidence or messages,
so a secret quoted by an analyser cannot reach the terminal or a CI log; titles and paths are
shown as plain text (no Rich markup, control characters escaped).
"""

from __future__ import annotations

from rich import box
from rich.console import Console, Group, RenderableType
from rich.table import Table
from rich.text import Text

from mamori.model import AnalyserRun, Decision, Issue, ScanResult
from mamori.redact import truncate
from mamori.report._text import (
    DECISION_ORDER,
    SEVERITY_ORDER,
    clean,
    count_by_severity,
    plain,
    severity_name,
)

__all__ = ["TOP_ISSUES", "render_summary", "summary"]

TOP_ISSUES = 10
"""How many escalated issues the summary lists."""

_SEVERITY_STYLE = {
    "critical": "bold white on red",
    "high": "bold red",
    "medium": "yellow",
    "low": "cyan",
    "info": "dim",
}
_NUMERIC = frozenset({"seconds", "targets", "findings"})
_DECISION_STYLE = {
    Decision.ESCALATE: "bold red",
    Decision.REVIEW: "yellow",
    Decision.SUPPRESS: "dim",
}


def render_summary(result: ScanResult, console: Console, *, top: int = TOP_ISSUES) -> None:
    """Print the summary of ``result`` on ``console``."""
    console.print(summary(result, top=top))


def summary(result: ScanResult, *, top: int = TOP_ISSUES) -> RenderableType:
    """The summary as one Rich renderable (for callers that lay out their own screen)."""
    parts: list[RenderableType] = [_headline(result), _counts(result)]
    parts.append(_top_issues(result.issues, top))
    parts.append(_skipped_line(result))
    if result.analysers:
        parts.append(_analysers(result.analysers))
    return Group(*parts)


def _headline(result: ScanResult) -> Text:
    counts = result.count_by_decision()
    text = Text("Mamori scan ", style="bold")
    text.append(plain(result.run_id), style="dim")
    text.append(f": {len(result.issues)} issue(s) in {result.target_count} target(s) — ")
    for n, decision in enumerate(DECISION_ORDER):
        text.append(", " if n else "")
        text.append(f"{counts[decision]} {decision.value}", style=_DECISION_STYLE[decision])
    return text


def _counts(result: ScanResult) -> Table:
    table = Table(title="Issues by decision and severity", box=box.SIMPLE, title_justify="left")
    table.add_column("decision")
    for s in SEVERITY_ORDER:
        table.add_column(severity_name(s), justify="right", style=_SEVERITY_STYLE[severity_name(s)])
    table.add_column("total", justify="right", style="bold")
    for decision in DECISION_ORDER:
        issues = [i for i in result.issues if i.decision is decision]
        counts = count_by_severity([i.severity for i in issues])
        table.add_row(
            Text(decision.value, style=_DECISION_STYLE[decision]),
            *(str(counts[s]) for s in SEVERITY_ORDER),
            str(len(issues)),
        )
    return table


def _top_issues(issues: tuple[Issue, ...], top: int) -> RenderableType:
    escalated = [i for i in issues if i.decision is Decision.ESCALATE]
    if not escalated:
        return Text("No escalated issues.", style="green")
    ranked = sorted(escalated, key=lambda i: (-i.severity, -i.fused_confidence))[:top]
    title = f"Top escalated issues ({len(ranked)} of {len(escalated)})"
    table = Table(title=title, box=box.SIMPLE, title_justify="left")
    for name in ("severity", "title", "location", "confidence", "analysers"):
        table.add_column(name, justify="right" if name == "confidence" else "left")
    for issue in ranked:
        sev = severity_name(issue.severity)
        table.add_row(
            Text(sev, style=_SEVERITY_STYLE[sev]),
            Text(clean(issue.anchor.title, multiline=False)),
            Text(plain(str(issue.anchor.location)) or "—"),
            Text(f"{issue.fused_confidence:.2f}"),
            Text(", ".join(plain(a) for a in issue.agreeing) or plain(issue.anchor.analyser)),
        )
    return table


def _skipped_line(result: ScanResult) -> Text:
    n = len(result.skipped)
    if not n:
        return Text("No targets skipped.", style="green")
    text = Text(f"{n} target(s) skipped", style="bold yellow")
    text.append(
        " — their problems are unknown; see 'Skipped targets' in mamori.md "
        'or "skipped" in mamori.json for the reasons.'
    )
    return text


def _analysers(runs: tuple[AnalyserRun, ...]) -> Table:
    table = Table(title="Analysers", box=box.SIMPLE, title_justify="left")
    for name in ("analyser", "status", "seconds", "targets", "findings", "error"):
        table.add_column(name, justify="right" if name in _NUMERIC else "left")
    for r in runs:
        table.add_row(
            Text(plain(r.analyser)),
            Text(plain(r.status), style="green" if r.status == "ok" else "bold red"),
            f"{r.seconds:.1f}",
            str(r.targets),
            str(r.findings),
            Text(truncate(clean(r.error, multiline=False), 80)),
        )
    return table
