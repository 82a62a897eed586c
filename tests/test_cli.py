from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from mamori.cli import build_parser, main


def _tree(tmp_path: Path, text: str) -> Path:
    root = tmp_path / "code"
    root.mkdir()
    (root / "a.py").write_text(text)
    (tmp_path / "p.yaml").write_text("analysers: {marker: {default: 0.9}}\n")
    return root


@pytest.fixture(autouse=True)
def _in_tmp_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The CLI's default places (``.mamori/ledger``, ``.mamori/cache``, ``.mamori/fixes``) are
    relative to the working folder: run from ``tmp_path``, so that these tests never write
    into the ledger of the checkout they run from."""
    monkeypatch.chdir(tmp_path)


def _scan(tmp_path: Path, root: Path, *extra: str) -> int:
    return main([
        "--db", f"sqlite:///{tmp_path / 'm.db'}", "scan", str(root), "--analysers", "marker",
        "--out", str(tmp_path / "out"), "--precision", str(tmp_path / "p.yaml"), "--no-progress",
        *extra,
    ])  # fmt: skip


def test_exit_1_when_issues_at_or_above_fail_on(tmp_path: Path, fake_analysers: object) -> None:
    root = _tree(tmp_path, "q = 'SQLI'\n")
    assert _scan(tmp_path, root) == 1
    assert _scan(tmp_path, root, "--fail-on", "critical") == 0
    assert _scan(tmp_path, root, "--fail-on", "never") == 0
    report = json.loads((tmp_path / "out" / "mamori.json").read_text())
    assert report["schema_version"] == "1.0"


def test_exit_0_when_clean_and_reports_written(tmp_path: Path, fake_analysers: object) -> None:
    root = _tree(tmp_path, "x = 1\n")
    assert _scan(tmp_path, root, "--format", "json,sarif,md") == 0
    names = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert len(names) == 3, names


def test_exit_2_for_usage_and_config_errors(
    tmp_path: Path, fake_analysers: object, capsys: pytest.CaptureFixture[str]
) -> None:
    root = _tree(tmp_path, "x = 1\n")
    with pytest.raises(SystemExit) as e:
        main(["scan", "--no-such-flag"])
    assert e.value.code == 2
    assert main(["scan", "--no-store", "--ledger", str(tmp_path / "l")]) == 2  # nothing to scan
    assert _scan(tmp_path, root, "--fail-on", "urgent") == 2
    assert _scan(tmp_path, root, "--format", "pdf") == 2
    assert _scan(tmp_path, root, "--scope", str(tmp_path / "missing.yaml")) == 2
    scope = tmp_path / "scope.yaml"
    scope.write_text("paths: {allow: [somewhere-else]}\n")
    assert _scan(tmp_path, root, "--scope", str(scope)) == 2
    assert "outside the authorised scope" in capsys.readouterr().err


def test_suppress_and_diff_commands(
    tmp_path: Path, fake_analysers: object, capsys: pytest.CaptureFixture[str]
) -> None:
    root = _tree(tmp_path, "q = 'SQLI'\n")
    db = ["--db", f"sqlite:///{tmp_path / 'm.db'}"]
    assert _scan(tmp_path, root) == 1
    fp = json.loads((tmp_path / "out" / "mamori.json").read_text())["issues"][0]["fingerprint"]
    assert main([*db, "suppress", fp, "--reason", "test fixture", "--until", "2099-12-31"]) == 0
    assert _scan(tmp_path, root) == 0  # suppressed issues do not fail the build
    (root / "a.py").write_text("x = 1\n")
    assert _scan(tmp_path, root) == 0
    capsys.readouterr()
    assert main([*db, "diff", "latest~1", "latest"]) == 0
    text = capsys.readouterr().out
    assert "fixed: 1" in text and fp[:12] in text
    assert main([*db, "unsuppress", fp]) == 0
    assert main([*db, "unsuppress", fp]) == 2


def test_help_text_in_readme_is_the_real_one(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "100")
    readme = (Path(__file__).parents[1] / "README.md").read_text()
    assert build_parser().format_help().strip() in readme


def test_console_script_runs() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "mamori.cli", "--version"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stdout.startswith("mamori ")
