"""Approval gate: every action is checked by the policy; actions that need approval wait in a
queue until enough *distinct* approvers approve (two for two-person classes), or anyone
rejects, or they expire. Every request, approval, rejection and result lands in the ledger.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
import uuid
from dataclasses import asdict, dataclass
from typing import Any

from mamori.errors import MamoriError
from mamori.governance.ledger import Ledger
from mamori.governance.policy import ActionRequest, Outcome, Policy, Verdict

_SCHEMA = """
CREATE TABLE IF NOT EXISTS approvals (
  id TEXT PRIMARY KEY, request TEXT NOT NULL, payload TEXT NOT NULL, needed INTEGER NOT NULL,
  reason TEXT NOT NULL, requested_at TEXT NOT NULL, expires_at TEXT NOT NULL,
  status TEXT NOT NULL, votes TEXT NOT NULL);
"""

DEFAULT_TTL = dt.timedelta(hours=24)
"""How long a pending action waits for approval before it expires."""


class ApprovalError(MamoriError):
    """An approval request cannot be created or decided."""

    exit_code = 2


@dataclass(frozen=True, slots=True)
class Vote:
    """One approver's decision."""

    approver: str
    """Who decided (identity as given to the CLI/API)."""
    approve: bool
    """True to approve, False to reject."""
    reason: str
    """Why."""
    at: str
    """ISO time of the vote."""


@dataclass(frozen=True, slots=True)
class PendingAction:
    """An action waiting for (or past) approval."""

    id: str
    """Queue id."""
    request: ActionRequest
    """What is asked for."""
    payload: dict[str, Any]
    """Action details (patch id, target…)."""
    needed: int
    """Distinct approvals needed."""
    reason: str
    """The policy verdict's reason."""
    requested_at: str
    """When it was queued."""
    expires_at: str
    """When it lapses."""
    status: str
    """pending, approved, rejected, expired or done."""
    votes: tuple[Vote, ...] = ()
    """Votes so far."""


@dataclass(frozen=True, slots=True)
class GateDecision:
    """What the gate says about an action right now."""

    verdict: Verdict
    """The policy's verdict."""
    allowed: bool
    """True when the action may run now."""
    pending: PendingAction | None = None
    """The queued request when approval is needed."""


class Gate:
    """Policy check + approval queue + ledger, the one path every action goes through."""

    def __init__(self, policy: Policy, ledger: Ledger) -> None:
        self.policy = policy
        self.ledger = ledger
        self._db = ledger.connection
        self._db.executescript(_SCHEMA)

    def check(
        self,
        req: ActionRequest,
        payload: dict[str, Any],
        *,
        ttl: dt.timedelta = DEFAULT_TTL,
        now: dt.datetime | None = None,
    ) -> GateDecision:
        """Evaluate ``req``; queue it when approval is needed. Recorded in the ledger."""
        now = now or dt.datetime.now(dt.UTC)
        verdict = self.policy.evaluate(req, now)
        self.ledger.append(
            "policy.verdict",
            {
                "request": asdict(req),
                "payload": payload,
                "outcome": verdict.outcome.value,
                "level": int(verdict.level),
                "reason": verdict.reason,
            },
        )
        if verdict.outcome is not Outcome.NEEDS_APPROVAL:
            return GateDecision(verdict, verdict.outcome is Outcome.ALLOW)
        pending = PendingAction(
            uuid.uuid4().hex[:12],
            req,
            payload,
            verdict.approvals_needed,
            verdict.reason,
            _iso(now),
            _iso(now + ttl),
            "pending",
        )
        self._save(pending)
        self.ledger.append(
            "approval.request",
            {
                "id": pending.id,
                "request": asdict(req),
                "payload": payload,
                "needed": pending.needed,
            },
        )
        return GateDecision(verdict, False, pending)

    def vote(
        self,
        action_id: str,
        approver: str,
        *,
        approve: bool,
        reason: str,
        now: dt.datetime | None = None,
    ) -> PendingAction:
        """Approve or reject a pending action; one vote per approver."""
        if not approver.strip() or not reason.strip():
            raise ApprovalError("an approval needs the approver's identity and a reason")
        now = now or dt.datetime.now(dt.UTC)
        current = self._expire(self.get(action_id), now)
        if current.status != "pending":
            raise ApprovalError(f"action {action_id} is {current.status}, not pending")
        if any(v.approver == approver for v in current.votes):
            raise ApprovalError(
                f"{approver} has already voted on {action_id}",
                hint="the two-person rule needs a different approver",
            )
        votes = (*current.votes, Vote(approver, approve, reason, _iso(now)))
        ayes = sum(v.approve for v in votes)
        status = (
            "rejected" if not approve else ("approved" if ayes >= current.needed else "pending")
        )
        updated = PendingAction(**{**_fields(current), "votes": votes, "status": status})
        self._save(updated)
        kind = "approval.grant" if approve else "approval.reject"
        self.ledger.append(
            kind, {"id": action_id, "approver": approver, "reason": reason, "status": status}
        )
        return updated

    def authorise(self, action_id: str, now: dt.datetime | None = None) -> PendingAction:
        """The approved action, ready to run; raise if it is not (or no longer) approved."""
        current = self._expire(self.get(action_id), now or dt.datetime.now(dt.UTC))
        if current.status != "approved":
            raise ApprovalError(f"action {action_id} is {current.status}; it cannot run")
        return current

    def record_result(self, action_id: str, ok: bool, detail: dict[str, Any]) -> None:
        """Mark an approved action done and record its result in the ledger."""
        current = self.get(action_id)
        self._save(PendingAction(**{**_fields(current), "status": "done"}))
        self.ledger.append("action.result", {"id": action_id, "ok": ok, "detail": detail})

    def get(self, action_id: str) -> PendingAction:
        """One queued action by id (or unique prefix)."""
        rows = self._db.execute("SELECT * FROM approvals WHERE id LIKE ?", (action_id + "%",))
        found = rows.fetchall()
        if len(found) != 1:
            what = "no" if not found else "more than one"
            raise ApprovalError(f"{what} pending action matches {action_id!r}")
        return _load(found[0])

    def list(self, status: str | None = None) -> list[PendingAction]:
        """Queued actions, newest first, optionally by status."""
        rows = self._db.execute("SELECT * FROM approvals ORDER BY requested_at DESC").fetchall()
        items = [_load(r) for r in rows]
        return [a for a in items if status is None or a.status == status]

    def _expire(self, a: PendingAction, now: dt.datetime) -> PendingAction:
        if a.status in ("pending", "approved") and _iso(now) > a.expires_at:
            a = PendingAction(**{**_fields(a), "status": "expired"})
            self._save(a)
            self.ledger.append("approval.expire", {"id": a.id})
        return a

    def _save(self, a: PendingAction) -> None:
        votes = json.dumps([asdict(v) for v in a.votes])
        self._db.execute(
            "INSERT OR REPLACE INTO approvals VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                a.id,
                json.dumps(asdict(a.request)),
                json.dumps(a.payload),
                a.needed,
                a.reason,
                a.requested_at,
                a.expires_at,
                a.status,
                votes,
            ),
        )


def _fields(a: PendingAction) -> dict[str, Any]:
    return {f: getattr(a, f) for f in a.__dataclass_fields__}


def _load(row: sqlite3.Row | tuple[Any, ...]) -> PendingAction:
    id_, req, payload, needed, reason, at, exp, status, votes = row
    return PendingAction(
        id_,
        ActionRequest(**json.loads(req)),
        json.loads(payload),
        needed,
        reason,
        at,
        exp,
        status,
        tuple(Vote(**v) for v in json.loads(votes)),
    )


def _iso(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).isoformat(timespec="seconds")
