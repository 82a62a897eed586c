"""CVSS v3 base scores (published reference scores) and the severity mapping."""

from __future__ import annotations

import pytest

from mamori.analysers.deps.cvss import advisory_severity, base_score, severity_from_score
from mamori.model import Severity


@pytest.mark.parametrize(
    ("vector", "score"),
    [
        ("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", 9.8),
        ("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H", 10.0),
        ("CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N", 6.1),
        ("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H", 7.5),
        ("CVSS:3.0/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H", 7.8),
        ("CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:N/A:N", 5.9),
        ("CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:C/C:L/I:L/A:N", 6.4),
        ("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:N", 0.0),
        ("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/E:P/RL:O", 9.8),  # temporal ignored
    ],
)
def test_reference_scores(vector: str, score: float) -> None:
    assert base_score(vector) == score


@pytest.mark.parametrize(
    "vector",
    ["", "CVSS:2.0/AV:N/AC:L/Au:N/C:P/I:P/A:P", "CVSS:3.1/AV:N/AC:L",
     "CVSS:3.1/AV:X/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
     "CVSS:3.1/AV:N/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "CVSS:3.1/garbage"],
)  # fmt: skip
def test_invalid_vectors_raise(vector: str) -> None:
    with pytest.raises(ValueError, match="CVSS"):
        base_score(vector)


@pytest.mark.parametrize(
    ("score", "severity"),
    [(10.0, Severity.CRITICAL), (9.0, Severity.CRITICAL), (8.9, Severity.HIGH),
     (7.0, Severity.HIGH), (6.9, Severity.MEDIUM), (4.0, Severity.MEDIUM),
     (3.9, Severity.LOW), (0.0, Severity.LOW)],
)  # fmt: skip
def test_severity_thresholds(score: float, severity: Severity) -> None:
    assert severity_from_score(score) is severity


def test_advisory_severity_takes_the_highest_valid_vector() -> None:
    vectors = ["CVSS:3.1/bad", "CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N",
               "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H"]  # fmt: skip
    assert advisory_severity(vectors) is Severity.HIGH
    assert advisory_severity(["CVSS:3.1/bad"], "critical") is Severity.CRITICAL
    assert advisory_severity([], "unheard-of") is Severity.MEDIUM
