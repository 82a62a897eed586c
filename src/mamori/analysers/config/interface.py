"""The configuration-auditor contract: pure text → violations, and text → fixed text.

A config auditor is an :class:`~mamori.analysers.interface.Analyser` whose real work is two
pure functions over file *text*, so the remediation stage can re-audit a patched copy without
touching the original:

- ``audit_text(text, path)`` → the :class:`Violation` list for that content;
- ``fix_text(text, violations)`` → new content fixing as many of them as it can, by a
  structured edit that keeps comments, ordering and formatting (never a whole-file rewrite).

Each auditor declares its :class:`Check` catalogue (id, title, severity, CWE or CIS-style
reference, rationale) and the native validator that proves a patched file still loads.
"""

from __future__ import annotations

import abc
import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePath
from typing import ClassVar

from mamori.analysers.interface import Analyser, read_lines
from mamori.model import (
    Confidence,
    CweId,
    Finding,
    Location,
    Severity,
    Skipped,
    Target,
    TargetKind,
    line_fingerprint,
)


@dataclass(frozen=True, slots=True)
class Check:
    """One configuration check."""

    id: str
    """Stable id, e.g. ``SSHD-ROOT-LOGIN``."""
    title: str
    """Short title."""
    severity: Severity
    """Severity when violated."""
    cwe: CweId
    """Closest CWE."""
    reference: str
    """CIS-style or vendor guidance reference (e.g. ``CIS Debian 12 §5.1.20``)."""
    rationale: str
    """Why it matters, one or two sentences."""
    fixable: bool = True
    """Whether ``fix_text`` can fix it automatically."""
    lockout_risk: bool = False
    """True for changes that can lock people out (advise-only, never auto-applied)."""


@dataclass(frozen=True, slots=True)
class Violation:
    """One failed check at one place in one file."""

    check: Check
    """The check that failed."""
    line: int
    """1-based line of the offending (or, for a missing setting, the anchor) line; 0 = file."""
    message: str
    """What is wrong here, in words (no secret values)."""
    evidence: str = ""
    """The offending line, redacted."""
    context: str = ""
    """Block or section the line is in (``Match User backup``, ``server :443``)."""
    fix: dict[str, str] = field(default_factory=dict)
    """Hints for ``fix_text`` (e.g. the value to set)."""


@dataclass(frozen=True, slots=True)
class Validator:
    """How to prove a (patched) file still loads with the real program."""

    program: str
    """Executable name looked up on PATH and in /usr/sbin, /usr/bin."""
    args: tuple[str, ...]
    """Arguments; ``{file}`` is replaced by the sandboxed file's path, ``{dir}`` by its folder."""
    package: str
    """Debian package that provides it (for error hints)."""


class ConfigAuditor(Analyser):
    """Base for config auditors: subclasses implement ``audit_text`` and ``fix_text``."""

    kinds = frozenset({TargetKind.FILE})
    file_names: ClassVar[frozenset[str]] = frozenset()
    """Exact file names this auditor takes (``sshd_config``)."""
    file_globs: ClassVar[tuple[str, ...]] = ()
    """Glob patterns on the file name (``*.conf`` under ``nginx``…) it also takes."""
    checks: ClassVar[tuple[Check, ...]] = ()
    """The check catalogue."""
    validator: ClassVar[Validator | None] = None
    """Native validator for patched files; None when only a parser check applies."""
    lightweight: ClassVar[bool] = True
    format_version: ClassVar[str] = "1"
    """Bumped whenever checks change."""

    @property
    def version(self) -> str:
        return f"mamori-{self.id}-{self.format_version}"

    def accepts(self, target: Target) -> bool:
        if target.kind is not TargetKind.FILE:
            return False
        p = PurePath(target.locator)
        return p.name in self.file_names or any(p.match(g) for g in self.file_globs)

    @abc.abstractmethod
    def audit_text(self, text: str, path: str) -> list[Violation]:
        """Every violation in ``text`` (the content of ``path``)."""

    def prepare_sandbox(self, folder: Path, file: Path) -> dict[str, str]:
        """Create what the validator needs beside the sandboxed ``file`` (host keys, certs…).

        Returns extra ``{placeholder}`` values for the validator's arguments. Default: none.
        """
        return {}

    def fix_text(self, text: str, violations: Sequence[Violation]) -> str:
        """``text`` with the fixable violations fixed; default: unchanged."""
        return text

    def analyse(self, targets: Sequence[Target]) -> Iterable[Finding | Skipped]:
        for t in targets:
            try:
                with open(t.locator, encoding="utf-8") as fh:
                    text = fh.read()
            except (OSError, UnicodeDecodeError) as e:
                yield Skipped(t.name, f"cannot read config: {e}", self.id)
                continue
            try:
                violations = self.audit_text(text, t.locator)
            except ValueError as e:
                yield Skipped(t.name, f"cannot parse as {self.id} config: {e}", self.id)
                continue
            lines = read_lines(t.locator)
            for v in violations:
                yield self.to_finding(v, t, lines)

    def to_finding(self, v: Violation, target: Target, lines: list[str]) -> Finding:
        """Map a violation to a Finding (fingerprint anchored on check + line text)."""
        c = v.check
        anchor = v.line if v.line else 0
        fp_lines = lines if anchor else [f"{c.id}:{v.context}"]
        fingerprint = line_fingerprint(f"config:{c.id}", target.name, fp_lines, anchor or 1)
        return Finding(
            analyser=self.id, analyser_version=self.version, rule_id=c.id, title=c.title,
            message=v.message, severity=c.severity, confidence=Confidence.HIGH,
            location=Location(target.name, anchor, anchor), fingerprint=fingerprint,
            cwe=(c.cwe,), evidence=v.evidence[:200],
            properties={"reference": c.reference, "rationale": c.rationale,
                        "context": v.context, "fixable": c.fixable,
                        "lockout_risk": c.lockout_risk},
        )  # fmt: skip


def content_sha256(text: str) -> str:
    """Hash of file content, used to refuse patching a file that changed since the scan."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
