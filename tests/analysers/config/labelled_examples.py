"""Shared checks for labelled config examples (postgres, pg_hba, redis, dockerfile…).

Every example file starts with a manifest comment ``# expect: ID1, ID2`` (fail files) or
``# expect: none`` (pass files). The helpers below run an auditor over them and check the fix
contract: fixed text re-audits clean of fixable checks, adds no violation, touches few lines,
keeps comments and is idempotent.
"""

from __future__ import annotations

import difflib
import re
from pathlib import Path

from mamori.analysers.config.interface import ConfigAuditor

EXAMPLES = Path(__file__).parent / "examples"
_EXPECT = re.compile(r"^\s*#\s*expect:\s*(?P<ids>.*)$", re.MULTILINE)


def example_files(auditor: str, kind: str) -> list[Path]:
    """The example files of ``auditor`` under ``fail`` or ``pass``, sorted."""
    files = sorted(p for p in (EXAMPLES / auditor / kind).iterdir() if p.is_file())
    assert files, f"no {kind} examples for {auditor}"
    return files


def expected_ids(path: Path) -> set[str]:
    """The check ids a file's manifest line says it must trigger."""
    m = _EXPECT.search(path.read_text(encoding="utf-8"))
    assert m, f"{path} has no '# expect:' manifest line"
    ids = {i.strip() for i in m["ids"].split(",") if i.strip()}
    return set() if ids == {"none"} else ids


def triggered(auditor: ConfigAuditor, text: str, path: str = "example") -> set[str]:
    """The check ids the auditor reports on ``text``."""
    return {v.check.id for v in auditor.audit_text(text, path)}


def changed_lines(before: str, after: str) -> int:
    """How many lines were added or removed between two texts."""
    diff = difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=0)
    return sum(1 for d in diff if d[:1] in "+-" and not d.startswith(("+++", "---")))


def comment_lines(text: str) -> list[str]:
    """Stripped comment lines of a ``#``-commented text."""
    return [ln.strip() for ln in text.splitlines() if ln.strip().startswith("#")]


def check_fix_contract(auditor: ConfigAuditor, path: Path, max_lines_per_fix: int = 2) -> str:
    """Fix a fail example and assert the fix contract; returns the fixed text."""
    text = path.read_text(encoding="utf-8")
    violations = auditor.audit_text(text, str(path))
    fixable = {v.check.id for v in violations if v.check.fixable}
    fixed = auditor.fix_text(text, violations)
    after = auditor.audit_text(fixed, str(path))
    after_ids = {v.check.id for v in after}
    assert not after_ids & fixable, f"{path.name}: still failing {after_ids & fixable}"
    assert after_ids <= {v.check.id for v in violations}, f"{path.name}: new {after_ids}"
    assert len(after) <= len(violations)
    fixable_count = sum(1 for v in violations if v.check.fixable)
    assert 0 < changed_lines(text, fixed) <= max_lines_per_fix * fixable_count or not fixable
    for comment in comment_lines(text):
        assert comment in fixed, f"{path.name}: comment lost: {comment!r}"
    assert auditor.fix_text(fixed, after) == fixed, f"{path.name}: fix is not idempotent"
    return fixed
