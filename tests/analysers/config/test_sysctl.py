"""Tests for the sysctl auditor: labelled examples, last-value-wins and in-place fixes."""

from __future__ import annotations

from pathlib import Path

import pytest

from analysers.config.examples_harness import Example, assert_fix, examples
from mamori.analysers.config.sysctl import SysctlAuditor
from mamori.analysers.interface import AnalyserSettings
from mamori.model import Skipped, Target, TargetKind

PATH = "/etc/sysctl.conf"
EXAMPLES = examples("sysctl")


@pytest.fixture
def auditor() -> SysctlAuditor:
    return SysctlAuditor(AnalyserSettings())


def ids(auditor: SysctlAuditor, text: str) -> set[str]:
    return {v.check.id for v in auditor.audit_text(text, PATH)}


@pytest.mark.parametrize("ex", EXAMPLES, ids=lambda e: e.path.name)
def test_example_triggers_exactly_expected_checks(auditor: SysctlAuditor, ex: Example) -> None:
    assert ids(auditor, ex.text) == ex.expected


@pytest.mark.parametrize("ex", [e for e in EXAMPLES if e.failing], ids=lambda e: e.path.name)
def test_fix_cleans_example_minimally(auditor: SysctlAuditor, ex: Example) -> None:
    assert_fix(auditor, ex, PATH, max_changed=2 * len(ex.expected) + 2)


def test_every_check_has_a_failing_example() -> None:
    covered = set().union(*(e.expected for e in EXAMPLES))
    assert {c.id for c in SysctlAuditor.checks} == covered


def test_last_value_wins_and_only_it_is_fixed(auditor: SysctlAuditor) -> None:
    text = "kernel.dmesg_restrict = 0\nkernel.dmesg_restrict = 1\nfs.suid_dumpable=1\n"
    (v,) = auditor.audit_text(text, PATH)
    assert (v.check.id, v.line) == ("SYSCTL-SUID-DUMPABLE", 3)
    assert auditor.fix_text(text, [v]) == text.replace("dumpable=1", "dumpable=0")


def test_absent_settings_are_not_reported(auditor: SysctlAuditor) -> None:
    assert ids(auditor, "# nothing here\nvm.swappiness = 10\n") == set()


def test_slash_keys_and_error_prefix_are_understood(auditor: SysctlAuditor) -> None:
    text = "-kernel/randomize_va_space = 1\n"
    assert ids(auditor, text) == {"SYSCTL-ASLR"}
    assert (
        auditor.fix_text(text, auditor.audit_text(text, PATH)) == "-kernel/randomize_va_space = 2\n"
    )


@pytest.mark.parametrize("text", ["kernel.randomize_va_space 2\n", "\x00\x01"])
def test_malformed_input_becomes_skipped(tmp_path: Path, text: str) -> None:
    auditor = SysctlAuditor(AnalyserSettings())
    with pytest.raises(ValueError):
        auditor.audit_text(text, PATH)
    f = tmp_path / "sysctl.conf"
    f.write_text(text, encoding="utf-8")
    (result,) = auditor.analyse([Target(TargetKind.FILE, str(f), "test")])
    assert isinstance(result, Skipped) and "sysctl" in result.reason
