"""TaintAnalyser: finding fields, traces, confidence, skips and rule options."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from mamori.analysers.interface import AnalyserSettings, read_lines
from mamori.analysers.taint.analyser import TaintAnalyser
from mamori.errors import ConfigError
from mamori.model import (
    Confidence,
    CweId,
    Finding,
    Severity,
    Skipped,
    Target,
    TargetKind,
    line_fingerprint,
)

CASES = Path(__file__).resolve().parents[2] / "corpus" / "taint" / "cases"
STDLIB = Path(logging.__file__).resolve().parents[1]


def run(root: Path, **options: object) -> list[Finding | Skipped]:
    files = sorted(root.rglob("*.py")) if root.is_dir() else [root]
    base = root if root.is_dir() else root.parent
    analyser = TaintAnalyser(AnalyserSettings(root=str(base), options=options))
    return list(analyser.analyse([Target(TargetKind.FILE, str(f), "test") for f in files]))


def only_findings(items: list[Finding | Skipped]) -> list[Finding]:
    return [i for i in items if isinstance(i, Finding)]


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def test_contract() -> None:
    assert TaintAnalyser.id == "taint"
    assert TaintAnalyser.suffixes == frozenset({".py"})
    assert {CweId(89), CweId(78), CweId(611), CweId(501), CweId(330)} <= TaintAnalyser.cwes


def test_cross_file_finding_fields_and_trace() -> None:
    case = CASES / "xfile_flask_sql"
    [finding] = only_findings(run(case))
    assert finding.rule_id == "taint.sql-injection"
    assert finding.cwe == (CweId(89),)
    assert finding.severity is Severity.HIGH
    assert finding.confidence is Confidence.HIGH
    assert (finding.location.path, finding.location.start_line) == ("app/repo.py", 11)
    notes = [s.note for s in finding.trace]
    assert notes[0] == "request.args read"
    assert "passed to find_user(name)" in notes
    assert "%-formatted into a string" in notes
    assert notes[-1].startswith("reaches ")
    assert str(finding.trace[0].location) == "app/views.py:11"
    lines = read_lines(str(case / "app" / "repo.py"))
    assert finding.fingerprint == line_fingerprint("sql-injection", "app/repo.py", lines, 11)


def test_unresolved_call_lowers_confidence() -> None:
    [finding] = only_findings(run(CASES / "unresolved_propagation.py"))
    assert finding.confidence is Confidence.MEDIUM
    assert finding.severity is Severity.HIGH


def test_medium_severity_for_redirect(tmp_path: Path) -> None:
    write(
        tmp_path,
        "r.py",
        "from flask import redirect, request\n\n"
        "def go():\n    return redirect(request.args['next'])\n",
    )
    [finding] = only_findings(run(tmp_path))
    assert (finding.rule_id, finding.severity) == ("taint.open-redirect", Severity.MEDIUM)


def test_bad_files_become_skips_and_the_rest_is_analysed(tmp_path: Path) -> None:
    write(tmp_path, "broken.py", "def f(:\n    pass\n")
    (tmp_path / "binary.py").write_bytes(b"\x00\x01\x02")
    (tmp_path / "latin.py").write_bytes(b"x = '\xff\xfe'\n")
    write(tmp_path, "ok.py", "import os\n\ndef main():\n    os.system(input())\n")
    items = run(tmp_path)
    skips = {s.target: s.reason for s in items if isinstance(s, Skipped)}
    assert set(skips) == {"broken.py", "binary.py", "latin.py"}
    assert "syntax error at line 1" in skips["broken.py"]
    assert "binary" in skips["binary.py"]
    assert "UTF-8" in skips["latin.py"]
    assert all(
        isinstance(i, Skipped) and i.analyser == "taint" or isinstance(i, Finding) for i in items
    )
    assert [f.location.path for f in only_findings(items)] == ["ok.py"]


def test_extra_rules_add_sinks_sources_and_sanitisers(tmp_path: Path) -> None:
    rules = write(
        tmp_path,
        "extra.yaml",
        "sources:\n  - qualified: bankcore.read_wire\n    note: wire message read\n"
        "sinks:\n  - {call: bankcore.ledger.post_raw, cwe: 89, arg: 0}\n"
        "sanitisers:\n  - {call: bankcore.clean_sql, cwes: [89]}\n",
    )
    write(
        tmp_path,
        "src/job.py",
        "from bankcore import read_wire, clean_sql\nfrom bankcore.ledger import post_raw\n\n"
        "def job():\n    msg = read_wire()\n    post_raw(msg)\n    post_raw(clean_sql(msg))\n",
    )
    assert only_findings(run(tmp_path / "src")) == []
    found = only_findings(run(tmp_path / "src", taint_rules=[str(rules)]))
    assert [(f.location.start_line, f.rule_id) for f in found] == [(6, "taint.sql-injection")]
    assert found[0].trace[0].note == "wire message read"


def test_extra_rules_type_the_items_of_a_request_attribute(tmp_path: Path) -> None:
    rules = write(
        tmp_path,
        "extra.yaml",
        "request_objects:\n  item_types: {attachments: mailkit.Attachment}\n"
        "sources:\n  - request_attributes: [attachments]\n"
        "sinks:\n  - {call: mailkit.Attachment.store, cwe: 22, arg: 0}\n",
    )
    write(
        tmp_path,
        "src/inbox.py",
        "import os\nfrom flask import request\n\n"
        "def inbox():\n    for a in request.attachments.getlist('a'):\n"
        "        a.store(os.path.join('/srv', a.name))\n"
        "    request.attachments['b'].store('/srv/b')\n"
        "    request.attachments.get('c').store(request.args['to'])\n",
    )
    assert only_findings(run(tmp_path / "src")) == []
    found = only_findings(run(tmp_path / "src", taint_rules=[str(rules)]))
    assert [(f.location.start_line, f.cwe) for f in found] == [(6, (22,)), (8, (22,))]


@pytest.mark.parametrize(
    "text",
    [
        "sinks: [{call: x}]\n",
        "sinks: {oops\n",
        "weaknesses: {89: {name: a, title: b, severity: apocalyptic}}\n",
    ],
)
def test_invalid_rules_are_config_errors(tmp_path: Path, text: str) -> None:
    rules = write(tmp_path, "bad.yaml", text)
    analyser = TaintAnalyser(AnalyserSettings(options={"taint_rules": [str(rules)]}))
    with pytest.raises(ConfigError) as err:
        _ = analyser.rules
    assert err.value.hint


def test_environment_sources_are_optional_and_low_confidence(tmp_path: Path) -> None:
    write(tmp_path, "env.py", "import os\n\ndef main():\n    os.system(os.environ['CMD'])\n")
    assert only_findings(run(tmp_path)) == []
    [finding] = only_findings(run(tmp_path, taint_environ=True))
    assert finding.confidence is Confidence.LOW


def test_parameters_only_reach_sinks_when_the_caller_is_tainted(tmp_path: Path) -> None:
    write(
        tmp_path,
        "m.py",
        "import os\nfrom flask import request\n\n"
        "def run(cmd):\n    os.system(cmd)\n\n"
        "def fixed():\n    run('uptime')\n\n"
        "def tainted():\n    run(request.args['c'])\n",
    )
    [finding] = only_findings(run(tmp_path))
    assert finding.location.start_line == 5
    assert any("passed to run(cmd)" == s.note for s in finding.trace)
    assert str(finding.trace[0].location) == "m.py:11"


def test_the_standard_library_is_analysed_without_skips() -> None:
    """Real, varied code parses and solves; speed is measured in bench/taint_speed.py."""
    folders = [STDLIB / n for n in ("email", "json", "http", "logging", "xml", "urllib")]
    files = [f for d in folders for f in sorted(d.rglob("*.py"))]
    lines = sum(len(f.read_text(encoding="utf-8", errors="replace").splitlines()) for f in files)
    items = list(
        TaintAnalyser(AnalyserSettings(root=str(STDLIB))).analyse(
            [Target(TargetKind.FILE, str(f), "test") for f in files]
        )
    )
    assert lines > 20_000
    assert not [i for i in items if isinstance(i, Skipped)]
