"""Actions on the estate — every one checked by the autonomy policy and recorded in the ledger.

Today's actions: apply a verified config patch, and roll one back. Each goes through
:class:`~mamori.governance.approvals.Gate`: allowed now, queued for approval, or denied with
the rule that denied it. After an apply the live file is re-audited; if the fixed findings are
not gone, the change is rolled back automatically and both steps are recorded.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from mamori.governance.approvals import ApprovalError, Gate
from mamori.governance.policy import ActionRequest, Outcome
from mamori.model import Patch
from mamori.remediation import AppliedAction, FixStore, RemediationError, config_auditor

APPLY = "apply-config-patch"
ROLLBACK = "rollback-config-patch"


@dataclass(frozen=True, slots=True)
class ActionOutcome:
    """What happened to one requested action."""

    done: bool
    """True when the change was made (and stayed made)."""
    message: str
    """What happened, for the operator."""
    action: AppliedAction | None = None
    """The applied (or rolled back) action record."""
    pending_id: str = ""
    """Approval queue id when the action waits for approval."""


def apply_patch(fixes: FixStore, gate: Gate, patch_id: str, asset_class: str, *,
                approval: str = "", analyser_root: str = ".") -> ActionOutcome:  # fmt: skip
    """Apply one verified patch if the policy (and any approval) allows it."""
    patch = fixes.patch(patch_id)
    payload = {"patch": patch.id, "path": patch.display_path,
               "diff_sha256": hashlib.sha256(patch.diff.encode()).hexdigest()}  # fmt: skip
    req = ActionRequest(APPLY, asset_class, verified=patch.status.value == "verified",
                        reversible=True)  # fmt: skip
    allowed_by = _authorise(gate, req, payload, approval)
    if isinstance(allowed_by, ActionOutcome):
        return allowed_by
    record = fixes.apply(patch, allowed_by)
    gate.ledger.append("patch.apply", {"action": record.id, **payload, "by": allowed_by})
    if not _still_fixed(patch, analyser_root):
        undone = fixes.rollback(record.id, force=True)
        gate.ledger.append("patch.rollback", {"action": record.id, "reason": "post-apply re-audit"})
        _result(gate, approval, False, {"action": record.id, "rolled_back": True})
        return ActionOutcome(False, f"applied {patch.id} but the live re-audit still found the "
                             "problem; rolled back", undone)  # fmt: skip
    _result(gate, approval, True, {"action": record.id})
    return ActionOutcome(True, f"applied {patch.id} to {patch.display_path} (action {record.id}; "
                         f"undo with `mamori fix rollback {record.id}`)", record)  # fmt: skip


def rollback(fixes: FixStore, gate: Gate, action_id: str, asset_class: str, *,
             approval: str = "", force: bool = False) -> ActionOutcome:  # fmt: skip
    """Restore the original bytes of an applied patch, as the policy allows."""
    record = fixes.action(action_id)
    payload = {"action": record.id, "path": record.path}
    req = ActionRequest(ROLLBACK, asset_class, verified=True, reversible=True)
    allowed_by = _authorise(gate, req, payload, approval)
    if isinstance(allowed_by, ActionOutcome):
        return allowed_by
    done = fixes.rollback(record.id, force=force)
    gate.ledger.append("patch.rollback", {**payload, "by": allowed_by})
    _result(gate, approval, True, payload)
    return ActionOutcome(True, f"rolled back {record.id}: {record.path} restored", done)


def _authorise(gate: Gate, req: ActionRequest, payload: dict[str, str], approval: str
               ) -> str | ActionOutcome:  # fmt: skip
    if approval:
        pending = gate.authorise(approval)
        if pending.payload != payload or pending.request.action != req.action:
            raise ApprovalError(f"approval {approval} was granted for a different action")
        return "approved by " + ", ".join(v.approver for v in pending.votes if v.approve)
    decision = gate.check(req, payload)
    if decision.allowed:
        return f"policy: {decision.verdict.reason}"
    if decision.verdict.outcome is Outcome.DENY:
        raise RemediationError(f"policy denies {req.action} on {req.asset_class}: "
                               f"{decision.verdict.reason}")  # fmt: skip
    if decision.pending is None:
        raise RemediationError(f"policy returned no decision for {req.action}")
    pid = decision.pending.id
    return ActionOutcome(
        False,
        f"needs {decision.pending.needed} approval(s): {decision.verdict.reason}. Approve with "
        f"`mamori approvals approve {pid} --by NAME --reason …`, then re-run with --approval {pid}",
        pending_id=pid,
    )  # fmt: skip


def _result(gate: Gate, approval: str, ok: bool, detail: Mapping[str, object]) -> None:
    if approval:
        gate.record_result(approval, ok, dict(detail))


def _still_fixed(patch: Patch, root: str) -> bool:
    auditor = config_auditor(patch.analyser, root) if patch.analyser else None
    if auditor is None:
        return True
    text = Path(patch.path).read_text(encoding="utf-8")
    live = {v.check.id for v in auditor.audit_text(text, patch.path)}
    return not live & set(patch.checks)
