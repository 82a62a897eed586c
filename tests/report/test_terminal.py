"""The terminal summary: counts, top escalated issues, skips with a hint, analyser status."""

from __future__ import annotations

from dataclasses import replace

from rich.console import Console

from mamori.model import ScanResult
from mamori.report.terminal import TOP_ISSUES, render_summary
from report.report_samples import (
    AWS_KEY,
    NASTY_EVIDENCE,
    clean_result,
    finding,
    issue,
    many_escalated,
    sample_result,
)


def _render(result: ScanResult, top: int = TOP_ISSUES) -> str:
    console = Console(record=True, width=120, color_system=None)
    render_summary(result, console, top=top)
    return console.export_text()


def _line(text: str, start: str) -> str:
    return next(ln for ln in text.splitlines() if ln.strip().startswith(start))


def test_counts_by_decision_and_severity() -> None:
    text = _render(sample_result())
    assert "5 issue(s) in 10 target(s) — 2 escalate, 1 review, 2 suppress" in text
    header = _line(text, "decision").split()
    assert header == ["decision", "critical", "high", "medium", "low", "info", "total"]
    assert _line(text, "escalate").split() == ["escalate", "1", "1", "0", "0", "0", "2"]
    assert _line(text, "suppress").split() == ["suppress", "0", "0", "0", "1", "1", "2"]


def test_top_escalated_issues_most_severe_first() -> None:
    text = _render(sample_result())
    assert "Top escalated issues (2 of 2)" in text
    tls, sql = _line(text, "critical "), _line(text, "high ")
    assert "TLS 1.0 offered" in tls and "core-banking.internal:8443" in tls and "0.99" in tls
    assert "SQL built from strings" in sql and "app/db.py:12" in sql and "bandit, semgrep" in sql
    assert text.index("TLS 1.0 offered") < text.index("SQL built from strings")
    assert "Weak random" not in text  # suppressed issues are not listed


def test_top_list_is_limited_and_ranked_by_confidence() -> None:
    text = _render(many_escalated(TOP_ISSUES + 5))
    assert f"Top escalated issues ({TOP_ISSUES} of {TOP_ISSUES + 5})" in text
    assert "Problem 15" in text and "Problem 06" in text
    assert "Problem 05" not in text
    assert text.index("Problem 15") < text.index("Problem 14")
    assert "Problem 03" in _render(many_escalated(15), top=15)


def test_skipped_targets_are_counted_with_a_hint() -> None:
    text = _render(sample_result())
    assert "3 target(s) skipped" in text
    assert "mamori.md" in text and "mamori.json" in text
    assert "No targets skipped." in _render(clean_result())


def test_analyser_status_and_error() -> None:
    text = _render(sample_result())
    crashing = _line(text, "crashing")
    assert crashing.split()[:5] == ["crashing", "failed", "0.1", "10", "0"]
    assert "engine exploded <b>on purpose</b>" in crashing
    assert _line(text, "semgrep").split()[:2] == ["semgrep", "ok"]


def test_no_evidence_no_secret_and_no_markup_injection() -> None:
    text = _render(sample_result())
    assert AWS_KEY not in text
    assert NASTY_EVIDENCE not in text and "SELECT" not in text
    assert "\x1b" not in text
    hostile = issue(finding(title="[bold red]owned[/] \x1b[2J"))
    out = _render(replace(clean_result(), issues=(hostile,)))
    assert "[bold red]owned[/] \\x1b[2J" in out


def test_clean_scan_says_nothing_was_escalated() -> None:
    text = _render(clean_result())
    assert "No escalated issues." in text
    assert "0 escalate" in text
