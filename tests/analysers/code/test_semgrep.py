"""The Semgrep analyser on real files: findings, skips, extra rules, fingerprints, failures.

Semgrep takes seconds to start, so one module-scoped scan covers most cases.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

from mamori.analysers.code.semgrep import SemgrepAnalyser
from mamori.analysers.interface import AnalyserSettings, read_lines
from mamori.errors import AnalyserError
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

FAKE_SECRET = "Zq8-not-a-real-db-credential"

VULNERABLE = """\
import subprocess
from flask import request

DB_PASSWORD = "@SECRET@"


def lookup(cur, name):
    cur.execute(f"SELECT * FROM users WHERE name = '{name}'")


def ping():
    host = request.args["host"]
    subprocess.run("ping -c 1 " + host, shell=True)
""".replace("@SECRET@", FAKE_SECRET)

SAFE = """\
import os
import shlex
import subprocess


def lookup(cur, name):
    cur.execute("SELECT * FROM users WHERE name = %s", (name,))


def ping(host):
    subprocess.run(["ping", "-c", "1", host], check=False)
    os.system("ping -c 1 " + shlex.quote(host))


DB_PASSWORD = os.environ["DB_PASSWORD"]
"""

BROKEN = """\
def lookup(cur, name):
    cur.execute(f"SELECT * FROM users WHERE name = '{name}'")

def broken(:
    x = = 1
"""

EXTRA_RULE = """\
rules:
  - id: acme.no-pdb
    message: Debugger breakpoint left in code. Remove it before release.
    severity: INFO
    languages: [python]
    metadata:
      cwe: ["CWE-489: Active Debug Code"]
      confidence: LOW
    pattern: pdb.set_trace()
"""

EDITED_PREFIX = "# a comment added above\nimport logging\n\nlog = logging.getLogger(__name__)\n"


def _target(path: Path, display: str = "") -> Target:
    return Target(TargetKind.FILE, str(path), "test scope", display)


@pytest.fixture(scope="module")
def scan(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[Finding | Skipped]]:
    root = tmp_path_factory.mktemp("project")
    (root / "vulnerable.py").write_text(VULNERABLE)
    (root / "safe.py").write_text(SAFE)
    (root / "broken.py").write_text(BROKEN)
    (root / "debugging.py").write_text("import pdb\n\npdb.set_trace()\n")
    (root / "binary.py").write_bytes(b"\x00\x01\x02 not python")
    (root / "latin1.py").write_bytes("name = 'Gr\xfc\xdfe'\n".encode("latin-1"))
    # the same file before and after lines were added above the problems
    (root / "before").mkdir()
    (root / "after").mkdir()
    (root / "before" / "app.py").write_text(VULNERABLE)
    (root / "after" / "app.py").write_text(EDITED_PREFIX + VULNERABLE)
    rules = root / "extra-rules"
    rules.mkdir()
    (rules / "acme.yaml").write_text(EXTRA_RULE)
    targets = [_target(root / n) for n in ("vulnerable.py", "safe.py", "broken.py",
               "debugging.py", "binary.py", "latin1.py")]  # fmt: skip
    targets += [_target(root / v / "app.py", display="app.py") for v in ("before", "after")]
    settings = AnalyserSettings(str(root), {"semgrep_rules": [str(rules)], "jobs": 1})
    return root, list(SemgrepAnalyser(settings).analyse(targets))


def _findings(items: list[Finding | Skipped], path: str) -> list[Finding]:
    return [f for f in items if isinstance(f, Finding) and f.location.path == path]


def _skip(items: list[Finding | Skipped], path: str) -> Skipped:
    (skip,) = [s for s in items if isinstance(s, Skipped) and s.target == path]
    return skip


def test_vulnerable_file_yields_findings_with_rule_data(scan: tuple[Path, list]) -> None:
    root, items = scan
    by_rule = {f.rule_id: f for f in _findings(items, "vulnerable.py")}
    assert set(by_rule) == {
        "mamori.python.sql-injection",
        "mamori.python.command-injection",
        "mamori.python.hardcoded-secret",
    }
    sql = by_rule["mamori.python.sql-injection"]
    assert sql.analyser == "semgrep"
    assert sql.title == "SQL query built from non-literal data"
    assert sql.severity is Severity.HIGH and sql.confidence is Confidence.HIGH
    assert sql.cwe == (CweId(89),)
    assert (sql.location.start_line, sql.location.end_line) == (8, 8)
    assert sql.location.start_column == 17  # the query argument: the taint sink
    assert sql.evidence.startswith('cur.execute(f"SELECT')
    assert sql.help_uri == "https://cwe.mitre.org/data/definitions/89.html"
    lines = read_lines(str(root / "vulnerable.py"))
    assert sql.fingerprint == line_fingerprint("sql-injection", "vulnerable.py", lines, 8)
    assert by_rule["mamori.python.command-injection"].location.start_line == 13
    assert re.fullmatch(r"\d+\.\d+\.\d+\+mamori-rules-[0-9a-f]{8}\+extra-rules-[0-9a-f]{8}",
                        sql.analyser_version)  # fmt: skip


def test_secret_values_never_reach_the_finding(scan: tuple[Path, list]) -> None:
    _, items = scan
    (secret,) = [
        f for f in _findings(items, "vulnerable.py") if f.rule_id.endswith("hardcoded-secret")
    ]
    assert secret.location.start_line == 4
    assert "DB_PASSWORD" in secret.evidence
    assert FAKE_SECRET not in repr(secret)


def test_safe_look_alikes_yield_nothing(scan: tuple[Path, list]) -> None:
    _, items = scan
    assert _findings(items, "safe.py") == []
    assert not [s for s in items if isinstance(s, Skipped) and s.target == "safe.py"]


def test_bad_input_becomes_skips_with_reasons(scan: tuple[Path, list]) -> None:
    root, items = scan
    broken = _skip(items, "broken.py")
    assert broken.analyser == "semgrep"
    assert "partly parse" in broken.reason and "line" in broken.reason
    assert str(root) not in broken.reason
    assert "binary" in _skip(items, "binary.py").reason
    assert "UTF-8" in _skip(items, "latin1.py").reason


def test_extra_rule_folder_runs_alongside_the_pack(scan: tuple[Path, list]) -> None:
    _, items = scan
    (extra,) = _findings(items, "debugging.py")
    assert extra.rule_id == "acme.no-pdb"
    assert extra.title == "Debugger breakpoint left in code"
    assert (extra.severity, extra.confidence) == (Severity.LOW, Confidence.LOW)
    assert extra.location.start_line == 3


def test_fingerprints_survive_lines_added_above(scan: tuple[Path, list]) -> None:
    """before/app.py and after/app.py are one file before and after an edit (both shown as
    app.py): each problem moves down by the added lines and keeps its fingerprint."""
    _, items = scan
    added = EDITED_PREFIX.count("\n")
    by_rule: dict[str, list[Finding]] = {}
    for finding in _findings(items, "app.py"):
        by_rule.setdefault(finding.rule_id, []).append(finding)
    assert len(by_rule) == 3
    for pair in by_rule.values():
        before, after = sorted(pair, key=lambda f: f.location.start_line)
        assert after.location.start_line == before.location.start_line + added
        assert after.fingerprint == before.fingerprint


def test_missing_semgrep_raises_with_hint(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "executable", str(tmp_path / "python"))
    monkeypatch.setenv("PATH", str(tmp_path))
    (tmp_path / "a.py").write_text("x = 1\n")
    analyser = SemgrepAnalyser(AnalyserSettings(str(tmp_path)))
    with pytest.raises(AnalyserError, match="semgrep command is missing") as info:
        list(analyser.analyse([_target(tmp_path / "a.py")]))
    assert "pip install semgrep" in info.value.hint


def test_missing_extra_rule_folder_raises(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text("x = 1\n")
    settings = AnalyserSettings(str(tmp_path), {"semgrep_rules": [str(tmp_path / "nope")]})
    with pytest.raises(AnalyserError, match="does not exist"):
        list(SemgrepAnalyser(settings).analyse([_target(tmp_path / "a.py")]))


@pytest.mark.slow
def test_invalid_rule_raises_analyser_error(tmp_path: Path) -> None:
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "bad.yaml").write_text(EXTRA_RULE.replace("pdb.set_trace()", "foo("))
    (tmp_path / "a.py").write_text("x = 1\n")
    settings = AnalyserSettings(str(tmp_path), {"semgrep_rules": [str(rules)]})
    with pytest.raises(AnalyserError, match="semgrep failed.*foo\\(") as info:
        list(SemgrepAnalyser(settings).analyse([_target(tmp_path / "a.py")]))
    assert "--validate" in info.value.hint
