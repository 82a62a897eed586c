"""Shared checks for labelled config examples (``examples/<auditor>/{fail,pass}/``).

Each example file declares what it must trigger in a leading comment: ``# expect: ID1, ID2``
for fail files, ``# expect: none`` for pass files.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from pathlib import Path

from mamori.analysers.config.interface import ConfigAuditor

EXAMPLES = Path(__file__).parent / "examples"
_EXPECT = re.compile(r"^\s*[#;]\s*expect:\s*(?P<ids>.*)$", re.MULTILINE)


@dataclass(frozen=True)
class Example:
    """One labelled example file."""

    path: Path
    expected: frozenset[str]
    failing: bool

    @property
    def text(self) -> str:
        return self.path.read_text(encoding="utf-8")


def examples(auditor: str) -> list[Example]:
    """Every labelled example of ``auditor``; each must carry an ``expect`` line."""
    out = []
    for kind in ("fail", "pass"):
        for path in sorted((EXAMPLES / auditor / kind).iterdir()):
            m = _EXPECT.search(path.read_text(encoding="utf-8"))
            assert m, f"{path} has no '# expect:' line"
            ids = m["ids"].strip()
            expected = (
                frozenset()
                if ids == "none"
                else frozenset(i.strip() for i in ids.split(",") if i.strip())
            )
            out.append(Example(path, expected, kind == "fail"))
    return out


def changed_lines(before: str, after: str) -> int:
    """Number of removed + added lines between two texts."""
    diff = difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=0)
    return sum(1 for d in diff if d[:1] in "+-" and not d.startswith(("+++", "---")))


def comment_lines(text: str, marker: str = "#") -> list[str]:
    """Every full-line comment in ``text``."""
    return [ln.strip() for ln in text.splitlines() if ln.strip().startswith(marker)]


def assert_fix(auditor: ConfigAuditor, example: Example, path: str, max_changed: int) -> str:
    """Fix ``example``; assert the re-audit is clean, the diff small, comments kept, idempotent."""
    text = example.text
    before = auditor.audit_text(text, path)
    fixed = auditor.fix_text(text, before)
    after = auditor.audit_text(fixed, path)
    fixable = {v.check.id for v in before if v.check.fixable}
    assert not fixable & {v.check.id for v in after}, [v.message for v in after]
    old_keys = {(v.check.id, v.context) for v in before}
    new = [v for v in after if (v.check.id, v.context) not in old_keys]
    assert not new, [v.message for v in new]
    changed = changed_lines(text, fixed)
    assert changed <= max_changed
    assert (changed > 0) == bool(fixable)
    assert set(comment_lines(text)) <= set(comment_lines(fixed))
    assert auditor.fix_text(fixed, after) == fixed
    return fixed
