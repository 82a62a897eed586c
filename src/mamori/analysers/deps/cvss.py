"""CVSS v3.x base scores from vector strings, and the Mamori severity they map to.

The formula is the one in the CVSS v3.1 specification, section 7.1 (v3.0 vectors are scored
with the same weights; the specifications differ only in the rounding helper, whose v3.1 form
is used). Only the base metric group is read; temporal and environmental metrics are ignored.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

from mamori.model import Severity

_AV = {"N": 0.85, "A": 0.62, "L": 0.55, "P": 0.2}
_AC = {"L": 0.77, "H": 0.44}
_PR_UNCHANGED = {"N": 0.85, "L": 0.62, "H": 0.27}
_PR_CHANGED = {"N": 0.85, "L": 0.68, "H": 0.5}
_UI = {"N": 0.85, "R": 0.62}
_CIA = {"H": 0.56, "L": 0.22, "N": 0.0}
_ALLOWED: dict[str, dict[str, float]] = {
    "AV": _AV, "AC": _AC, "PR": _PR_UNCHANGED, "UI": _UI, "S": {"U": 0.0, "C": 0.0},
    "C": _CIA, "I": _CIA, "A": _CIA,
}  # fmt: skip

_LABELS = {
    "CRITICAL": Severity.CRITICAL,
    "HIGH": Severity.HIGH,
    "MODERATE": Severity.MEDIUM,
    "MEDIUM": Severity.MEDIUM,
    "LOW": Severity.LOW,
}

DEFAULT_SEVERITY = Severity.MEDIUM
"""Severity of an advisory that carries no usable severity information."""


def base_score(vector: str) -> float:
    """The CVSS v3.x base score of ``vector`` (``CVSS:3.1/AV:N/...``); ValueError if invalid."""
    metrics = _parse(vector)
    scope_changed = metrics["S"] == "C"
    iss = 1 - ((1 - _CIA[metrics["C"]]) * (1 - _CIA[metrics["I"]]) * (1 - _CIA[metrics["A"]]))
    if scope_changed:
        impact = 7.52 * (iss - 0.029) - 3.25 * (iss - 0.02) ** 15
    else:
        impact = 6.42 * iss
    pr = (_PR_CHANGED if scope_changed else _PR_UNCHANGED)[metrics["PR"]]
    exploitability = 8.22 * _AV[metrics["AV"]] * _AC[metrics["AC"]] * pr * _UI[metrics["UI"]]
    if impact <= 0:
        return 0.0
    total = impact + exploitability
    return _roundup(min(1.08 * total if scope_changed else total, 10.0))


def _parse(vector: str) -> dict[str, str]:
    prefix, _, body = vector.strip().partition("/")
    if prefix not in ("CVSS:3.0", "CVSS:3.1") or not body:
        raise ValueError(f"not a CVSS v3 vector: {vector!r}")
    metrics: dict[str, str] = {}
    for part in body.split("/"):
        key, sep, value = part.partition(":")
        if not sep or key in metrics:
            raise ValueError(f"malformed metric {part!r} in CVSS vector {vector!r}")
        metrics[key] = value
    for key, allowed in _ALLOWED.items():
        if metrics.get(key) not in allowed:
            raise ValueError(f"CVSS vector {vector!r} lacks a valid {key} metric")
    return metrics


def _roundup(value: float) -> float:
    """The smallest number with one decimal that is >= ``value`` (CVSS v3.1 Appendix A)."""
    scaled = round(value * 100_000)
    if scaled % 10_000 == 0:
        return scaled / 100_000.0
    return (math.floor(scaled / 10_000) + 1) / 10.0


def severity_from_score(score: float) -> Severity:
    """Mamori severity of a CVSS score: CRITICAL >= 9, HIGH >= 7, MEDIUM >= 4, else LOW."""
    if score >= 9.0:
        return Severity.CRITICAL
    if score >= 7.0:
        return Severity.HIGH
    if score >= 4.0:
        return Severity.MEDIUM
    return Severity.LOW


def advisory_severity(vectors: Iterable[str], label: str = "") -> Severity:
    """The highest severity among valid CVSS v3 ``vectors``; else the label; else MEDIUM.

    ``label`` is a database-specific rating such as GitHub's ``"MODERATE"``.
    """
    scores: list[float] = []
    for vector in vectors:
        try:
            scores.append(base_score(vector))
        except ValueError:
            continue
    if scores:
        return severity_from_score(max(scores))
    return _LABELS.get(label.strip().upper(), DEFAULT_SEVERITY)
