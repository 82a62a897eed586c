"""dotenv auditor: literal secrets, default credentials, debug flags, development mode in prod.

Lines are ``[export ]NAME=value`` with ``#`` comments; values may be single- or double-quoted
(double quotes may span lines). Template files (``.env.example``, ``.sample``, ``.template``,
``.dist``) are only checked for secret values that look real (long and varied). Secret values
are never echoed, and rotating a leaked secret is a human job, so those checks are advise-only.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import PurePath
from typing import ClassVar

from mamori.analysers.config._secretnames import is_literal_secret, is_secret_name
from mamori.analysers.config._textedit import LineEdits
from mamori.analysers.config.interface import Check, ConfigAuditor, Violation
from mamori.model import CweId, Severity
from mamori.redact import marker

__all__ = ["DotenvAuditor"]

log = logging.getLogger(__name__)

_REF = "OWASP Secrets Management Cheat Sheet; Twelve-Factor App §III Config"
_LINE = re.compile(r"^\s*(?:export\s+)?(?P<name>[A-Za-z_][A-Za-z0-9_.-]*)\s*=\s*(?P<rest>.*)$")
_TEMPLATE_SUFFIXES = (".example", ".sample", ".template", ".dist", ".tpl")
_DEBUG_NAMES = frozenset({"DEBUG", "APP_DEBUG", "DJANGO_DEBUG", "FLASK_DEBUG", "RAILS_DEBUG"})
_ENV_NAMES = frozenset({"APP_ENV", "FLASK_ENV", "NODE_ENV", "RAILS_ENV", "ENVIRONMENT", "ENV"})
_DEV_VALUES = frozenset({"development", "dev", "local", "debug"})
_TRUE = frozenset({"true", "1", "yes", "on"})
_DEFAULTS = frozenset({"admin", "password", "changeme", "root", "secret", "123456", "postgres",
                       "test", "default", "guest", "letmein", "passw0rd", "admin123"})  # fmt: skip

SECRET = Check("DOTENV-SECRET", "Secret value in env file", Severity.HIGH, CweId(798), _REF,
               "Env files are copied, committed and baked into images; keep secrets in a secret "
               "store and rotate any value that was written here.", fixable=False)  # fmt: skip
DEFAULT_CREDENTIAL = Check("DOTENV-DEFAULT-CREDENTIAL", "Default or trivial credential",
                           Severity.HIGH, CweId(1392), _REF, "Well-known default passwords are "
                           "the first thing attackers try.", fixable=False)  # fmt: skip
DEBUG = Check("DOTENV-DEBUG", "Debug mode enabled", Severity.MEDIUM, CweId(489),
              "OWASP ASVS V14.3.2", "Debug modes leak stack traces and settings and may expose "
              "interactive consoles.")  # fmt: skip
DEV_ENV = Check("DOTENV-DEV-ENV", "Development mode in a production env file", Severity.MEDIUM,
                CweId(489), "OWASP ASVS V14.3.2", "A production file that selects development "
                "mode turns on debug behaviour and relaxed security defaults.",
                fixable=False)  # fmt: skip


@dataclass(frozen=True, slots=True)
class _Var:
    name: str
    value: str
    line: int
    start: int
    end: int


def _parse(text: str) -> list[_Var]:
    lines, out, i = text.splitlines(), [], 0
    while i < len(lines):
        raw, i = lines[i], i + 1
        no = i
        if not raw.strip() or raw.lstrip().startswith("#"):
            continue
        m = _LINE.match(raw)
        if m is None:
            raise ValueError(f"line {no}: not a NAME=value line")
        rest, start = m["rest"], m.start("rest")
        if rest[:1] in ("'", '"'):
            quote, body = rest[0], rest[1:]
            while quote not in body and quote == '"' and i < len(lines):
                body, i = body + "\n" + lines[i], i + 1  # double quotes may span lines
            if quote not in body:
                raise ValueError(f"line {no}: unterminated {quote} quote")
            value = body[: body.index(quote)]
            end = start + len(value) + 2 if "\n" not in value else start
        else:
            value = re.split(r"\s+#", rest, maxsplit=1)[0].strip()
            end = start + len(value)
        out.append(_Var(m["name"], value, no, start, end))
    return out


def _looks_real(value: str) -> bool:
    classes = sum(bool(re.search(p, value)) for p in (r"[a-z]", r"[A-Z]", r"\d", r"[^\w]"))
    return len(value) >= 16 and classes >= 3


def _is_production(path: str) -> bool:
    name = PurePath(path).name.lower()
    return bool(re.search(r"(^|[._-])(prod|production|live)([._-]|$)", name))


class DotenvAuditor(ConfigAuditor):
    """Audits .env files: literal secrets, default passwords, DEBUG, development mode in prod."""

    id: ClassVar[str] = "dotenv"
    file_names = frozenset({".env"})
    file_globs = (".env.*", "*.env")
    checks = (SECRET, DEFAULT_CREDENTIAL, DEBUG, DEV_ENV)
    cwes = frozenset(c.cwe for c in checks)
    validator = None

    def audit_text(self, text: str, path: str) -> list[Violation]:
        template = PurePath(path).name.lower().endswith(_TEMPLATE_SUFFIXES)
        out: list[Violation] = []
        for var in _parse(text):
            out += _check_var(var, template, _is_production(path))
        log.debug("%s: %d violations", path, len(out))
        return out

    def fix_text(self, text: str, violations: Sequence[Violation]) -> str:
        edits = LineEdits(text)
        by_line = {v.line: v for v in _parse(text)}
        for v in violations:
            var = by_line.get(v.line)
            if v.check is DEBUG and var is not None:
                current = edits.current(var.line)
                inner = current[var.start : var.end].replace(var.value, "false", 1)
                edits.replace(var.line, current[: var.start] + inner + current[var.end :])
        return edits.apply()


def _check_var(var: _Var, template: bool, production: bool) -> list[Violation]:
    upper, value = var.name.upper(), var.value.strip()
    shown = f"{var.name}={marker('secret')}"
    if is_secret_name(var.name) and value and is_literal_secret(value):
        if value.lower() in _DEFAULTS and not template:
            msg = f"{var.name} is set to a well-known default"
            return [Violation(DEFAULT_CREDENTIAL, var.line, msg, shown, var.name)]
        if not template or _looks_real(value):
            return [Violation(SECRET, var.line, f"{var.name} holds a literal secret", shown,
                              var.name)]  # fmt: skip
    if template:
        return []
    if upper in _DEBUG_NAMES and value.lower() in _TRUE:
        return [Violation(DEBUG, var.line, f"{var.name} enables debug mode",
                          f"{var.name}={value}", var.name)]  # fmt: skip
    if production and upper in _ENV_NAMES and value.lower() in _DEV_VALUES:
        return [Violation(DEV_ENV, var.line, f"{var.name}={value} in a production file",
                          f"{var.name}={value}", var.name)]  # fmt: skip
    return []
