"""The Markdown threat report: complete, ordered for people, and unbreakable by its content.

Rendered Markdown is parsed back with markdown-it (CommonMark + GFM tables) to check that
hostile evidence stays inside its fence and hostile reasons stay inside their table cell.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from markdown_it.token import Token

from mamori.report import MarkdownReporter
from mamori.report._markdown_text import code_span, escape, fence
from report.report_samples import (
    AWS_KEY,
    NASTY_EVIDENCE,
    PIPE_REASON,
    clean_result,
    sample_result,
)

MD = MarkdownIt("commonmark").enable(["table", "strikethrough"])


@pytest.fixture(scope="module")
def text() -> str:
    return MarkdownReporter().render(sample_result())


@pytest.fixture(scope="module")
def tokens(text: str) -> list[Token]:
    return MD.parse(text)


def _headings(tokens: list[Token], *tags: str) -> list[str]:
    return [
        tokens[n + 1].content
        for n, t in enumerate(tokens)
        if t.type == "heading_open" and (not tags or t.tag in tags)
    ]


def _inline_text(token: Token) -> str:
    return "".join(c.content for c in token.children or [])


def test_sections_come_in_the_order_people_act_on_them(tokens: list[Token]) -> None:
    sections = _headings(tokens, "h1", "h2")
    assert sections == [
        "Mamori threat report",
        "Summary",
        "Escalated issues (2)",
        "Issues for review (1)",
        "Suppressed issues (2)",
        "Skipped targets (3)",
        "Analyser runs",
    ]
    issue_headings = _headings(tokens, "h3")
    assert [h.split(" · ")[:2] for h in issue_headings] == [
        ["E1", "CRITICAL"], ["E2", "HIGH"], ["R1", "MEDIUM"], ["S1", "LOW"], ["S2", "INFO"],
    ]  # fmt: skip


def test_summary_table_counts_by_decision_and_severity(tokens: list[Token]) -> None:
    rows = _table_rows(tokens, 0)
    assert rows[0] == ["Decision", "Critical", "High", "Medium", "Low", "Info", "Total"]
    assert rows[1] == ["Escalate", "1", "1", "0", "0", "0", "2"]
    assert rows[2] == ["Review", "0", "0", "1", "0", "0", "1"]
    assert rows[3] == ["Suppress", "0", "0", "0", "1", "1", "2"]
    assert rows[4] == ["All", "1", "1", "1", "1", "1", "5"]


def test_every_issue_is_shown_with_reason_location_and_fingerprint(text: str) -> None:
    for issue in sample_result().issues:
        assert issue.fingerprint in text
        assert escape(issue.reason) in text
    assert "`app/db.py:12`" in text
    assert "`core-banking.internal:8443`" in text
    assert "fused confidence 0.93" in text
    assert "CWE-89 (sql-injection)" in text
    assert "codeql-lite" in text


def test_evidence_with_backticks_stays_inside_its_fence(tokens: list[Token]) -> None:
    fences = [t for t in tokens if t.type == "fence"]
    assert fences[0].content == NASTY_EVIDENCE + "\n"
    assert all(t.type != "html_block" for t in tokens)
    inline_html = [c for t in tokens for c in t.children or [] if c.type == "html_inline"]
    assert inline_html == []


def test_trace_is_listed_source_to_sink(tokens: list[Token]) -> None:
    items = [_inline_text(t) for n, t in enumerate(tokens) if t.type == "inline"
             and tokens[n - 2].type == "list_item_open" and "views.py" in t.content]  # fmt: skip
    assert items[:2] == [
        "app/views.py:3 — request.args['id'] (source)",
        "app/views.py:7 — passed to find_user(uid)",
    ]
    assert any(t.type == "ordered_list_open" for t in tokens)


def test_suppressed_issue_shows_reason_and_expiry(text: str) -> None:
    assert "**Suppression reason:** Used for jitter only \\| not security" in text
    assert "**Suppression expires:** 2031-01-31" in text
    assert "**Suppressed by:** alice 2030-01-01" in text
    assert "**Suppressed by:** fusion" in text


def test_skipped_reasons_with_pipes_stay_in_their_cell(tokens: list[Token]) -> None:
    rows = _table_rows(tokens, 1)
    assert rows[0] == ["Target", "Analyser", "Reason"]
    assert rows[1] == ["assets/logo.png", "—", PIPE_REASON.replace("\n", " ")]
    assert rows[2] == ["bad\\udcffname.py", "bandit", "not valid UTF-8 at byte 3"]
    assert rows[3][2] == "analyser failed: engine exploded <b>on purpose</b>"


def test_analyser_runs_show_time_and_status(tokens: list[Token]) -> None:
    rows = _table_rows(tokens, 2)
    assert rows[0][:4] == ["Analyser", "Version", "Status", "Time (s)"]
    assert rows[2][:4] == ["semgrep", "1.100.0+rules-2024.1", "ok", "4.25"]
    assert rows[3][2] == "failed"
    assert rows[3][6] == "engine exploded <b>on purpose</b>"


def test_markup_in_titles_is_literal_and_secrets_are_masked(text: str, tokens: list[Token]) -> None:
    assert AWS_KEY not in text
    assert "[REDACTED:aws-access-key]" in text
    assert "\x1b" not in text
    heading = next(h for h in _headings(tokens) if h.startswith("R1"))
    rendered = next(
        _inline_text(tokens[n + 1]) for n, t in enumerate(tokens)
        if t.type == "heading_open" and tokens[n + 1].content == heading
    )  # fmt: skip
    assert rendered == "R1 · MEDIUM · Hard-coded AWS key `[bold]red[/bold]` | pipe"


def test_clean_scan_says_so(tmp_path: Path) -> None:
    path = MarkdownReporter().write(clean_result(), tmp_path)
    assert path.name == "mamori.md"
    text = path.read_text()
    assert "## Escalated issues (0)" in text
    assert "None: every target in scope was scanned." in text


# --- the escaping helpers, checked against a real parser ---------------------------------

_TEXT = st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=40)


@settings(max_examples=150, deadline=None)
@given(_TEXT)
def test_fence_content_round_trips(value: str) -> None:
    fences = [t for t in MD.parse(fence(value)) if t.type == "fence"]
    assert len(fences) == 1
    assert fences[0].content.rstrip("\n") == value.rstrip("\n")


@settings(max_examples=150, deadline=None)
@given(_TEXT.filter(lambda s: s.strip() and "\n" not in s and "\r" not in s))
def test_code_span_content_round_trips(value: str) -> None:
    children = MD.parse(f"x {code_span(value)} y")[1].children or []
    spans = [c.content for c in children if c.type == "code_inline"]
    assert spans == [value.strip()]


@settings(max_examples=150, deadline=None)
@given(_TEXT.filter(lambda s: "\n" not in s and "\r" not in s))
def test_escaped_text_is_literal_even_in_a_table_cell(value: str) -> None:
    table = f"| a | b |\n|---|---|\n| {escape(value) or ' '} | z |\n"
    rows = _table_rows(MD.parse(table), 0)
    assert rows[1] == [value.strip(), "z"]


def _table_rows(tokens: list[Token], which: int) -> list[list[str]]:
    starts = [n for n, t in enumerate(tokens) if t.type == "table_open"]
    rows: list[list[str]] = []
    for t in tokens[starts[which] :]:
        if t.type == "table_close":
            return rows
        if t.type == "tr_open":
            rows.append([])
        elif t.type == "inline":
            rows[-1].append(_inline_text(t))
    return rows
