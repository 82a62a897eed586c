"""Parsing Semgrep's JSON report: results, errors and data-flow traces (no Semgrep run)."""

from __future__ import annotations

import json

import pytest
from pydantic import ValidationError

from mamori.analysers.code._semgrep_output import Output, SemgrepError, trace_steps
from mamori.analysers.code.semgrep import parse_cwes
from mamori.model import CweId


def _loc(line: int, col: int, path: str = "/src/app.py") -> dict[str, object]:
    return {"path": path, "start": {"line": line, "col": col}, "end": {"line": line, "col": 40}}


REPORT = {
    "version": "1.182.0",
    "results": [
        {
            "check_id": "mamori.python.sql-injection",
            "path": "/src/app.py",
            "start": {"line": 9, "col": 17, "offset": 120},
            "end": {"line": 9, "col": 22, "offset": 125},
            "extra": {
                "message": "SQL built from data. Use parameters.",
                "severity": "ERROR",
                "metadata": {"cwe": ["CWE-89: SQL Injection"]},
                "lines": "requires login",
                "new_field_from_a_later_semgrep": True,
                "dataflow_trace": {
                    "taint_source": ["CliLoc", [_loc(3, 9), 'request.args["q"]']],
                    "intermediate_vars": [
                        {"location": _loc(3, 5), "content": "term"},
                        {"location": _loc(5, 5), "content": "query"},
                    ],
                    "taint_sink": [
                        "CliCall",
                        [[_loc(9, 17), "query"], [], ["CliLoc", [_loc(1, 1), "x"]]],
                    ],
                },
            },
        }
    ],
    "errors": [
        {
            "code": 3,
            "level": "warn",
            "type": ["PartialParsing", [_loc(7, 3)]],
            "message": "Syntax error at line /src/bad.py:7:\n `=` was unexpected",
            "path": "/src/bad.py",
        },
        {
            "level": "warn",
            "type": "Timeout",
            "message": "",
            "path": "/src/big.py",
            "rule_id": "mamori.python.ssrf",
        },  # fmt: skip
    ],
    "paths": {"scanned": ["/src/app.py", "/src/bad.py", "/src/big.py"]},
}


def test_report_parses_and_ignores_unknown_keys() -> None:
    output = Output.model_validate_json(json.dumps(REPORT))
    (result,) = output.results
    assert (result.check_id, result.start.line, result.start.col) == (
        "mamori.python.sql-injection",
        9,
        17,
    )
    assert result.extra.metadata["cwe"] == ["CWE-89: SQL Injection"]
    assert output.paths.scanned[0] == "/src/app.py"


def test_result_without_rule_id_is_rejected() -> None:
    broken = {**REPORT, "results": [{**REPORT["results"][0], "check_id": ""}]}
    with pytest.raises(ValidationError):
        Output.model_validate_json(json.dumps(broken))


def test_dataflow_trace_becomes_source_steps_and_sink() -> None:
    output = Output.model_validate_json(json.dumps(REPORT))
    steps = trace_steps(output.results[0].extra.dataflow_trace, lambda p: p.rsplit("/", 1)[-1])
    assert [(s.location.path, s.location.start_line) for s in steps] == [
        ("app.py", 3),
        ("app.py", 3),
        ("app.py", 5),
        ("app.py", 9),
    ]
    assert steps[0].note == 'taint source: request.args["q"]'
    assert steps[2].note == "flows through: query"
    assert steps[-1].note == "reaches sink: query"


def test_trace_notes_are_redacted_and_missing_traces_are_empty() -> None:
    trace = {"taint_source": ["CliLoc", [_loc(2, 1), 'password = "hunter2hunter2"']]}
    output = Output.model_validate_json(
        json.dumps({"results": [{**REPORT["results"][0], "extra": {"dataflow_trace": trace}}]})
    )
    (step,) = trace_steps(output.results[0].extra.dataflow_trace, str)
    assert "hunter2" not in step.note
    assert trace_steps(None, str) == ()
    garbled = {"taint_source": ["CliLoc", "not a location"], "taint_sink": 5}
    parsed = Output.model_validate_json(
        json.dumps({"results": [{**REPORT["results"][0], "extra": {"dataflow_trace": garbled}}]})
    )
    assert trace_steps(parsed.results[0].extra.dataflow_trace, str) == ()


def test_error_reasons_name_the_problem() -> None:
    parse_error, timeout = Output.model_validate_json(json.dumps(REPORT)).errors
    assert parse_error.kind == "PartialParsing"
    assert parse_error.reason() == (
        "semgrep could only partly parse it: Syntax error at line /src/bad.py:7: `=` was unexpected"
    )
    assert timeout.reason() == "semgrep timed out running rule mamori.python.ssrf on it"
    assert SemgrepError(type="Rule parse error", message="bad").reason() == (
        "semgrep Rule parse error: bad"
    )


def test_cwe_metadata_parsing() -> None:
    assert parse_cwes(["CWE-89: SQL", "cwe-564: Hibernate"]) == (CweId(89), CweId(564))
    assert parse_cwes("CWE-78: OS Command Injection") == (CweId(78),)
    assert parse_cwes(["CWE-89: a", "CWE-89: b"]) == (CweId(89),)
    assert parse_cwes(None) == () and parse_cwes(["no id here"]) == ()
