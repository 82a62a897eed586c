"""The per-analyser, per-CWE precision table that weights each analyser's vote."""

from __future__ import annotations

import importlib.resources
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from mamori.errors import FusionError
from mamori.model import Finding

_Prob = float


class _AnalyserEntry(BaseModel):
    model_config = ConfigDict(extra="forbid")
    source: str = "prior"
    default: _Prob = 0.5
    cwe: dict[int, _Prob] = Field(default_factory=dict)
    rules: dict[str, _Prob] = Field(default_factory=dict)

    @field_validator("default")
    @classmethod
    def _in_range(cls, v: float) -> float:
        return _check_prob(v)

    @field_validator("cwe", "rules")
    @classmethod
    def _all_in_range(cls, v: dict[Any, float]) -> dict[Any, float]:
        for p in v.values():
            _check_prob(p)
        return v


class _Thresholds(BaseModel):
    model_config = ConfigDict(extra="forbid")
    escalate: _Prob = 0.75
    review: _Prob = 0.30


class _TableFile(BaseModel):
    model_config = ConfigDict(extra="forbid")
    version: int = 1
    thresholds: _Thresholds = Field(default_factory=_Thresholds)
    analysers: dict[str, _AnalyserEntry] = Field(default_factory=dict)


def _check_prob(v: float) -> float:
    if not 0.0 <= v <= 1.0:
        raise ValueError(f"precision {v} is outside [0, 1]")
    return v


UNKNOWN_ANALYSER_PRECISION = 0.5
"""Weight of an analyser absent from the table: an unmeasured coin flip, never certainty."""


@dataclass(frozen=True, slots=True)
class PrecisionTable:
    """Measured (or prior) precision per analyser, CWE and rule, plus decision thresholds."""

    escalate_at: float
    """Fused confidence needed to escalate."""
    review_at: float
    """Fused confidence needed to hold for review (below: suppress as noise)."""
    entries: Mapping[str, _AnalyserEntry] = field(default_factory=dict)
    """Per-analyser entries."""
    source: str = ""
    """Where the table was loaded from."""

    @classmethod
    def load(cls, path: str | Path | None = None) -> PrecisionTable:
        """Load the table from ``path``, or the bundled default table."""
        try:
            if path is None:
                text = importlib.resources.files("mamori.fusion").joinpath("precision.yaml")
                raw = yaml.safe_load(text.read_text(encoding="utf-8"))
                where = "bundled precision.yaml"
            else:
                raw = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
                where = str(path)
            parsed = _TableFile.model_validate(raw)
        except (OSError, yaml.YAMLError, ValidationError) as e:
            raise FusionError(
                f"precision table {path or 'precision.yaml'} is invalid: {e}",
                hint="fix the YAML or remove --precision to use the bundled table",
            ) from e
        t = parsed.thresholds
        if t.review > t.escalate:
            raise FusionError(f"precision table {where}: review threshold exceeds escalate")
        return cls(t.escalate, t.review, parsed.analysers, where)

    def precision(self, finding: Finding) -> float:
        """Precision of ``finding``'s analyser for its rule, else its primary CWE, else default."""
        entry = self.entries.get(finding.analyser)
        if entry is None:
            return UNKNOWN_ANALYSER_PRECISION
        if finding.rule_id in entry.rules:
            return entry.rules[finding.rule_id]
        for cwe in finding.cwe:
            if cwe in entry.cwe:
                return entry.cwe[cwe]
        return entry.default

    def source_of(self, analyser: str) -> str:
        """``prior`` or ``measured`` (or ``unknown``) for an analyser's numbers."""
        entry = self.entries.get(analyser)
        return entry.source if entry else "unknown"
