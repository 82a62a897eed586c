"""A tiny key = value config auditor for remediation tests (real validator: `sh -c`)."""

from __future__ import annotations

import re
from collections.abc import Sequence

from mamori.analysers.config.interface import Check, ConfigAuditor, Validator, Violation
from mamori.model import CweId, Severity

DEBUG = Check("KV-DEBUG", "Debug mode on", Severity.MEDIUM, CweId(489), "demo §1", "leaks data")
ROOT = Check("KV-ROOT", "Runs as root", Severity.HIGH, CweId(250), "demo §2", "too much power",
             lockout_risk=True)  # fmt: skip
SECRET = Check("KV-SECRET", "Literal secret", Severity.HIGH, CweId(798), "demo §3", "rotate it",
               fixable=False)  # fmt: skip
_LINE = re.compile(r"^(\s*)(\w+)(\s*=\s*)(\S+)(.*)$")


class KeyValueAuditor(ConfigAuditor):
    """Audits `app.kv` files: debug must be off, user must not be root, no literal secret."""

    id = "kvconf"
    file_names = frozenset({"app.kv"})
    checks = (DEBUG, ROOT, SECRET)
    validator = Validator("sh", ("-c", "! grep -q BROKEN {file}"), "dash")

    def audit_text(self, text: str, path: str) -> list[Violation]:
        out = []
        for n, line in enumerate(text.splitlines(), 1):
            if "{{" in line:
                raise ValueError(f"line {n}: template syntax is not config")
            m = _LINE.match(line)
            if not m:
                continue
            key, value = m.group(2).lower(), m.group(4)
            if key == "debug" and value != "off":
                out.append(Violation(DEBUG, n, "debug is on", line.strip(), fix={"value": "off"}))
            if key == "user" and value == "root":
                out.append(Violation(ROOT, n, "runs as root", line.strip(), fix={"value": "app"}))
            if key == "secret":
                out.append(Violation(SECRET, n, "literal secret", "secret = [REDACTED]"))
        return out

    def fix_text(self, text: str, violations: Sequence[Violation]) -> str:
        lines = text.splitlines(keepends=True)
        for v in violations:
            if not v.check.fixable or not v.line:
                continue
            m = _LINE.match(lines[v.line - 1].rstrip("\n"))
            if m:
                lines[v.line - 1] = (f"{m.group(1)}{m.group(2)}{m.group(3)}{v.fix['value']}"
                                     f"{m.group(5)}\n")  # fmt: skip
        return "".join(lines)


class BrokenFixAuditor(KeyValueAuditor):
    """Claims to fix debug but writes a value the validator rejects."""

    id = "kvbroken"

    def fix_text(self, text: str, violations: Sequence[Violation]) -> str:
        return text.replace("debug = on", "debug = off BROKEN")


class NoopFixAuditor(KeyValueAuditor):
    """Claims a fix that changes an unrelated line (re-audit must catch it)."""

    id = "kvnoop"

    def fix_text(self, text: str, violations: Sequence[Violation]) -> str:
        return text.replace("name = demo", "name = demo2")


def kv_findings(root: object, analyser: str = "kvconf") -> list:  # type: ignore[type-arg]
    """Findings of a registered kv auditor on ``root/svc/app.kv``."""
    from pathlib import Path

    from mamori.analysers import registry
    from mamori.analysers.interface import AnalyserSettings
    from mamori.model import Finding, Target, TargetKind

    cls = registry.load(analyser)
    path = Path(str(root)) / "svc" / "app.kv"
    t = Target(TargetKind.FILE, str(path), "test", "svc/app.kv")
    return [f for f in cls(AnalyserSettings(root=str(root))).analyse([t]) if isinstance(f, Finding)]
