"""The JSON report: complete, valid against its shipped schema, and free of secrets."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from mamori.errors import ReportError
from mamori.model import ScanResult
from mamori.report import FORMATS, JsonReporter
from mamori.report.json_report import schema, to_document
from report.report_samples import (
    AWS_KEY,
    NASTY_EVIDENCE,
    SURROGATE_PATH,
    clean_result,
    sample_result,
)

VALIDATOR = jsonschema.Draft202012Validator(schema())


def _doc() -> dict[str, Any]:
    return json.loads(JsonReporter().render(sample_result()))


def test_schema_itself_is_a_valid_2020_12_schema() -> None:
    jsonschema.Draft202012Validator.check_schema(schema())


@pytest.mark.parametrize("make", [sample_result, clean_result], ids=["sample", "clean"])
def test_output_validates_against_the_shipped_schema(make: Callable[[], ScanResult]) -> None:
    VALIDATOR.validate(json.loads(JsonReporter().render(make())))


@pytest.mark.parametrize(
    "breakage",
    [
        lambda d: d.pop("schema_version"),
        lambda d: d.update(schema_version="2.0"),
        lambda d: d["issues"][0].update(decision="ignore"),
        lambda d: d["issues"][0].update(fused_confidence=1.5),
        lambda d: d["issues"][0]["findings"].clear(),
        lambda d: d["issues"][0]["findings"][0]["location"].update(start_line=-1),
        lambda d: d["skipped"][0].pop("reason"),
        lambda d: d["issues"][0].update(surprise=True),
    ],
)
def test_schema_rejects_broken_documents(breakage: Callable[[dict[str, Any]], object]) -> None:
    doc = _doc()
    breakage(doc)
    assert not VALIDATOR.is_valid(doc)


def test_top_level_identifies_tool_run_and_times() -> None:
    doc = _doc()
    assert doc["schema_version"] == "1.0"
    assert doc["tool"] == {"name": "mamori", "version": "0.1.0"}
    assert doc["run_id"] == "run-0001"
    assert doc["started_at"] == "2030-01-02T03:04:05+00:00"
    assert doc["roots"] == ["/srv/estate"]
    assert doc["summary"]["by_decision"] == {"escalate": 2, "review": 1, "suppress": 2}
    assert doc["summary"]["by_severity"]["critical"] == 1
    assert doc["summary"]["skipped"] == 3


def test_every_issue_and_finding_is_carried_with_its_decision() -> None:
    result = sample_result()
    doc = to_document(result)
    assert [i["fingerprint"] for i in doc["issues"]] == [i.fingerprint for i in result.issues]
    escalated = doc["issues"][1]
    assert escalated["decision"] == "escalate"
    assert escalated["fused_confidence"] == 0.93
    assert escalated["agreeing"] == ["bandit", "semgrep"]
    assert escalated["dissenting"] == ["codeql-lite"]
    assert escalated["cwe"] == [89]
    assert escalated["weakness"] == "sql-injection"
    assert [f["analyser"] for f in escalated["findings"]] == ["bandit", "semgrep"]
    assert escalated["findings"][0]["evidence"] == NASTY_EVIDENCE
    trace = escalated["findings"][1]["trace"]
    assert [s["location"]["start_line"] for s in trace] == [3, 7, 12]
    assert trace[2]["note"] == "formatted into SQL | sink"
    assert escalated["findings"][1]["location"]["end_line"] == 13


def test_suppression_is_reported_with_reason_and_expiry() -> None:
    doc = _doc()
    by_decision = [(i["decision"], i["suppression"]) for i in doc["issues"]]
    operator = by_decision[3][1]
    assert operator["reason"] == "Used for jitter only | not security"
    assert operator["until"] == "2031-01-31"
    assert operator["created_by"] == "alice"
    assert by_decision[4] == ("suppress", None)  # suppressed by fusion, no operator record
    assert by_decision[1][1] is None


def test_skipped_and_analyser_runs_are_reported() -> None:
    doc = _doc()
    assert [s["target"] for s in doc["skipped"]][0] == "assets/logo.png"
    assert doc["skipped"][0]["reason"] == "binary file | not text\nsecond line"
    assert doc["skipped"][2]["analyser"] == "crashing"
    statuses = {a["analyser"]: (a["status"], a["error"]) for a in doc["analysers"]}
    assert statuses["crashing"] == ("failed", "engine exploded <b>on purpose</b>")
    assert statuses["semgrep"][0] == "ok"


def test_secrets_and_control_characters_never_reach_the_file(tmp_path: Path) -> None:
    path = JsonReporter().write(sample_result(), tmp_path)
    raw = path.read_bytes()
    text = raw.decode("utf-8")  # valid UTF-8 even with a surrogate-escaped file name
    assert AWS_KEY not in text
    assert "[REDACTED:aws-access-key]" in text
    assert "\x1b" not in text and "\\u001b" not in text
    review = json.loads(text)["issues"][2]
    assert "\\x1b[31mANSI" in review["findings"][0]["message"]
    assert review["findings"][0]["location"]["path"] == "données/ñ file (copy).py"
    assert json.loads(text)["issues"][3]["location"]["path"] == "bad\\udcffname.py"
    assert SURROGATE_PATH not in text


def test_odd_property_values_become_json_instead_of_failing() -> None:
    props = _doc()["issues"][2]["findings"][0]["properties"]
    assert props == {"entropy": "inf", "tags": ["a", "b"], "nested": {"k": [1, None]}}


def test_write_names_the_file_after_the_format(tmp_path: Path) -> None:
    path = FORMATS["json"]().write(clean_result(), tmp_path / "new" / "dir")
    assert path == tmp_path / "new" / "dir" / "mamori.json"
    assert json.loads(path.read_text())["issues"] == []
    assert [p.name for p in path.parent.iterdir()] == ["mamori.json"]  # no temp file left


def test_unwritable_destination_is_a_report_error_with_a_hint(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(ReportError) as e:
        JsonReporter().write(clean_result(), blocker)
    assert "json report" in str(e.value)
    assert e.value.hint
    assert isinstance(e.value.__cause__, OSError)
