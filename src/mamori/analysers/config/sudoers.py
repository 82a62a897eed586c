"""sudoers auditor: passwordless full root, disabled authentication, environment weakening,
wildcard arguments, commands that allow a shell escape, and commands in user-writable paths.

Paths are judged by their text only (the real filesystem is never inspected). Fix policy:
every sudoers change can cut someone off from root, so the two auto-fixes that restore
authentication (dropping ``NOPASSWD:`` on ``ALL``, commenting out ``!authenticate``) carry
``lockout_risk`` and are advise-only; commenting out an environment-weakening ``Defaults`` line
is safe (it only restores sudo's default ``env_reset``). Findings that need a person to choose
the allowed arguments (wildcards, shell escapes, writable paths, broad group grants) are not
auto-fixable. ``#include``/``@includedir`` lines are not followed.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from pathlib import PurePosixPath
from typing import ClassVar

from mamori.analysers.config._lineedit import Edit, apply_edits, comment_out
from mamori.analysers.config._sudoers_checks import ADMIN_GROUPS, CHECKS, ESCAPES, by_id
from mamori.analysers.config._sudoers_parse import Command, Entry, parse
from mamori.analysers.config.interface import Check, ConfigAuditor, Validator, Violation
from mamori.model import CweId

__all__ = ["SudoersAuditor"]

logger = logging.getLogger(__name__)

# Directories whose contents ordinary users can usually write (matched as text, never opened).
_WRITABLE = ("/tmp/", "/var/tmp/", "/dev/shm/", "/home/", "/run/user/", "/var/www/", "./", "../")  # noqa: S108
_ENV_RISK = re.compile(r"!env_reset|env_keep\s*\+?=.*\b(LD_PRELOAD|LD_LIBRARY_PATH|PYTHONPATH|"
                       r"PERL5LIB|PERL5OPT|RUBYLIB|BASH_ENV|ENV)\b|!secure_path")  # fmt: skip


class SudoersAuditor(ConfigAuditor):
    """Audits sudo policy (``/etc/sudoers`` and ``sudoers.d``) for privilege-escalation paths."""

    id = "sudoers"
    file_names: ClassVar[frozenset[str]] = frozenset({"sudoers"})
    file_globs: ClassVar[tuple[str, ...]] = ("sudoers.d/*",)
    checks: ClassVar[tuple[Check, ...]] = CHECKS
    cwes: ClassVar[frozenset[CweId]] = frozenset(c.cwe for c in CHECKS)
    validator: ClassVar[Validator | None] = Validator("visudo", ("-c", "-f", "{file}"), "sudo")

    def audit_text(self, text: str, path: str) -> list[Violation]:
        out: list[Violation] = []
        for e in parse(text):
            if e.kind == "include":
                logger.debug("%s:%d: %s not followed", path, e.line, e.text)
            elif e.kind == "defaults":
                out.extend(_audit_defaults(e))
            elif e.kind == "spec":
                out.extend(_audit_spec(e))
        return sorted(out, key=lambda v: (v.line, v.check.id))

    def fix_text(self, text: str, violations: Sequence[Violation]) -> str:
        lines = text.splitlines()
        edits = [_edit(v, lines) for v in violations if v.check.fixable and v.fix]
        return apply_edits(text, [e for e in edits if e is not None])


def _v(check_id: str, e: Entry, msg: str, fix: dict[str, str] | None = None) -> Violation:
    return Violation(by_id(check_id), e.line, msg, e.text[:200], e.who or "Defaults", fix or {})


def _audit_defaults(e: Entry) -> list[Violation]:
    out = []
    if re.search(r"(^|[\s,])!\s*authenticate\b", e.text):
        out.append(_v("SUDO-NO-AUTHENTICATE", e, "Defaults disables authentication",
                      {"action": "comment", "note": "sudo must authenticate"}))  # fmt: skip
    if _ENV_RISK.search(e.text):
        fix = {"action": "comment", "note": "restore env_reset / secure_path"}
        msg = "Defaults lets callers' environment reach root"
        out.append(_v("SUDO-ENV-WEAKENED", e, msg, fix))
    return out


def _audit_spec(e: Entry) -> list[Violation]:
    out: list[Violation] = []
    cmds = [c for c in e.commands if not c.negated]
    if any(c.text == "ALL" and "NOPASSWD" in c.tags for c in cmds):
        msg = f"{e.who} may run any command as root without a password"
        out.append(_v("SUDO-NOPASSWD-ALL", e, msg, {"action": "drop_nopasswd"}))
    if any(c.text == "ALL" for c in cmds) and not _is_admin(e.who):
        out.append(_v("SUDO-ALL-NON-ADMIN", e, f"{e.who} (not an admin group) may run ALL"))
    for c in cmds:
        out.extend(_audit_command(e, c))
    return out


def _is_admin(who: str) -> bool:
    names = [w.strip() for w in who.split(",")]
    return all(n == "root" or n.lstrip("%") in ADMIN_GROUPS for n in names)


def _audit_command(e: Entry, c: Command) -> list[Violation]:
    if c.text == "ALL" or c.text.startswith("sudoedit") or re.fullmatch(r"[A-Z][A-Z0-9_]*", c.text):
        return []
    path, _, args = c.text.partition(" ")
    out = []
    if any(ch in c.text for ch in "*?[") and not args.strip() == '""':
        out.append(_v("SUDO-WILDCARD-ARGS", e, f"{path} is allowed with wildcard arguments"))
    name = PurePosixPath(path).name
    if (name in ESCAPES or re.fullmatch(r"(python|perl|ruby|php|lua|node)[\d.]*", name)) and (
        "NOEXEC" not in c.tags or name in {"sh", "bash", "dash", "zsh", "ksh", "su"}
    ):
        out.append(_v("SUDO-SHELL-ESCAPE", e, f"{path} can spawn a root shell"))
    if path.startswith(_WRITABLE) or not path.startswith("/"):
        out.append(_v("SUDO-WRITABLE-CMD", e, f"{path} is in a user-writable or relative path"))
    return out


def _edit(v: Violation, lines: list[str]) -> Edit | None:
    if not 1 <= v.line <= len(lines):
        return None
    line = lines[v.line - 1]
    if v.fix.get("action") == "comment":
        return Edit(v.line, "replace", (comment_out(line, v.fix["note"]),))
    if v.fix.get("action") == "drop_nopasswd":
        new = re.sub(r"\bNOPASSWD:\s*(?=ALL\b)", "", line)
        if new == line:
            new = re.sub(r"(,\s*)ALL\b", r"\1PASSWD: ALL", line, count=1)
        return Edit(v.line, "replace", (new,)) if new != line else None
    return None
