"""SARIF 2.1.0: valid against the OASIS schema (offline) and shaped for GitHub code scanning."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from mamori.model import AnalyserRun, Decision, Location, RunId, ScanResult
from mamori.report import SarifReporter
from mamori.report.sarif import to_sarif
from report.report_samples import AWS_KEY, clean_result, finding, issue, sample_result

REPO = Path(__file__).resolve().parents[2]
SCHEMA_PATH = REPO.parent / "shared" / "data" / "schemas" / "sarif-schema-2.1.0.json"
Validator = jsonschema.protocols.Validator


@pytest.fixture(scope="module")
def validator() -> Validator:
    schema = json.loads(SCHEMA_PATH.read_text())
    # The schema declares draft-04 ("$schema") and only uses local "#/definitions" refs, so
    # validation never needs the network.
    cls = jsonschema.validators.validator_for(schema)
    assert cls is jsonschema.Draft4Validator
    return cls(schema)


def _run(result: ScanResult | None = None, **kw: Any) -> dict[str, Any]:
    doc = json.loads(SarifReporter(**kw).render(result or sample_result()))
    assert len(doc["runs"]) == 1
    return doc["runs"][0]


@pytest.mark.parametrize("make", [sample_result, clean_result], ids=["sample", "clean"])
def test_output_validates_against_the_sarif_schema(
    validator: Validator, make: Callable[[], ScanResult]
) -> None:
    doc = json.loads(SarifReporter().render(make()))
    validator.validate(doc)
    assert doc["version"] == "2.1.0"


def test_schema_validation_is_real(validator: Validator) -> None:
    doc = to_sarif(sample_result())
    doc["runs"][0]["results"][0]["level"] = "fatal"
    assert not validator.is_valid(doc)


def test_one_run_with_mamori_as_driver_and_analysers_as_extensions() -> None:
    tool = _run()["tool"]
    assert tool["driver"]["name"] == "Mamori"
    assert tool["driver"]["version"] == "0.1.0"
    names = [e["name"] for e in tool["extensions"]]
    assert names[:3] == ["bandit", "semgrep", "crashing"]
    assert {"secrets", "tls"} <= set(names)


def test_each_result_references_a_rule_of_its_analyser() -> None:
    run = _run()
    extensions = run["tool"]["extensions"]
    for res in run["results"]:
        ref = res["rule"]
        rule = extensions[ref["toolComponent"]["index"]]["rules"][ref["index"]]
        assert rule["id"] == res["ruleId"] == ref["id"]
        analyser = extensions[ref["toolComponent"]["index"]]["name"]
        assert res["ruleId"].startswith(f"{analyser}/")
    assert [r["ruleId"] for r in run["results"]][:2] == ["tls/tls-weak-protocol", "bandit/B608"]


def test_rules_carry_cwe_tags_help_and_security_severity() -> None:
    bandit = _run()["tool"]["extensions"][0]
    rule = next(r for r in bandit["rules"] if r["id"] == "bandit/B608")
    assert rule["properties"]["tags"] == ["security", "external/cwe/cwe-89"]
    assert rule["properties"]["security-severity"] == "8.0"
    assert rule["defaultConfiguration"]["level"] == "error"
    assert rule["shortDescription"]["text"] == "SQL built from strings"
    assert "CWE-89" in rule["fullDescription"]["text"]
    assert "https://cwe.mitre.org/data/definitions/89.html" in rule["help"]["text"]
    assert rule["helpUri"] == "https://bandit.readthedocs.io/en/latest/plugins/b608.html"
    tls = next(e for e in _run()["tool"]["extensions"] if e["name"] == "tls")
    assert "helpUri" not in tls["rules"][0]  # "not a url" is not passed on as a URI


def test_levels_follow_severity() -> None:
    levels = [r["level"] for r in _run()["results"]]
    assert levels == [
        "error",
        "error",
        "warning",
        "note",
        "note",
    ]  # critical, high, medium, low, info


def test_partial_fingerprints_and_fusion_properties() -> None:
    result = sample_result()
    results = _run(result)["results"]
    for res, expected in zip(results, result.issues, strict=True):
        assert res["partialFingerprints"] == {"mamori/v1": expected.fingerprint}
        assert res["properties"]["mamori/decision"] == expected.decision.value
        assert res["properties"]["mamori/fusedConfidence"] == expected.fused_confidence
        assert expected.decision.value in res["message"]["text"]
    assert results[1]["properties"]["mamori/agreeing"] == ["bandit", "semgrep"]
    assert results[1]["properties"]["mamori/dissenting"] == ["codeql-lite"]


def test_locations_are_relative_to_srcroot_and_percent_encoded() -> None:
    run = _run()
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"] == "file:///srv/estate/"
    physical = [r["locations"][0]["physicalLocation"] for r in run["results"][1:4]]
    assert physical[0]["artifactLocation"] == {"uri": "app/db.py", "uriBaseId": "%SRCROOT%"}
    assert physical[0]["region"] == {"startLine": 12, "startColumn": 5}
    assert physical[1]["artifactLocation"]["uri"] == "donn%C3%A9es/%C3%B1%20file%20%28copy%29.py"
    assert physical[2]["artifactLocation"]["uri"] == "bad%FFname.py"  # the file's real bytes


def test_source_root_can_be_given_and_absolute_paths_stay_absolute() -> None:
    run = _run(source_root="/opt/repo")
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"] == "file:///opt/repo/"
    where = Location(path="/etc/x y", start_line=1)
    result = ScanResult(RunId("r"), "", "", (), (issue(finding(location=where)),))
    loc = _run(result)["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
    assert loc == {"uri": "file:///etc/x%20y"}


def test_network_finding_gets_a_logical_location() -> None:
    tls = _run()["results"][0]
    assert tls["locations"][0]["logicalLocations"][0]["name"] == "core-banking.internal:8443"
    assert "physicalLocation" not in tls["locations"][0]


def test_trace_becomes_a_code_flow_source_to_sink() -> None:
    results = _run()["results"]
    flows = results[1]["codeFlows"]
    assert len(flows) == 1  # only the semgrep finding has a trace
    steps = flows[0]["threadFlows"][0]["locations"]
    assert [s["location"]["message"]["text"] for s in steps] == [
        "request.args['id'] (source)",
        "passed to find_user(uid)",
        "formatted into SQL | sink",
    ]
    assert [s["location"]["physicalLocation"]["region"]["startLine"] for s in steps] == [3, 7, 12]
    assert all("codeFlows" not in r for r in results[2:])


def test_other_analysers_locations_are_related_locations() -> None:
    related = _run()["results"][1]["relatedLocations"]
    assert related[0]["physicalLocation"]["region"] == {"startLine": 12, "endLine": 13}
    assert related[0]["message"]["text"].startswith("semgrep (python.sqli.fstring)")


def test_suppressed_issues_carry_external_suppressions() -> None:
    results = _run()["results"]
    operator = results[3]["suppressions"]
    assert operator[0]["kind"] == "external"
    assert operator[0]["justification"] == "Used for jitter only | not security (until 2031-01-31)"
    assert operator[0]["properties"]["createdBy"] == "alice"
    fusion = results[4]["suppressions"][0]
    assert fusion["kind"] == "external"
    assert "too weak alone" in fusion["justification"]
    assert all("suppressions" not in r for r in results[:3])


def test_skipped_targets_become_tool_execution_notifications() -> None:
    inv = _run()["invocations"][0]
    notes = inv["toolExecutionNotifications"]
    assert len(notes) == 3
    assert notes[0]["level"] == "warning"
    assert (
        notes[0]["message"]["text"] == "skipped assets/logo.png: binary file | not text second line"
    )
    assert notes[0]["descriptor"]["id"] == "mamori/skipped-target"
    assert notes[2]["level"] == "error"
    assert notes[2]["descriptor"]["id"] == "mamori/analyser-failed"
    assert inv["executionSuccessful"] is False
    assert inv["startTimeUtc"] == "2030-01-02T03:04:05Z"
    assert inv["endTimeUtc"] == "2030-01-02T03:04:09.250Z"


def test_failed_analyser_without_skip_entry_is_still_notified() -> None:
    base = clean_result()
    failed = AnalyserRun("semgrep", "1", "timeout", 30.0, 0, 3, "ran past 30 s")
    result = ScanResult(base.run_id, "", "", base.roots, (), (), (failed,))
    inv = _run(result)["invocations"][0]
    assert inv["executionSuccessful"] is False
    assert inv["toolExecutionNotifications"][0]["message"]["text"] == (
        "analyser semgrep timeout: ran past 30 s"
    )
    assert "startTimeUtc" not in inv  # unknown times are left out, not invented


def test_clean_run_is_successful_and_empty() -> None:
    run = _run(clean_result())
    assert run["results"] == []
    assert run["invocations"][0]["executionSuccessful"] is True
    assert run["automationDetails"]["id"] == "mamori/run-clean"


def test_no_secret_and_no_control_character_in_the_file(tmp_path: Path) -> None:
    path = SarifReporter().write(sample_result(), tmp_path)
    assert path.name == "mamori.sarif"
    text = path.read_text("utf-8")
    assert AWS_KEY not in text
    assert not re.search(r"[\x00-\x08\x0b-\x1f]|\\u001b", text)


def test_fused_decision_counts_match_results() -> None:
    result = sample_result()
    decisions = [r["properties"]["mamori/decision"] for r in _run(result)["results"]]
    assert decisions.count(Decision.SUPPRESS.value) == result.count_by_decision()[Decision.SUPPRESS]
