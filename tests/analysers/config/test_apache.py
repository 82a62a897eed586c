"""Apache auditor: labelled examples, minimal fixes, and the real `apache2 -t` on the results."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from analysers.config.examples_harness import Example, assert_fix, examples
from mamori.analysers.config.apache import ApacheAuditor
from mamori.analysers.interface import AnalyserSettings
from mamori.model import Finding, PatchStatus, Skipped, Target, TargetKind
from mamori.remediation import propose, verify

EXAMPLES = examples("apache")


@pytest.fixture
def auditor() -> ApacheAuditor:
    return ApacheAuditor(AnalyserSettings())


def _path(ex: Example) -> str:
    return f"/etc/apache2/{ex.path.name}"


@pytest.mark.parametrize("ex", EXAMPLES, ids=lambda e: f"{e.path.parent.name}/{e.path.name}")
def test_example_triggers_exactly_expected_checks(auditor: ApacheAuditor, ex: Example) -> None:
    assert {v.check.id for v in auditor.audit_text(ex.text, _path(ex))} == ex.expected


@pytest.mark.parametrize("ex", [e for e in EXAMPLES if e.failing], ids=lambda e: e.path.name)
def test_fix_cleans_example_minimally(auditor: ApacheAuditor, ex: Example) -> None:
    assert_fix(auditor, ex, _path(ex), max_changed=2 * len(ex.expected) + 2)


def test_every_check_has_a_failing_example() -> None:
    covered = set().union(*(e.expected for e in EXAMPLES))
    assert {c.id for c in ApacheAuditor.checks} == covered


def test_protocol_exclusions_are_understood(auditor: ApacheAuditor) -> None:
    ok = "SSLProtocol all -SSLv3 -TLSv1 -TLSv1.1\n"
    bad = "SSLProtocol all -SSLv3 -TLSv1\n"
    assert not auditor.audit_text(ok, "/etc/apache2/conf.d/x.conf")
    [v] = auditor.audit_text(bad, "/etc/apache2/conf.d/x.conf")
    assert "TLSv1.1" in v.message and "TLSv1," not in v.message


def test_unbalanced_sections_are_skipped_with_reason(tmp_path: Path) -> None:
    f = tmp_path / "apache2.conf"
    f.write_text("<VirtualHost *:80>\nServerName x\n")
    [skip] = list(ApacheAuditor(AnalyserSettings(root=str(tmp_path))).analyse(
        [Target(TargetKind.FILE, str(f), "t", "apache2.conf")]
    ))  # fmt: skip
    assert isinstance(skip, Skipped) and "never closed" in skip.reason


@pytest.mark.parametrize("ex", [e for e in EXAMPLES if e.failing], ids=lambda e: e.path.name)
def test_fixed_examples_pass_the_real_apache2_validator(tmp_path: Path, ex: Example) -> None:
    folder = tmp_path / "etc"
    folder.mkdir()
    target = folder / ex.path.name
    target.write_text(ex.text)
    auditor = ApacheAuditor(AnalyserSettings(root=str(tmp_path)))
    t = Target(TargetKind.FILE, str(target), "test", f"etc/{ex.path.name}")
    found = [f for f in auditor.analyse([t]) if isinstance(f, Finding)]
    [patch] = propose(found, str(tmp_path))
    checked = verify(patch, auditor)
    assert checked.status is PatchStatus.VERIFIED, checked.verification
    broken = dataclasses.replace(
        patch, new_content=patch.new_content + "NoSuchApacheDirective on\n"
    )
    failed = verify(broken, auditor)
    assert (
        failed.status is PatchStatus.FAILED and "NoSuchApacheDirective" in failed.verification[-1]
    )
