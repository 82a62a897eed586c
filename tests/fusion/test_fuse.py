from __future__ import annotations

from pathlib import Path

import pytest

from mamori.errors import FusionError
from mamori.fusion import Coverage, PrecisionTable, fuse, group_findings
from mamori.model import (
    Confidence,
    CweId,
    Decision,
    Finding,
    Fingerprint,
    Location,
    Severity,
    Suppression,
    line_fingerprint,
    weakness_class,
)

LINES = ["import os", "cur.execute('SELECT ' + name)", "os.system(cmd)", "x = 1"]


def make(analyser: str, cwe: int, line: int, *, path: str = "app.py", end: int = 0,
         conf: Confidence = Confidence.HIGH, sev: Severity = Severity.HIGH,
         rule: str = "R") -> Finding:  # fmt: skip
    w = weakness_class((CweId(cwe),), rule)
    return Finding(
        analyser=analyser, analyser_version="1", rule_id=rule, title=f"{w} title", message="m",
        severity=sev, confidence=conf, location=Location(path, line, end or line),
        fingerprint=line_fingerprint(w, path, LINES, line), cwe=(CweId(cwe),),
    )  # fmt: skip


def table(tmp_path: Path, text: str) -> PrecisionTable:
    p = tmp_path / "p.yaml"
    p.write_text(text)
    return PrecisionTable.load(p)


TABLE = """
thresholds: {escalate: 0.75, review: 0.30}
analysers:
  weak: {default: 0.5, cwe: {89: 0.45}}
  strong: {default: 0.8, rules: {EXACT: 0.99}}
  noisy: {default: 0.1}
"""


def test_two_analysers_same_weakness_same_line_group_and_escalate(tmp_path: Path) -> None:
    t = table(tmp_path, TABLE)
    issues = fuse([make("weak", 89, 2), make("strong", 564, 2)], t)  # 564 is also SQLi
    assert len(issues) == 1
    issue = issues[0]
    assert issue.agreeing == ("strong", "weak")
    assert issue.fused_confidence == pytest.approx(1 - (1 - 0.45) * (1 - 0.8))
    assert issue.decision is Decision.ESCALATE
    assert "strong (0.80) + weak (0.45) agree on sql-injection" in issue.reason


def test_lone_weak_analyser_is_held_for_review_and_dissent_is_named(tmp_path: Path) -> None:
    t = table(tmp_path, TABLE)
    cov = {"strong": Coverage(frozenset({"app.py"}), frozenset({"sql-injection"})),
           "other": Coverage(frozenset({"lib.py"}), frozenset({"sql-injection"}))}  # fmt: skip
    [issue] = fuse([make("weak", 89, 2)], t, coverage=cov)
    assert issue.decision is Decision.REVIEW
    assert issue.dissenting == ("strong",)
    assert "strong scanned it and did not" in issue.reason
    assert "weak (0.45) alone reports sql-injection" in issue.reason


def test_precision_lookup_order_rule_then_cwe_then_default(tmp_path: Path) -> None:
    t = table(tmp_path, TABLE)
    assert t.precision(make("strong", 89, 2, rule="EXACT")) == 0.99
    assert t.precision(make("weak", 89, 2)) == 0.45
    assert t.precision(make("weak", 78, 3)) == 0.5
    assert t.precision(make("unknown", 78, 3)) == 0.5


def test_noise_is_suppressed_and_low_severity_never_escalates(tmp_path: Path) -> None:
    t = table(tmp_path, TABLE)
    [noise] = fuse([make("noisy", 78, 3)], t)
    assert noise.decision is Decision.SUPPRESS and "likely noise" in noise.reason
    [low] = fuse([make("strong", 78, 3, sev=Severity.LOW)], t)
    assert low.decision is Decision.REVIEW


def test_confidence_weight_and_one_vote_per_analyser(tmp_path: Path) -> None:
    t = table(tmp_path, TABLE)
    [one] = fuse([make("strong", 89, 2, conf=Confidence.LOW)], t)
    assert one.fused_confidence == pytest.approx(0.4)
    [dup] = fuse([make("weak", 89, 2), make("weak", 89, 2, rule="R2")], t)
    assert dup.fused_confidence == pytest.approx(0.45)
    assert len(dup.findings) == 2


def test_different_weakness_or_file_or_line_stay_apart() -> None:
    groups = group_findings([
        make("a", 89, 2), make("b", 78, 2), make("c", 89, 2, path="other.py"), make("d", 89, 4),
    ])  # fmt: skip
    assert len(groups) == 4


def test_overlapping_ranges_group(tmp_path: Path) -> None:
    groups = group_findings([make("a", 89, 1, end=3), make("b", 89, 3), make("c", 89, 4)])
    assert sorted(len(g) for g in groups) == [1, 2]


def test_operator_suppression_wins_and_is_explained(tmp_path: Path) -> None:
    t = table(tmp_path, TABLE)
    f = make("strong", 89, 2)
    sup = Suppression(Fingerprint(f.fingerprint), "accepted risk", "2027-01-01", "akira")
    [issue] = fuse([f], t, suppressions={f.fingerprint: sup})
    assert issue.decision is Decision.SUPPRESS
    assert issue.suppression == sup
    assert "suppressed by akira until 2027-01-01: accepted risk" in issue.reason


def test_issue_fingerprint_is_stable_when_one_analyser_drops_out(tmp_path: Path) -> None:
    t = table(tmp_path, TABLE)
    both = fuse([make("weak", 89, 2), make("strong", 89, 2)], t)[0].fingerprint
    alone = fuse([make("strong", 89, 2)], t)[0].fingerprint
    assert both == alone


def test_bundled_table_loads_and_bad_tables_are_rejected(tmp_path: Path) -> None:
    bundled = PrecisionTable.load()
    assert bundled.source_of("deps") == "prior"
    assert 0 < bundled.review_at < bundled.escalate_at <= 1
    with pytest.raises(FusionError):
        table(tmp_path, "analysers: {x: {default: 1.5}}\n")
    with pytest.raises(FusionError, match="review threshold"):
        table(tmp_path, "thresholds: {escalate: 0.2, review: 0.5}\n")
    with pytest.raises(FusionError):
        PrecisionTable.load(tmp_path / "missing.yaml")


def _live(rule: str, host: str = "10.0.0.5", port: int = 22) -> Finding:
    return Finding(
        analyser="hosts", analyser_version="1", rule_id=rule, title="live", message="m",
        severity=Severity.MEDIUM, confidence=Confidence.HIGH,
        location=Location(host=host, port=port),
        fingerprint=Fingerprint(f"live-{rule}-{host}"), cwe=(CweId(327),),
    )  # fmt: skip


def test_live_and_static_evidence_of_one_weakness_are_one_issue() -> None:
    static = make("sshd", 327, 2, path="config/sshd_config", rule="SSHD-WEAK-CIPHERS",
                  sev=Severity.MEDIUM)  # fmt: skip
    other = make("sshd", 327, 3, path="config/sshd_config", rule="SSHD-WEAK-MACS",
                 sev=Severity.MEDIUM)  # fmt: skip
    live = _live("HOST-SSH-WEAK-CIPHERS")
    deployed = {"config/sshd_config": frozenset({"10.0.0.5"})}
    issues = fuse([static, other, live], PrecisionTable.load(), deployed=deployed)
    joined = [i for i in issues if len(i.findings) == 2]
    assert len(issues) == 2 and len(joined) == 1
    assert {f.rule_id for f in joined[0].findings} == {"SSHD-WEAK-CIPHERS", "HOST-SSH-WEAK-CIPHERS"}
    assert joined[0].findings[0] is static  # the file finding anchors the issue
    assert joined[0].fingerprint == static.fingerprint
    assert joined[0].agreeing == ("hosts", "sshd")


def test_live_evidence_stays_apart_without_a_deployment_or_an_equivalent_check() -> None:
    static = make("sshd", 327, 2, path="config/sshd_config", rule="SSHD-WEAK-CIPHERS")
    bundled = PrecisionTable.load()
    assert len(fuse([static, _live("HOST-SSH-WEAK-CIPHERS")], bundled)) == 2
    elsewhere = {"config/sshd_config": frozenset({"10.0.0.9"})}
    assert len(fuse([static, _live("HOST-SSH-WEAK-CIPHERS")], bundled, deployed=elsewhere)) == 2
    here = {"config/sshd_config": frozenset({"10.0.0.5"})}
    assert len(fuse([static, _live("HOST-SSH-WEAK-KEX")], bundled, deployed=here)) == 2
