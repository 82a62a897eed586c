from __future__ import annotations

import datetime as dt
import itertools
from pathlib import Path

import pytest

from mamori.errors import ConfigError
from mamori.governance.policy import ActionRequest, Level, Outcome, Policy

POLICY = """
version: 1
asset_classes: [core-banking, payments, internal, lab]
grants:
  - {action: "*", asset_class: lab, level: 4}
  - {action: "*", asset_class: internal, level: 3}
  - {action: apply-config-patch, asset_class: payments, level: 3}
  - {action: block-ip, asset_class: payments, level: 2}
  - {action: "*", asset_class: core-banking, level: 4}
deny:
  - {action: "*", asset_class: core-banking, max_level: 2,
     reason: "never without approval on core-banking"}
  - {action: disable-account, asset_class: "*", max_level: 1, reason: "people decide that"}
two_person: [core-banking, payments]
change_windows:
  - {days: [sat, sun], start: "01:00", end: "05:00", timezone: Asia/Tokyo}
"""
IN_WINDOW = dt.datetime(2026, 11, 21, 17, 0, tzinfo=dt.UTC)  # Sun 02:00 JST
OUT_WINDOW = dt.datetime(2026, 11, 23, 3, 0, tzinfo=dt.UTC)  # Mon 12:00 JST


@pytest.fixture
def policy(tmp_path: Path) -> Policy:
    p = tmp_path / "policy.yaml"
    p.write_text(POLICY)
    return Policy.load(p)


def req(action: str, asset: str, *, safe: bool = True) -> ActionRequest:
    return ActionRequest(action, asset, verified=safe, reversible=safe)


EXPECTED = {
    # (action, asset class): (outcome in window with guardrails met, approvals needed)
    ("apply-config-patch", "lab"): (Outcome.ALLOW, 0),
    ("apply-config-patch", "internal"): (Outcome.ALLOW, 0),
    ("apply-config-patch", "payments"): (Outcome.ALLOW, 0),
    ("apply-config-patch", "core-banking"): (Outcome.NEEDS_APPROVAL, 2),
    ("block-ip", "payments"): (Outcome.NEEDS_APPROVAL, 2),
    ("restart-service", "payments"): (Outcome.DENY, 0),
    ("restart-service", "internal"): (Outcome.ALLOW, 0),
    ("disable-account", "lab"): (Outcome.DENY, 0),
    ("disable-account", "core-banking"): (Outcome.DENY, 0),
}


@pytest.mark.parametrize(("key", "want"), EXPECTED.items(), ids=lambda v: str(v))
def test_every_action_and_asset_class(policy: Policy, key: tuple[str, str],
                                      want: tuple[Outcome, int]) -> None:  # fmt: skip
    verdict = policy.evaluate(req(*key), IN_WINDOW)
    assert (verdict.outcome, verdict.approvals_needed) == want
    assert verdict.reason


def test_deny_overrides_a_level_four_grant(policy: Policy) -> None:
    v = policy.evaluate(req("apply-config-patch", "core-banking"), IN_WINDOW)
    assert v.level is Level.APPROVAL
    assert "deny[0]" in v.reason and "never without approval on core-banking" in v.reason
    assert "two-person" in v.reason


def test_level_three_needs_every_guardrail(policy: Policy) -> None:
    ok = policy.evaluate(req("apply-config-patch", "internal"), IN_WINDOW)
    assert ok.outcome is Outcome.ALLOW
    outside = policy.evaluate(req("apply-config-patch", "internal"), OUT_WINDOW)
    assert outside.outcome is Outcome.NEEDS_APPROVAL and "outside change window" in outside.reason
    unverified = policy.evaluate(req("apply-config-patch", "internal", safe=False), IN_WINDOW)
    assert "verified" in unverified.reason and "reversible" in unverified.reason
    assert unverified.approvals_needed == 1


def test_level_four_ignores_windows_but_not_denies(policy: Policy) -> None:
    assert policy.evaluate(req("anything", "lab", safe=False), OUT_WINDOW).outcome is Outcome.ALLOW
    assert policy.evaluate(req("disable-account", "lab"), IN_WINDOW).outcome is Outcome.DENY


def test_levels_cover_all_outcomes(tmp_path: Path) -> None:
    for level, asset in itertools.product(range(5), ["a"]):
        p = tmp_path / f"p{level}.yaml"
        p.write_text(
            f"asset_classes: [a]\ngrants: [{{action: x, asset_class: a, level: {level}}}]\n"
        )
        v = Policy.load(p).evaluate(ActionRequest("x", asset, True, True))
        want = {0: Outcome.DENY, 1: Outcome.DENY, 2: Outcome.NEEDS_APPROVAL, 3: Outcome.ALLOW,
                4: Outcome.ALLOW}[level]  # fmt: skip
        assert v.outcome is want and v.level == level


def test_unknown_asset_class_is_denied(policy: Policy) -> None:
    v = policy.evaluate(req("apply-config-patch", "mainframe"))
    assert v.outcome is Outcome.DENY and "unknown asset class" in v.reason


@pytest.mark.parametrize("text", [
    "grants: []\n",
    "asset_classes: [a]\ngrants: [{asset_class: b, level: 2}]\n",
    "asset_classes: [a]\ngrants: [{asset_class: a, level: 7}]\n",
    "asset_classes: [a]\ntwo_person: [b]\n",
    "asset_classes: [a, a]\n",
    "asset_classes: [a]\nchange_windows: [{days: [someday]}]\n",
])  # fmt: skip
def test_invalid_policies_are_rejected(tmp_path: Path, text: str) -> None:
    p = tmp_path / "bad.yaml"
    p.write_text(text)
    with pytest.raises(ConfigError):
        Policy.load(p)
