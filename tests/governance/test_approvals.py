from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from mamori.governance.approvals import ApprovalError, Gate
from mamori.governance.ledger import Ledger
from mamori.governance.policy import ActionRequest, Outcome, Policy

POLICY = """
asset_classes: [core-banking, internal, lab]
grants:
  - {action: "*", asset_class: lab, level: 4}
  - {action: "*", asset_class: internal, level: 2}
  - {action: "*", asset_class: core-banking, level: 2}
two_person: [core-banking]
"""


@pytest.fixture
def gate(tmp_path: Path) -> Gate:
    (tmp_path / "p.yaml").write_text(POLICY)
    return Gate(Policy.load(tmp_path / "p.yaml"), Ledger.open(tmp_path / "ledger"))


def test_autonomous_action_is_allowed_and_recorded(gate: Gate) -> None:
    d = gate.check(ActionRequest("apply-config-patch", "lab"), {"patch": "p1"})
    assert d.allowed and d.pending is None
    [entry] = gate.ledger.entries("policy.verdict")
    assert entry.data["outcome"] == "allow"


def test_one_approval_releases_an_internal_action(gate: Gate) -> None:
    d = gate.check(ActionRequest("apply-config-patch", "internal"), {"patch": "p2"})
    assert not d.allowed and d.pending is not None
    with pytest.raises(ApprovalError, match="pending"):
        gate.authorise(d.pending.id)
    gate.vote(d.pending.id, "yuki", approve=True, reason="reviewed diff")
    assert gate.authorise(d.pending.id).status == "approved"
    gate.record_result(d.pending.id, True, {"applied": "p2"})
    kinds = [e.kind for e in gate.ledger.entries()]
    assert kinds == ["policy.verdict", "approval.request", "approval.grant", "action.result"]
    assert gate.ledger.verify().ok


def test_two_person_rule_needs_two_different_approvers(gate: Gate) -> None:
    d = gate.check(ActionRequest("apply-config-patch", "core-banking"), {"patch": "p3"})
    assert d.verdict.outcome is Outcome.NEEDS_APPROVAL and d.pending is not None
    aid = d.pending.id
    assert gate.vote(aid, "yuki", approve=True, reason="ok").status == "pending"
    with pytest.raises(ApprovalError, match="already voted"):
        gate.vote(aid, "yuki", approve=True, reason="again")
    assert gate.vote(aid, "kenji", approve=True, reason="ok too").status == "approved"


def test_rejection_and_expiry_block_the_action(gate: Gate) -> None:
    d1 = gate.check(ActionRequest("restart-service", "internal"), {})
    assert d1.pending is not None
    gate.vote(d1.pending.id, "yuki", approve=False, reason="not in business hours")
    with pytest.raises(ApprovalError, match="rejected"):
        gate.authorise(d1.pending.id)
    now = dt.datetime.now(dt.UTC)
    d2 = gate.check(ActionRequest("restart-service", "internal"), {}, ttl=dt.timedelta(hours=1))
    assert d2.pending is not None
    with pytest.raises(ApprovalError, match="expired"):
        gate.vote(
            d2.pending.id, "yuki", approve=True, reason="late", now=now + dt.timedelta(hours=2)
        )
    assert gate.get(d2.pending.id).status == "expired"


def test_votes_need_identity_and_reason(gate: Gate) -> None:
    d = gate.check(ActionRequest("x", "internal"), {})
    assert d.pending is not None
    with pytest.raises(ApprovalError):
        gate.vote(d.pending.id, " ", approve=True, reason="r")
    with pytest.raises(ApprovalError):
        gate.vote(d.pending.id, "yuki", approve=True, reason="")
    with pytest.raises(ApprovalError, match="no pending action"):
        gate.get("doesnotexist")
