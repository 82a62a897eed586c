"""The bundled demo estate: every planted problem in EXPECTED.md is reported, no safe
look-alike is escalated, and the reports `make run` writes are valid."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

import jsonschema
import pytest

from mamori.analysers.deps.advisories import import_advisories
from mamori.analysers.interface import read_lines
from mamori.model import Decision, Issue, ScanResult
from mamori.pipeline import ScanOptions, scan, write_reports

REPO = Path(__file__).resolve().parents[1]
ESTATE = REPO / "examples" / "estate"
SARIF_SCHEMA = REPO.parent / "shared" / "data" / "schemas" / "sarif-schema-2.1.0.json"


@dataclass(frozen=True)
class Row:
    id: str
    file: str
    cls: str
    expect: str
    match: str


def expected_rows() -> list[Row]:
    rows = []
    for line in (ESTATE / "EXPECTED.md").read_text().splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) >= 5 and cells[3] in ("vulnerable", "safe"):
            match = re.sub(r"^`(.*)`$", r"\1", cells[4])
            rows.append(Row(cells[0], cells[1], cells[2], cells[3], match))
    return rows


ROWS = expected_rows()


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[ScanResult, Path]:
    tmp = tmp_path_factory.mktemp("demo")
    import_advisories(REPO / "examples" / "advisories" / "pypa", tmp / "advisories")
    result = scan(
        ScanOptions(
            paths=(str(ESTATE),),
            scope_file=str(REPO / "examples" / "scope.yaml"),
            advisory_db=str(tmp / "advisories"),
        )
    )
    write_reports(result, tmp / "out", ["json", "sarif", "md"])
    return result, tmp / "out"


def _line_of(row: Row) -> int:
    lines = read_lines(str(ESTATE / row.file))
    hits = [i for i, text in enumerate(lines, 1) if row.match in text]
    assert len(hits) == 1, f"{row.id}: match {row.match!r} is not unique in {row.file}: {hits}"
    return hits[0]


def _issues_at(result: ScanResult, row: Row) -> list[Issue]:
    line = _line_of(row)
    out = []
    for issue in result.issues:
        for f in issue.findings:
            start, end = f.location.lines
            if f.location.path == row.file and f.weakness == row.cls and start <= line <= end:
                out.append(issue)
                break
    return out


def test_answer_key_is_substantial() -> None:
    vulnerable = [r for r in ROWS if r.expect == "vulnerable"]
    assert len(vulnerable) >= 12
    assert len([r for r in ROWS if r.expect == "safe"]) >= 6
    assert {"vulnerable-dependency", "hardcoded-credential"} <= {r.cls for r in vulnerable}


@pytest.mark.parametrize("row", [r for r in ROWS if r.expect == "vulnerable"], ids=lambda r: r.id)
def test_planted_problem_is_reported(demo: tuple[ScanResult, Path], row: Row) -> None:
    result, _ = demo
    issues = _issues_at(result, row)
    assert issues, f"{row.id} ({row.cls} in {row.file}: {row.match!r}) was not reported"
    assert any(i.decision is not Decision.SUPPRESS for i in issues)


@pytest.mark.parametrize("row", [r for r in ROWS if r.expect == "safe"], ids=lambda r: r.id)
def test_safe_lookalike_is_not_escalated(demo: tuple[ScanResult, Path], row: Row) -> None:
    result, _ = demo
    escalated = [i for i in _issues_at(result, row) if i.decision is Decision.ESCALATE]
    assert not escalated, f"{row.id} is safe but was escalated: {escalated[0].reason}"


def test_reports_are_valid_and_hold_no_secret(demo: tuple[ScanResult, Path]) -> None:
    result, out = demo
    sarif = json.loads((out / "mamori.sarif").read_text())
    jsonschema.Draft7Validator(json.loads(SARIF_SCHEMA.read_text())).validate(sarif)
    report = json.loads((out / "mamori.json").read_text())
    assert report["schema_version"] == "1.0"
    assert len(report["issues"]) == len(result.issues)
    secret_rows = [r for r in ROWS if r.cls == "hardcoded-credential" and r.expect == "vulnerable"]
    for row in secret_rows:
        line = read_lines(str(ESTATE / row.file))[_line_of(row) - 1]
        for value in re.findall(r"[\"']([A-Za-z0-9/+=_\-]{16,})[\"']", line):
            for path in out.iterdir():
                assert value not in path.read_text(), f"secret from {row.id} leaked into {path}"


def test_attack_story_in_the_logs_is_one_incident_with_a_timeline(
    demo: tuple[ScanResult, Path],
) -> None:
    result, _ = demo
    incidents = [f for f in result.findings if f.analyser == "logs" and f.rule_id == "incident"]
    story = [f for f in incidents if "198.51.100.77" in f.message]
    assert len(story) == 1, [f.message[:120] for f in incidents]
    timeline = " | ".join(step.note for step in story[0].trace)
    for stage in ("brute force", "succeeded after", "sudo to a root shell", "privileged",
                  "Web shell", "SQL injection", "Path traversal"):  # fmt: skip
        assert stage.lower() in timeline.lower(), f"{stage!r} missing from {timeline}"
    alerts = [f for f in result.findings if f.analyser == "logs" and f.rule_id != "incident"]
    firsts = [str(f.properties.get("first_seen", "")) for f in alerts]
    assert all(firsts), "every alert carries when it was first seen"
