"""The store stage's contract: the values it hands back, and the error it raises."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from mamori.errors import StoreError
from mamori.model import Decision, Issue, RunId

__all__ = ["RunDiff", "RunSummary", "StoreError"]


@dataclass(frozen=True, slots=True)
class RunSummary:
    """One stored run as listed by :meth:`Store.runs <mamori.store.Store.runs>`."""

    run_id: RunId
    """The run's id."""
    started_at: str
    """ISO-8601 UTC start time."""
    finished_at: str
    """ISO-8601 UTC end time."""
    roots: tuple[str, ...]
    """What was asked to be scanned."""
    issues: int
    """How many fused issues the run has."""
    findings: int
    """How many raw findings those issues hold."""
    skipped: int
    """How many targets or analysers were skipped."""
    decisions: Mapping[Decision, int] = field(default_factory=dict)
    """Issues per fusion decision (every decision present, zero when none)."""

    def __str__(self) -> str:
        by_decision = ", ".join(f"{self.decisions.get(d, 0)} {d.value}" for d in Decision)
        return (
            f"{self.run_id}  {self.started_at}  {self.issues} issues ({by_decision}), "
            f"{self.findings} findings, {self.skipped} skipped  {' '.join(self.roots)}"
        )


@dataclass(frozen=True, slots=True)
class RunDiff:
    """How run B differs from run A, with issues matched by fingerprint."""

    a: RunId
    """The older run."""
    b: RunId
    """The newer run."""
    new: tuple[Issue, ...]
    """Issues in B but not in A (as they appear in B)."""
    fixed: tuple[Issue, ...]
    """Issues in A but not in B (as they appeared in A)."""
    unchanged: tuple[Issue, ...]
    """Issues in both (as they appear in B)."""
