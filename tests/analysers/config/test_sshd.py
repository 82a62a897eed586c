"""Tests for the sshd auditor: labelled examples, semantics, fixes and the real validator."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from analysers.config.examples_harness import Example, assert_fix, examples
from mamori.analysers.config.sshd import SshdAuditor
from mamori.analysers.interface import AnalyserSettings
from mamori.model import Skipped, Target, TargetKind

MAIN = "/etc/ssh/sshd_config"
EXAMPLES = examples("sshd")


@pytest.fixture
def auditor() -> SshdAuditor:
    return SshdAuditor(AnalyserSettings())


def ids(auditor: SshdAuditor, text: str, path: str = MAIN) -> set[str]:
    return {v.check.id for v in auditor.audit_text(text, path)}


@pytest.mark.parametrize("ex", EXAMPLES, ids=lambda e: e.path.name)
def test_example_triggers_exactly_expected_checks(auditor: SshdAuditor, ex: Example) -> None:
    assert ids(auditor, ex.text) == ex.expected


@pytest.mark.parametrize("ex", [e for e in EXAMPLES if e.failing], ids=lambda e: e.path.name)
def test_fix_cleans_example_minimally(auditor: SshdAuditor, ex: Example) -> None:
    assert_fix(auditor, ex, MAIN, max_changed=2 * len(ex.expected) + 2)


def test_catalogue_examples_cover_every_check() -> None:
    covered = set().union(*(e.expected for e in EXAMPLES))
    missing = {c.id for c in SshdAuditor.checks} - covered
    assert missing <= {"SSHD-PROTOCOL-1", "SSHD-PRIVSEP-OFF", "SSHD-IGNORE-RHOSTS",
                       "SSHD-PERMIT-USER-ENV"}  # fmt: skip


@pytest.mark.parametrize(
    ("line", "check"),
    [("Protocol 2,1", "SSHD-PROTOCOL-1"), ("UsePrivilegeSeparation no", "SSHD-PRIVSEP-OFF"),
     ("IgnoreRhosts no", "SSHD-IGNORE-RHOSTS"), ("PermitUserEnvironment yes",
                                                 "SSHD-PERMIT-USER-ENV")],
)  # fmt: skip
def test_legacy_settings_flagged_and_fixed(auditor: SshdAuditor, line: str, check: str) -> None:
    text = f"{line}\n"
    violations = auditor.audit_text(text, "/etc/ssh/sshd_config.d/10-old.conf")
    assert [v.check.id for v in violations] == [check]
    fixed = auditor.fix_text(text, violations)
    assert fixed.split()[0] == line.split()[0]
    assert auditor.audit_text(fixed, "/etc/ssh/sshd_config.d/10-old.conf") == []


def test_first_value_wins_and_keywords_are_case_insensitive(auditor: SshdAuditor) -> None:
    text = "permitrootlogin NO\nPermitRootLogin yes\n"
    assert "SSHD-PERMIT-ROOT-LOGIN" not in ids(auditor, text)
    assert "SSHD-PERMIT-ROOT-LOGIN" in ids(auditor, "PermitRootLogin=yes\nPermitRootLogin no\n")


def test_match_block_is_reported_with_match_context(auditor: SshdAuditor) -> None:
    text = "PasswordAuthentication no\nMatch User backup\n  PasswordAuthentication yes\n"
    (v,) = [v for v in auditor.audit_text(text, MAIN) if v.check.id == "SSHD-PASSWORD-AUTH"]
    assert (v.line, v.context) == (3, "Match User backup")
    assert v.check.lockout_risk


def test_absent_settings_go_before_first_match_and_its_comments(auditor: SshdAuditor) -> None:
    text = "PasswordAuthentication no\n# sftp users\nMatch Group sftp\n  X11Forwarding no\n"
    fixed = auditor.fix_text(text, auditor.audit_text(text, MAIN))
    lines = fixed.splitlines()
    assert lines[0] == "PasswordAuthentication no"
    assert lines[-3:] == ["# sftp users", "Match Group sftp", "  X11Forwarding no"]
    assert {"MaxAuthTries 4", "LoginGraceTime 60", "ClientAliveInterval 300"} == set(lines[1:4])


def test_fragments_do_not_report_absent_settings(auditor: SshdAuditor) -> None:
    assert ids(auditor, "X11Forwarding no\n", "/etc/ssh/sshd_config.d/50-x.conf") == set()
    assert "SSHD-MAX-AUTH-TRIES" in ids(auditor, "X11Forwarding no\n")


def test_weak_list_fix_keeps_strong_entries_prefix_and_comment(auditor: SshdAuditor) -> None:
    text = (
        "Ciphers +aes128-cbc  # legacy\nMACs hmac-sha1\nKexAlgorithms -diffie-hellman-group1-sha1\n"
    )
    path = "/etc/ssh/sshd_config.d/crypto.conf"
    violations = auditor.audit_text(text, path)
    assert {v.check.id for v in violations} == {"SSHD-WEAK-CIPHERS", "SSHD-WEAK-MACS"}
    fixed = auditor.fix_text(text, violations).splitlines()
    assert fixed[0].startswith("# mamori: weak ciphers removed: Ciphers +aes128-cbc")
    assert fixed[1].startswith("MACs hmac-sha2-512-etm@openssh.com")
    assert fixed[2] == "KexAlgorithms -diffie-hellman-group1-sha1"


@pytest.mark.parametrize("text", ["\x00\x01binary", "Port 22\n=oops\n", "Match\n"])
def test_unparseable_input_becomes_skipped(tmp_path: Path, text: str) -> None:
    f = tmp_path / "sshd_config"
    f.write_text(text, encoding="utf-8")
    auditor = SshdAuditor(AnalyserSettings())
    with pytest.raises(ValueError):
        auditor.audit_text(text, str(f))
    (result,) = auditor.analyse([Target(TargetKind.FILE, str(f), "test")])
    assert isinstance(result, Skipped) and "sshd" in result.reason


def test_accepts_main_file_and_fragments() -> None:
    auditor = SshdAuditor(AnalyserSettings())
    for path, ok in [("/etc/ssh/sshd_config", True), ("/etc/ssh/sshd_config.d/a.conf", True),
                     ("/etc/ssh/ssh_config", False)]:  # fmt: skip
        assert auditor.accepts(Target(TargetKind.FILE, path, "test")) is ok


def _sshd_ok(path: Path, hostkey: Path) -> subprocess.CompletedProcess[str]:
    sshd = shutil.which("sshd") or "/usr/sbin/sshd"
    cmd = [sshd, "-t", "-f", str(path), "-o", f"HostKey={hostkey}"]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=30, check=False)


def test_fixed_examples_pass_real_sshd(tmp_path: Path) -> None:
    os.makedirs("/run/sshd", exist_ok=True)  # sshd -t insists on its privsep directory
    key = tmp_path / "hostkey"
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(key)], check=True)
    auditor = SshdAuditor(AnalyserSettings())
    for ex in EXAMPLES:
        fixed = auditor.fix_text(ex.text, auditor.audit_text(ex.text, MAIN))
        target = tmp_path / "sshd_config"
        target.write_text(fixed, encoding="utf-8")
        result = _sshd_ok(target, key)
        assert result.returncode == 0, (ex.path.name, result.stderr)
