"""Mamori's Semgrep rule pack: every rule passes `semgrep --test` on its labelled examples."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from mamori.analysers.code.semgrep import PACK_DIR, SemgrepAnalyser, pack_cwes, pack_hash

REQUIRED_CWES = {89, 78, 95, 502, 295, 489, 328, 330, 347, 798, 611, 601, 22, 918, 377, 614, 79}
"""The weakness classes the pack must cover (the issue's list)."""

RULE_FILES = sorted(PACK_DIR.rglob("*.yaml"))


def _rules() -> list[tuple[Path, dict[str, Any]]]:
    return [(p, r) for p in RULE_FILES for r in yaml.safe_load(p.read_text())["rules"]]


def _offline_env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SEMGREP_")}
    env.update(HOME=str(home), SEMGREP_ENABLE_VERSION_CHECK="0", SEMGREP_SEND_METRICS="off")
    return env


@pytest.mark.slow
def test_semgrep_test_passes_on_every_rule_and_example(tmp_path: Path) -> None:
    """Runs exactly `semgrep --test --config rules/semgrep rules/semgrep` and reads its report."""
    semgrep = Path(sys.executable).parent / "semgrep"
    done = subprocess.run(
        [str(semgrep), "--test", "--json", "--metrics=off", "--disable-version-check",
         "--config", str(PACK_DIR), str(PACK_DIR)],
        capture_output=True, text=True, env=_offline_env(tmp_path), cwd=tmp_path, check=False,
    )  # fmt: skip
    report = json.loads(done.stdout)
    assert report["config_with_errors"] == []
    assert report["config_missing_tests"] == []
    checks = {
        rule_id: check
        for config in report["results"].values()
        for rule_id, check in config["checks"].items()
    }
    failed = {rule_id: check["matches"] for rule_id, check in checks.items() if not check["passed"]}
    assert failed == {}, f"rules whose examples do not match: {failed}"
    expected = {rule["id"] for _, rule in _rules()}
    assert {re.sub(r"^.*?(mamori\.python\.)", r"\1", rid) for rid in checks} == expected
    assert done.returncode == 0, done.stderr[-2000:]


@pytest.mark.parametrize("rule_file", RULE_FILES, ids=lambda p: p.stem)
def test_every_rule_has_vulnerable_and_safe_examples(rule_file: Path) -> None:
    example = rule_file.with_suffix(".py")
    text = example.read_text()
    for rule in yaml.safe_load(rule_file.read_text())["rules"]:
        assert re.search(rf"#\s*ruleid:\s*{re.escape(rule['id'])}\b", text), example
        assert re.search(rf"#\s*ok:\s*{re.escape(rule['id'])}\b", text), example


@pytest.mark.parametrize(("rule_file", "rule"), _rules(), ids=lambda v: getattr(v, "stem", ""))
def test_rule_metadata_is_complete(rule_file: Path, rule: dict[str, Any]) -> None:
    assert rule["id"] == f"mamori.python.{rule_file.stem}"
    assert rule["languages"] == ["python"]
    assert rule["severity"] in {"ERROR", "WARNING", "INFO"}
    assert len(rule["message"].split(". ")[0]) <= 120, "the first sentence becomes the title"
    meta = rule["metadata"]
    assert meta["category"] == "security"
    assert meta["confidence"] in {"HIGH", "MEDIUM", "LOW"}
    assert meta["cwe"] and all(re.fullmatch(r"CWE-\d+: .+", c) for c in meta["cwe"])
    assert meta["references"] and all(r.startswith("https://") for r in meta["references"])
    assert not any("semgrep.dev" in r for r in meta["references"]), "rules are our own"


def test_pack_covers_the_required_weakness_classes() -> None:
    assert SemgrepAnalyser.cwes == pack_cwes()
    assert REQUIRED_CWES <= set(SemgrepAnalyser.cwes)


def test_pack_hash_follows_rule_content(tmp_path: Path) -> None:
    first = tmp_path / "one"
    first.mkdir()
    (first / "r.yaml").write_text("rules: []\n")
    before = pack_hash(first)
    assert re.fullmatch(r"[0-9a-f]{8}", before)
    (first / "r.py").write_text("print('examples do not change the rules')\n")
    assert pack_hash(first) == before
    (first / "r.yaml").write_text("rules: [] # changed\n")
    assert pack_hash(first) != before
    assert re.fullmatch(r"[0-9a-f]{8}", pack_hash())
