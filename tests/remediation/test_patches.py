from __future__ import annotations

from pathlib import Path

from fakes_config import KeyValueAuditor, kv_findings
from mamori.analysers.interface import AnalyserSettings
from mamori.model import PatchStatus, Target, TargetKind
from mamori.remediation import propose, verify

findings = kv_findings


def test_one_minimal_patch_per_file_and_lockout_changes_are_advise_only(
    estate: Path, kv_auditors: None
) -> None:
    found = findings(estate)
    assert {f.rule_id for f in found} == {"KV-DEBUG", "KV-ROOT", "KV-SECRET"}
    assert all("s3cr3t" not in f.evidence + f.message for f in found)
    safe, risky = propose(found, str(estate))
    assert safe.checks == ("KV-DEBUG",) and safe.status is PatchStatus.PROPOSED
    assert risky.checks == ("KV-ROOT",) and risky.status is PatchStatus.ADVISE_ONLY
    changed = [
        ln for ln in safe.diff.splitlines() if ln[:1] in "+-" and ln[:3] not in ("+++", "---")
    ]
    assert changed == ["-debug = on   # TODO turn off", "+debug = off   # TODO turn off"]
    assert safe.diff.startswith("--- a/svc/app.kv\n+++ b/svc/app.kv\n")


def test_verified_only_after_validator_and_reaudit(estate: Path, kv_auditors: None) -> None:
    safe, risky = propose(findings(estate), str(estate))
    ok = verify(safe, KeyValueAuditor(AnalyserSettings(root=str(estate))))
    assert ok.status is PatchStatus.VERIFIED
    assert ok.verification[0].startswith("re-audit: ok") and "accepted" in ok.verification[1]
    assert verify(risky, KeyValueAuditor(AnalyserSettings())).status is PatchStatus.ADVISE_ONLY


def test_validator_failure_is_reported_not_verified(estate: Path, kv_auditors: None) -> None:
    from fakes_config import BrokenFixAuditor

    [patch, _] = propose(findings(estate, "kvbroken"), str(estate))
    checked = verify(patch, BrokenFixAuditor(AnalyserSettings()))
    assert checked.status is PatchStatus.FAILED
    assert any("validator: FAILED" in s and "exited 1" in s for s in checked.verification)


def test_reaudit_catches_a_fix_that_fixes_nothing(estate: Path, kv_auditors: None) -> None:
    from fakes_config import NoopFixAuditor

    [patch, _] = propose(findings(estate, "kvnoop"), str(estate))
    checked = verify(patch, NoopFixAuditor(AnalyserSettings()))
    assert checked.status is PatchStatus.FAILED
    assert "still present ['KV-DEBUG']" in checked.verification[0]


def test_missing_validator_names_the_package(estate: Path, kv_auditors: None) -> None:
    from mamori.analysers.config.interface import Validator

    class Missing(KeyValueAuditor):
        validator = Validator("mamori-no-such-validator", ("{file}",), "imaginary-pkg")

    [patch, _] = propose(findings(estate), str(estate))
    checked = verify(patch, Missing(AnalyserSettings()))
    assert checked.status is PatchStatus.FAILED
    assert "install the imaginary-pkg package" in checked.verification[-1]


def test_unparseable_config_is_skipped_with_reason(tmp_path: Path, kv_auditors: None) -> None:
    path = tmp_path / "app.kv"
    path.write_text("debug = {{ debug }}\n")
    t = Target(TargetKind.FILE, str(path), "test", "app.kv")
    [skip] = list(KeyValueAuditor(AnalyserSettings(root=str(tmp_path))).analyse([t]))
    assert "template syntax" in skip.reason
