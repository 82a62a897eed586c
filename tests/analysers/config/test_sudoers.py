"""Tests for the sudoers auditor: labelled examples, parsing semantics, fixes and visudo."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from analysers.config.examples_harness import Example, assert_fix, examples
from mamori.analysers.config.sudoers import SudoersAuditor
from mamori.analysers.interface import AnalyserSettings
from mamori.model import Skipped, Target, TargetKind

PATH = "/etc/sudoers"
EXAMPLES = examples("sudoers")


@pytest.fixture
def auditor() -> SudoersAuditor:
    return SudoersAuditor(AnalyserSettings())


def ids(auditor: SudoersAuditor, text: str) -> set[str]:
    return {v.check.id for v in auditor.audit_text(text, PATH)}


@pytest.mark.parametrize("ex", EXAMPLES, ids=lambda e: e.path.name)
def test_example_triggers_exactly_expected_checks(auditor: SudoersAuditor, ex: Example) -> None:
    assert ids(auditor, ex.text) == ex.expected


@pytest.mark.parametrize("ex", [e for e in EXAMPLES if e.failing], ids=lambda e: e.path.name)
def test_fix_cleans_example_minimally(auditor: SudoersAuditor, ex: Example) -> None:
    assert_fix(auditor, ex, PATH, max_changed=2 * len(ex.expected))


def test_every_check_has_a_failing_example() -> None:
    covered = set().union(*(e.expected for e in EXAMPLES))
    assert {c.id for c in SudoersAuditor.checks} == covered


def test_lockout_prone_fixes_are_flagged() -> None:
    risky = {c.id for c in SudoersAuditor.checks if c.lockout_risk}
    assert risky == {"SUDO-NOPASSWD-ALL", "SUDO-NO-AUTHENTICATE"}


def test_tags_carry_over_and_are_reset(auditor: SudoersAuditor) -> None:
    assert "SUDO-NOPASSWD-ALL" in ids(auditor, "%sudo ALL=(ALL) NOPASSWD: /bin/ls, ALL\n")
    assert "SUDO-NOPASSWD-ALL" not in ids(
        auditor, "%sudo ALL=(ALL) NOPASSWD: /bin/ls, PASSWD: ALL\n"
    )
    text = "%sudo ALL=(ALL) NOPASSWD: /bin/ls, ALL\n"
    fixed = auditor.fix_text(text, auditor.audit_text(text, PATH))
    assert fixed == "%sudo ALL=(ALL) NOPASSWD: /bin/ls, PASSWD: ALL\n"


def test_continuations_aliases_and_noexec(auditor: SudoersAuditor) -> None:
    text = "Cmnd_Alias V = /usr/bin/less \\\n   /var/log/syslog\nops ALL = V\n"
    (v,) = auditor.audit_text(text, PATH)
    assert (v.check.id, v.line, v.context) == ("SUDO-SHELL-ESCAPE", 3, "ops")
    assert ids(auditor, "ops ALL = NOEXEC: /usr/bin/less /var/log/syslog\n") == set()


def test_uid_is_not_a_comment(auditor: SudoersAuditor) -> None:
    assert "SUDO-NOPASSWD-ALL" in ids(auditor, "#1001 ALL=(ALL) NOPASSWD: ALL\n")
    assert ids(auditor, "# 1001 ALL=(ALL) NOPASSWD: ALL\n") == set()
    assert "SUDO-NOPASSWD-ALL" in ids(auditor, "alice ALL=(#0) NOPASSWD: ALL\n")


@pytest.mark.parametrize("text", ["this is not sudoers\n", "alice ALL=(ALL) ALL \\\n", "\x00"])
def test_malformed_input_becomes_skipped(tmp_path: Path, text: str) -> None:
    auditor = SudoersAuditor(AnalyserSettings())
    with pytest.raises(ValueError):
        auditor.audit_text(text, PATH)
    f = tmp_path / "sudoers"
    f.write_text(text, encoding="utf-8")
    (result,) = auditor.analyse([Target(TargetKind.FILE, str(f), "test")])
    assert isinstance(result, Skipped) and "sudoers" in result.reason


def test_fixed_examples_pass_real_visudo(tmp_path: Path) -> None:
    visudo = shutil.which("visudo") or "/usr/sbin/visudo"
    auditor = SudoersAuditor(AnalyserSettings())
    for ex in EXAMPLES:
        target = tmp_path / "sudoers"
        target.write_text(auditor.fix_text(ex.text, auditor.audit_text(ex.text, PATH)))
        cmd = [visudo, "-c", "-q", "-f", str(target)]
        result = subprocess.run(cmd, capture_output=True, text=True, timeout=30, check=False)
        assert result.returncode == 0, (ex.path.name, result.stderr, result.stdout)
