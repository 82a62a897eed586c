from __future__ import annotations

import dataclasses

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mamori.model import (
    Confidence,
    CweId,
    Finding,
    Issue,
    Location,
    Severity,
    Target,
    TargetKind,
    line_fingerprint,
    weakness_class,
)

SRC = [
    "import sqlite3",
    "def find(conn, name):",
    "    return conn.execute(f\"SELECT * FROM a WHERE n = '{name}'\")",
]


def test_fingerprint_survives_lines_added_above() -> None:
    before = line_fingerprint("sql-injection", "app.py", SRC, 3)
    edited = ["# a new comment", "import os", "", *SRC]
    assert line_fingerprint("sql-injection", "app.py", edited, 6) == before


def test_fingerprint_ignores_indentation_changes() -> None:
    before = line_fingerprint("sql-injection", "app.py", SRC, 3)
    reindented = [*SRC[:2], "        " + SRC[2].strip()]
    assert line_fingerprint("sql-injection", "app.py", reindented, 3) == before


def test_identical_lines_get_distinct_fingerprints() -> None:
    lines = ["eval(x)", "pass", "eval(x)"]
    assert line_fingerprint("code-injection", "a.py", lines, 1) != line_fingerprint(
        "code-injection", "a.py", lines, 3
    )


def test_fingerprint_depends_on_path_and_weakness() -> None:
    fp = line_fingerprint("sql-injection", "a.py", SRC, 3)
    assert fp != line_fingerprint("sql-injection", "b.py", SRC, 3)
    assert fp != line_fingerprint("xss", "a.py", SRC, 3)


@given(st.lists(st.text(alphabet="abc ()=\n", max_size=12), max_size=8))
def test_fingerprint_stable_under_prefix(prefix: list[str]) -> None:
    prefix = [p.replace("\n", "") for p in prefix if "SELECT" not in p]
    base = line_fingerprint("sql-injection", "app.py", SRC, 3)
    shifted = line_fingerprint("sql-injection", "app.py", prefix + SRC, len(prefix) + 3)
    assert shifted == base


def test_weakness_classes_merge_related_cwes_and_keep_unknown_apart() -> None:
    assert weakness_class((CweId(78),), "B602") == weakness_class((CweId(77),), "x")
    assert weakness_class((CweId(798),), "a") == weakness_class((CweId(259),), "b")
    assert weakness_class((CweId(4242),), "r") == "cwe-4242"
    assert weakness_class((), "R1") != weakness_class((), "R2")


def test_severity_and_confidence_parse_and_order() -> None:
    assert Severity.parse("High") is Severity.HIGH
    assert Severity.CRITICAL > Severity.HIGH > Severity.INFO
    with pytest.raises(ValueError, match="choose one of"):
        Severity.parse("urgent")
    assert Confidence.parse("low").weight < Confidence.HIGH.weight


def _finding(**kw: object) -> Finding:
    base: dict[str, object] = dict(  # noqa: C408
        analyser="a", analyser_version="1", rule_id="R", title="t", message="m",
        severity=Severity.LOW, confidence=Confidence.LOW, location=Location("f.py", 1, 1),
        fingerprint="ff",
    )  # fmt: skip
    base.update(kw)
    return Finding(**base)  # type: ignore[arg-type]


def test_invariants_are_checked_at_construction() -> None:
    with pytest.raises(ValueError):
        _finding(rule_id="")
    with pytest.raises(ValueError):
        Location("f.py", 10, 2)
    with pytest.raises(ValueError):
        Target(TargetKind.FILE, "/x", "")
    with pytest.raises(ValueError):
        Issue("ff", (), Severity.LOW, 0.5, "review", "r")  # type: ignore[arg-type]
    f = _finding()
    with pytest.raises(ValueError):
        Issue("ff", (f,), Severity.LOW, 1.5, "review", "r")  # type: ignore[arg-type]


def test_values_are_frozen() -> None:
    f = _finding()
    with pytest.raises(dataclasses.FrozenInstanceError):
        f.rule_id = "other"  # type: ignore[misc]
    assert dataclasses.replace(f, rule_id="other").rule_id == "other"
