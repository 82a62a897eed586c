"""Turn config findings into one minimal patch per file, using the auditor's structured fix."""

from __future__ import annotations

import difflib
import hashlib
import logging
from collections import defaultdict
from collections.abc import Iterable, Sequence
from pathlib import Path

from mamori.analysers.config.interface import ConfigAuditor, Violation, content_sha256
from mamori.analysers.interface import AnalyserSettings
from mamori.analysers.registry import load
from mamori.model import Finding, Fingerprint, Patch, PatchStatus

log = logging.getLogger(__name__)


def config_auditor(analyser_id: str, root: str = ".") -> ConfigAuditor | None:
    """The auditor instance for ``analyser_id`` when it is a config auditor, else None."""
    try:
        cls = load(analyser_id)
    except Exception:  # noqa: BLE001 - an unknown id simply has no patch generator
        return None
    if not issubclass(cls, ConfigAuditor):
        return None
    return cls(AnalyserSettings(root=root))


def propose(findings: Iterable[Finding], root: str) -> list[Patch]:
    """One patch per (file, auditor) covering every fixable finding there."""
    groups: dict[tuple[str, str], list[Finding]] = defaultdict(list)
    for f in findings:
        if f.properties.get("fixable") is not False:
            groups[(f.analyser, f.location.path)].append(f)
    patches = []
    for (analyser_id, shown), group in sorted(groups.items()):
        auditor = config_auditor(analyser_id, root)
        if auditor is None:
            continue
        for risky in (False, True):
            patch = _patch_for(auditor, Path(root) / shown, shown, group, lockout=risky)
            if patch is not None:
                patches.append(patch)
    return patches


def _patch_for(auditor: ConfigAuditor, path: Path, shown: str, group: Sequence[Finding],
               *, lockout: bool) -> Patch | None:  # fmt: skip
    """The patch for the safe fixes (``lockout=False``) or the lock-out-prone ones (advise-only)."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        log.warning("cannot read %s to patch it: %s", path, e)
        return None
    wanted = {f.rule_id for f in group}
    violations = [v for v in auditor.audit_text(text, str(path)) if v.check.id in wanted]
    fixable = [v for v in violations if v.check.fixable and v.check.lockout_risk == lockout]
    if not fixable:
        return None
    new = auditor.fix_text(text, fixable)
    if new == text:
        return None
    diff = unified_diff(text, new, shown)
    return Patch(
        id=hashlib.sha256(f"{shown}\n{diff}".encode()).hexdigest()[:12],
        path=str(path.resolve()),
        display_path=shown,
        diff=diff,
        fixes=tuple(Fingerprint(f.fingerprint) for f in group if f.rule_id in _ids(fixable)),
        checks=tuple(sorted(_ids(fixable))),
        original_sha256=content_sha256(text),
        new_content=new,
        analyser=auditor.id,
        status=PatchStatus.ADVISE_ONLY if lockout else PatchStatus.PROPOSED,
        verification=(("advise-only: lock-out-prone change, never applied automatically",)
                      if lockout else ()),
    )  # fmt: skip


def _ids(violations: Sequence[Violation]) -> set[str]:
    return {v.check.id for v in violations}


def unified_diff(old: str, new: str, shown: str) -> str:
    """A unified diff with ``a/`` and ``b/`` prefixes and 3 lines of context."""
    lines = difflib.unified_diff(old.splitlines(keepends=True), new.splitlines(keepends=True),
                                 fromfile=f"a/{shown}", tofile=f"b/{shown}")  # fmt: skip
    return "".join(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n"
                   for line in lines)  # fmt: skip
