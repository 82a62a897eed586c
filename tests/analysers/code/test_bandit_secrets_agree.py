"""Bandit and the secrets analyser fingerprint the same hard-coded password identically.

Fusion groups claims by fingerprint, so two analysers that independently flag one
credential must agree on it; both hash the weakness class, the displayed path and the line.
"""

from __future__ import annotations

from pathlib import Path

from mamori.analysers.code.bandit import BanditAnalyser
from mamori.analysers.interface import AnalyserSettings
from mamori.analysers.secrets.detect_secrets import SecretsAnalyser
from mamori.model import Finding, Target, TargetKind

EXAMPLE = Path(__file__).parent / "examples" / "bandit" / "vulnerable" / "hardcoded_password.py"


def test_both_analysers_agree_on_the_hardcoded_password_line() -> None:
    settings = AnalyserSettings(root=str(EXAMPLE.parent))
    t = Target(TargetKind.FILE, str(EXAMPLE.resolve()), "test")
    by_bandit = [f for f in BanditAnalyser(settings).analyse([t]) if isinstance(f, Finding)]
    by_secrets = [f for f in SecretsAnalyser(settings).analyse([t]) if isinstance(f, Finding)]
    (b105,) = [f for f in by_bandit if f.rule_id == "B105"]
    (keyword,) = [f for f in by_secrets if f.location.start_line == b105.location.start_line]
    assert b105.weakness == keyword.weakness == "hardcoded-credential"
    assert b105.fingerprint == keyword.fingerprint
    unrelated = [f for f in by_bandit if f.location.start_line != b105.location.start_line]
    assert all(f.fingerprint != keyword.fingerprint for f in unrelated)
