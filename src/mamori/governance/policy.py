"""The autonomy policy: how much Mamori may do on its own, per action type and asset class.

Levels: 0 observe · 1 advise · 2 act after approval · 3 act within guardrails (verified,
reversible, inside a change window) · 4 autonomous.

Policy YAML::

    version: 1
    asset_classes: [core-banking, payments, internal, lab]
    grants:                         # allow rules: the highest matching level wins
      - {action: apply-config-patch, asset_class: lab, level: 4}
      - {action: "*", asset_class: internal, level: 3}
    deny:                           # deny rules cap the level; they override every grant
      - {action: "*", asset_class: core-banking, max_level: 2,
         reason: "never without approval on core-banking"}
    two_person: [core-banking, payments]   # these classes need two different approvers
    change_windows:                 # level 3 acts only inside one of these
      - {days: [sat, sun], start: "01:00", end: "05:00", timezone: Asia/Tokyo}

A small evaluator, fully tested, rather than a general policy engine: the semantics above are
all the working group asked for, and every verdict names the rule that decided it.
"""

from __future__ import annotations

import datetime as dt
import enum
import fnmatch
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from mamori.errors import ConfigError
from mamori.scope import TimeWindow, parse_window_spec


class Level(enum.IntEnum):
    """Autonomy levels."""

    OBSERVE = 0
    ADVISE = 1
    APPROVAL = 2
    GUARDRAILS = 3
    AUTONOMOUS = 4


class Outcome(enum.StrEnum):
    """What the policy says about one action."""

    DENY = "deny"
    """Not allowed at all (observe or advise only)."""
    NEEDS_APPROVAL = "needs-approval"
    """Allowed once enough distinct approvers have approved."""
    ALLOW = "allow"
    """Allowed now, without approval."""


@dataclass(frozen=True, slots=True)
class ActionRequest:
    """An action Mamori proposes, as the policy sees it."""

    action: str
    """Action type: ``apply-config-patch``, ``restart-service``, ``block-ip``…"""
    asset_class: str
    """Asset class of the target: ``core-banking``, ``payments``, ``internal``, ``lab``…"""
    verified: bool = False
    """Whether the change passed its verification ladder."""
    reversible: bool = False
    """Whether an exact rollback exists."""


@dataclass(frozen=True, slots=True)
class Verdict:
    """The policy's answer, with the rule that decided it."""

    outcome: Outcome
    """Deny, needs approval, or allow."""
    level: Level
    """Effective autonomy level after deny caps."""
    approvals_needed: int
    """Distinct approvers needed (0 when allowed outright)."""
    reason: str
    """Which rule(s) decided, in words."""


class _Rule(BaseModel):
    model_config = ConfigDict(extra="forbid")
    action: str = "*"
    asset_class: str = "*"
    level: int = Field(default=0, ge=0, le=4)
    max_level: int = Field(default=0, ge=0, le=4)
    reason: str = ""


class _PolicyFile(BaseModel):
    model_config = ConfigDict(extra="forbid")
    version: int = 1
    asset_classes: list[str] = Field(min_length=1)
    grants: list[_Rule] = Field(default_factory=list)
    deny: list[_Rule] = Field(default_factory=list)
    two_person: list[str] = Field(default_factory=list)
    change_windows: list[dict[str, Any]] = Field(default_factory=list)

    @field_validator("asset_classes")
    @classmethod
    def _unique(cls, v: list[str]) -> list[str]:
        if len(set(v)) != len(v):
            raise ValueError("asset_classes must be unique")
        return v


@dataclass(frozen=True, slots=True)
class Policy:
    """A validated autonomy policy."""

    asset_classes: frozenset[str]
    """Known asset classes; actions on unknown classes are denied."""
    grants: tuple[_Rule, ...]
    """Allow rules."""
    denies: tuple[_Rule, ...]
    """Deny (cap) rules."""
    two_person: frozenset[str]
    """Classes that need two distinct approvers."""
    windows: tuple[TimeWindow, ...]
    """Change windows for level 3."""
    source: str = "policy"
    """Where the policy came from."""

    @classmethod
    def load(cls, path: str | Path) -> Policy:
        """Load and validate a policy file."""
        try:
            raw = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
            parsed = _PolicyFile.model_validate(raw)
            windows = tuple(parse_window_spec(w) for w in parsed.change_windows)
        except (OSError, yaml.YAMLError, ValidationError, ValueError) as e:
            raise ConfigError(f"autonomy policy {path} is invalid: {e}") from e
        return cls.from_parsed(parsed, windows, str(path))

    @classmethod
    def from_parsed(cls, p: _PolicyFile, windows: tuple[TimeWindow, ...], source: str) -> Policy:
        """Build from a validated file model; checks rules name known classes."""
        known = set(p.asset_classes)
        for rule in (*p.grants, *p.deny):
            if rule.asset_class != "*" and rule.asset_class not in known:
                raise ConfigError(f"{source}: rule names unknown asset class {rule.asset_class!r}")
        unknown = set(p.two_person) - known
        if unknown:
            raise ConfigError(f"{source}: two_person names unknown classes {sorted(unknown)}")
        return cls(
            frozenset(known),
            tuple(p.grants),
            tuple(p.deny),
            frozenset(p.two_person),
            windows,
            source,
        )

    def evaluate(self, req: ActionRequest, now: dt.datetime | None = None) -> Verdict:
        """Decide one action. Deny caps override grants; every verdict names its rule."""
        if req.asset_class not in self.asset_classes:
            return Verdict(
                Outcome.DENY,
                Level.OBSERVE,
                0,
                f"unknown asset class {req.asset_class!r} ({self.source})",
            )
        level, why = self._granted(req)
        for i, rule in enumerate(self.denies):
            if _matches(rule, req) and rule.max_level < level:
                level = Level(rule.max_level)
                why = f"deny[{i}] caps at level {rule.max_level}: {rule.reason or 'no reason'}"
        return self._verdict(req, level, why, now or dt.datetime.now(dt.UTC))

    def _granted(self, req: ActionRequest) -> tuple[Level, str]:
        best, why = Level.OBSERVE, "no grant matches: observe only"
        for i, rule in enumerate(self.grants):
            if _matches(rule, req) and rule.level > best:
                best = Level(rule.level)
                why = f"grants[{i}] gives level {rule.level}"
        return best, why

    def _verdict(self, req: ActionRequest, level: Level, why: str, now: dt.datetime) -> Verdict:
        approvers = 2 if req.asset_class in self.two_person else 1
        if level <= Level.ADVISE:
            return Verdict(Outcome.DENY, level, 0, f"{why} ({level.name.lower()} only)")
        if level == Level.AUTONOMOUS:
            return Verdict(Outcome.ALLOW, level, 0, why)
        if level == Level.GUARDRAILS:
            missing = self._guardrail_gaps(req, now)
            if not missing:
                return Verdict(Outcome.ALLOW, level, 0, f"{why}; guardrails met")
            why = f"{why}; guardrails not met ({', '.join(missing)}), so approval is needed"
        rule = " (two-person rule)" if approvers == 2 else ""
        return Verdict(Outcome.NEEDS_APPROVAL, level, approvers, why + rule)

    def _guardrail_gaps(self, req: ActionRequest, now: dt.datetime) -> list[str]:
        gaps = [
            name
            for name, ok in (("verified", req.verified), ("reversible", req.reversible))
            if not ok
        ]
        if self.windows and not any(w.contains(now) for w in self.windows):
            gaps.append("outside change window")
        return gaps


def _matches(rule: _Rule, req: ActionRequest) -> bool:
    return fnmatch.fnmatchcase(req.action, rule.action) and (
        rule.asset_class in ("*", req.asset_class)
    )
