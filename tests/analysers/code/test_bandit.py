"""Bandit analyser: labelled examples, mapping of Bandit's JSON, redaction, skips."""

from __future__ import annotations

import logging
import re
import shutil
import warnings
from importlib import metadata
from pathlib import Path

import pytest

from mamori.analysers.code import bandit as bandit_mod
from mamori.analysers.code.bandit import BanditAnalyser
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

EXAMPLES = Path(__file__).parent / "examples" / "bandit"
VULNERABLE = sorted((EXAMPLES / "vulnerable").glob("*.py"))
SAFE = sorted((EXAMPLES / "safe").glob("*.py"))

EXPECTED = {
    "B105": (259, Severity.LOW, Confidence.MEDIUM),
    "B106": (259, Severity.LOW, Confidence.MEDIUM),
    "B301": (502, Severity.MEDIUM, Confidence.HIGH),
    "B324": (327, Severity.HIGH, Confidence.HIGH),
    "B403": (502, Severity.LOW, Confidence.HIGH),
    "B501": (295, Severity.HIGH, Confidence.HIGH),
    "B602": (78, Severity.HIGH, Confidence.HIGH),
    "B608": (89, Severity.MEDIUM, Confidence.MEDIUM),
}
"""CWE, severity and confidence Bandit documents for each check the examples exercise."""

PASSWORDS = ("Wint3r-Is-C0ming-42", "S3cond-Hardc0ded!")
"""The literal passwords in vulnerable/hardcoded_password.py; they must never be output."""

_VULN = re.compile(r"#\s*vuln:\s*(B\d{3})")
_SAFE = re.compile(r"#\s*safe:\s*([B\d, ]+)")


def targets(paths: list[Path]) -> list[Target]:
    return [Target(TargetKind.FILE, str(p.resolve()), "test") for p in paths]


def labelled_lines(path: Path) -> list[tuple[int, str]]:
    """(line, rule) for every ``# vuln: Bxxx`` marker in an example."""
    return [
        (number, m.group(1))
        for number, text in enumerate(path.read_text().splitlines(), 1)
        for m in _VULN.finditer(text)
    ]


def safe_rules(path: Path) -> set[str]:
    m = _SAFE.search(path.read_text())
    assert m, f"{path.name} has no '# safe: …' label"
    return {r.strip() for r in m.group(1).split(",") if r.strip()}


@pytest.fixture(scope="module")
def examples(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the examples with the broken ones named ``.py``.

    They are stored as ``.py.txt`` so that linters and formatters of this repository do not
    choke on them.
    """
    root = tmp_path_factory.mktemp("bandit-examples")
    shutil.copytree(EXAMPLES, root, dirs_exist_ok=True)
    for stored in root.glob("broken/*.py.txt"):
        stored.rename(stored.with_suffix(""))
    return root


@pytest.fixture(scope="module")
def results(examples: Path) -> list[Finding | Skipped]:
    everything = sorted(examples.glob("*/*.py"))
    analyser = BanditAnalyser(AnalyserSettings(root=str(examples)))
    return list(analyser.analyse(targets(everything)))


def findings(results: list[Finding | Skipped], path: str) -> list[Finding]:
    return [f for f in results if isinstance(f, Finding) and f.location.path == path]


# --- labelled examples ----------------------------------------------------------------------


def test_examples_are_labelled() -> None:
    assert len(VULNERABLE) >= 5 and len(SAFE) >= 5
    assert all(labelled_lines(p) for p in VULNERABLE)
    assert {rule for p in VULNERABLE for _, rule in labelled_lines(p)} == set(EXPECTED)


@pytest.mark.parametrize("path", VULNERABLE, ids=lambda p: p.stem)
def test_every_labelled_line_is_reported_with_cwe_and_levels(
    results: list[Finding | Skipped], path: Path
) -> None:
    shown = f"vulnerable/{path.name}"
    got = findings(results, shown)
    for line, rule in labelled_lines(path):
        match = [f for f in got if f.rule_id == rule and f.location.start_line == line]
        assert len(match) == 1, f"{shown}:{line} expected {rule}, got {got}"
        cwe, severity, confidence = EXPECTED[rule]
        assert match[0].cwe == (CweId(cwe),)
        assert (match[0].severity, match[0].confidence) == (severity, confidence)


@pytest.mark.parametrize("path", SAFE, ids=lambda p: p.stem)
def test_safe_counterparts_do_not_trigger_the_check(
    results: list[Finding | Skipped], path: Path
) -> None:
    rules = {f.rule_id for f in findings(results, f"safe/{path.name}")}
    assert not rules & safe_rules(path)


def test_syntax_error_becomes_a_skip(results: list[Finding | Skipped]) -> None:
    skips = [s for s in results if isinstance(s, Skipped)]
    assert skips == [
        Skipped(
            "broken/syntax_error.py",
            "bandit could not scan it: syntax error while parsing AST from file",
            "bandit",
        )
    ]


def test_finding_fields_follow_bandits_result(results: list[Finding | Skipped]) -> None:
    path = EXAMPLES / "vulnerable" / "shell_injection.py"
    shown = "vulnerable/shell_injection.py"
    (f,) = [f for f in findings(results, shown) if f.rule_id == "B602"]
    line = f.location.start_line
    source = path.read_text().splitlines()[line - 1]
    assert f.analyser == "bandit"
    assert f.analyser_version == metadata.version("bandit")
    assert f.title == "subprocess_popen_with_shell_equals_true"
    assert "shell=True" in f.message
    assert f.location.start_column == source.index("subprocess.") + 1  # the call, 1-based
    assert f.location.end_line == line
    assert f.help_uri.startswith("https://bandit.readthedocs.io/")
    assert f.evidence == source.strip()
    lines = read_lines(str(path.resolve()))
    assert f.fingerprint == line_fingerprint("command-injection", shown, lines, line)


def test_findings_are_sorted_and_emitted_cwes_are_declared(
    results: list[Finding | Skipped],
) -> None:
    found = [f for f in results if isinstance(f, Finding)]
    keys = [(f.location.path, f.location.start_line, f.rule_id) for f in found]
    assert keys == sorted(keys)
    assert {c for f in found for c in f.cwe} <= BanditAnalyser.cwes


def test_declared_cwes_are_exactly_bandits_table() -> None:
    with warnings.catch_warnings():  # importing bandit warns about a stevedore argument
        warnings.simplefilter("ignore", DeprecationWarning)
        from bandit.core.issue import Cwe

    table = {v for k, v in vars(Cwe).items() if k.isupper() and isinstance(v, int) and v > 0}
    assert BanditAnalyser.cwes == {CweId(c) for c in table}
    assert {CweId(78), CweId(89), CweId(259), CweId(295), CweId(502)} <= BanditAnalyser.cwes


def test_accepts_python_files_only() -> None:
    analyser = BanditAnalyser(AnalyserSettings())
    assert analyser.accepts(Target(TargetKind.FILE, "/src/app/Views.PY", "t"))
    assert not analyser.accepts(Target(TargetKind.FILE, "/src/app/views.js", "t"))
    assert not analyser.accepts(Target(TargetKind.HOST, "db:5432", "t"))


def test_display_uses_target_display_when_given() -> None:
    path = (EXAMPLES / "vulnerable" / "sql_injection.py").resolve()
    target = Target(TargetKind.FILE, str(path), "test", display="app/db.py")
    out = list(BanditAnalyser(AnalyserSettings(root="/nowhere")).analyse([target]))
    assert {f.location.path for f in out if isinstance(f, Finding)} == {"app/db.py"}


# --- secrets in Bandit's output ------------------------------------------------------------


def test_hardcoded_passwords_are_redacted_everywhere(
    caplog: pytest.LogCaptureFixture,
) -> None:
    source = (EXAMPLES / "vulnerable" / "hardcoded_password.py").read_text()
    assert all(pw in source for pw in PASSWORDS)  # the example really holds them
    caplog.set_level(logging.DEBUG)
    path = EXAMPLES / "vulnerable" / "hardcoded_password.py"
    out = list(BanditAnalyser(AnalyserSettings(root=str(EXAMPLES))).analyse(targets([path])))
    passwords = [f for f in out if isinstance(f, Finding) and f.rule_id in {"B105", "B106"}]
    assert len(passwords) == 2
    assert all("[REDACTED:password]" in f.evidence for f in passwords)
    assert all(f.message == "Possible hardcoded password: [REDACTED:password]" for f in passwords)
    dumped = repr(out) + caplog.text + repr([r.args for r in caplog.records])
    for pw in PASSWORDS:
        assert pw not in dumped


# --- Bandit's behaviour at the edges, through a stand-in executable ------------------------

FAKE_BANDIT = r"""#!{python}
import json, os, sys
files = sys.argv[sys.argv.index("--") + 1:]
with open(os.environ["FAKE_BANDIT_LOG"], "a") as log:
    log.write(json.dumps(files) + "\n")
if any("poison" in f for f in files):
    print("Traceback: RecursionError", file=sys.stderr)
    sys.exit(2)
results = [{{
    "filename": f, "test_id": "B999", "test_name": "odd_check", "issue_text": "odd",
    "issue_severity": "UNDEFINED", "issue_confidence": "UNDEFINED", "issue_cwe": {{}},
    "line_number": 1, "line_range": [1, 2], "col_offset": 4, "more_info": "",
    "code": "1 x = 1\n2 y = 2\n3 z = 3\n",
}} for f in files]
print(json.dumps({{"results": results, "errors": [], "metrics": {{}}}}))
sys.exit(1)
"""


@pytest.fixture
def fake_bandit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    import sys

    exe = tmp_path / "bandit"
    exe.write_text(FAKE_BANDIT.format(python=sys.executable))
    exe.chmod(0o755)
    log = tmp_path / "calls.log"
    monkeypatch.setenv("FAKE_BANDIT_LOG", str(log))
    monkeypatch.setattr(bandit_mod, "_executable", lambda: exe)
    return log


def make_files(root: Path, names: list[str]) -> list[Target]:
    for name in names:
        (root / name).write_text("x = 1\ny = 2\nz = 3\n")
    return targets([root / n for n in names])


def test_undefined_levels_become_low_and_a_missing_cwe_stays_empty(
    fake_bandit: Path, tmp_path: Path
) -> None:
    (f,) = BanditAnalyser(AnalyserSettings(root=str(tmp_path))).analyse(
        make_files(tmp_path, ["one.py"])
    )
    assert isinstance(f, Finding)
    assert (f.severity, f.confidence, f.cwe) == (Severity.LOW, Confidence.LOW, ())
    assert (f.location.start_line, f.location.end_line, f.location.start_column) == (1, 2, 5)
    assert f.evidence == "x = 1\ny = 2"
    assert f.weakness == "rule-B999"


def test_a_file_that_crashes_bandit_is_isolated(fake_bandit: Path, tmp_path: Path) -> None:
    names = ["a.py", "b.py", "poison.py", "d.py", "e.py"]
    out = list(
        BanditAnalyser(AnalyserSettings(root=str(tmp_path), options={"jobs": 1})).analyse(
            make_files(tmp_path, names)
        )
    )
    skips = [s for s in out if isinstance(s, Skipped)]
    assert [s.target for s in skips] == ["poison.py"]
    assert "exited with code 2" in skips[0].reason and "RecursionError" in skips[0].reason
    reported = {f.location.path for f in out if isinstance(f, Finding)}
    assert reported == set(names) - {"poison.py"}


def test_file_lists_are_chunked_and_run_in_parallel(
    fake_bandit: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import json

    monkeypatch.setattr(bandit_mod, "CHUNK_FILES", 3)
    names = [f"m{i}.py" for i in range(8)]
    settings = AnalyserSettings(root=str(tmp_path), options={"jobs": 2})
    out = list(BanditAnalyser(settings).analyse(make_files(tmp_path, names)))
    calls = [json.loads(line) for line in fake_bandit.read_text().splitlines()]
    assert all(len(c) <= 3 for c in calls)
    assert sorted(Path(f).name for c in calls for f in c) == sorted(names)
    assert len(out) == len(names)


def test_missing_bandit_is_an_analyser_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("sys.executable", str(tmp_path / "python"))
    with pytest.raises(AnalyserError, match="bandit command is missing") as err:
        list(BanditAnalyser(AnalyserSettings()).analyse(make_files(tmp_path, ["a.py"])))
    assert "pip install bandit" in err.value.hint


def test_runs_inside_a_worker_process(examples: Path) -> None:
    from mamori.analysers import runner

    settings = AnalyserSettings(root=str(examples), options={"jobs": 2})
    paths = [examples / "vulnerable" / "sql_injection.py", examples / "broken" / "syntax_error.py"]
    jobs = runner.plan(["bandit"], targets(paths), settings, timeout=120)
    outcome = runner.run(jobs, settings)
    assert [r.status for r in outcome.runs] == ["ok"]
    assert [(f.rule_id, f.location.path) for f in outcome.findings] == [
        ("B608", "vulnerable/sql_injection.py")
    ]
    assert [s.target for s in outcome.skipped] == ["broken/syntax_error.py"]


@pytest.mark.parametrize("jobs", [0, -1, "two", None, True])
def test_a_bad_jobs_option_is_an_analyser_error(tmp_path: Path, jobs: object) -> None:
    settings = AnalyserSettings(root=str(tmp_path), options={"jobs": jobs})
    with pytest.raises(AnalyserError, match="not a positive whole number"):
        list(BanditAnalyser(settings).analyse(make_files(tmp_path, ["a.py"])))
