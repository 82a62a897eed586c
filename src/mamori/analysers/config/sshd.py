"""OpenSSH server (``sshd_config``) auditor.

Evaluates the global section and every ``Match`` block with sshd's own semantics: keywords are
case-insensitive, the first value wins, and a ``Match`` block overrides the global value for the
connections it matches — so a ``Match`` that re-enables password or root login is reported with
the ``Match`` line as context. Settings whose OpenSSH default is insecure (``MaxAuthTries``,
``LoginGraceTime``, ``ClientAliveInterval``, ``PasswordAuthentication``) are reported when absent
from a main ``sshd_config`` (not from ``sshd_config.d`` fragments), anchored at the line where
the fix inserts them: before the first ``Match`` block. ``Include`` lines are not followed; a
missing-setting message names them, since an included file may set the value first.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePath
from typing import ClassVar

from mamori.analysers.config import _sandbox
from mamori.analysers.config import _sshd_algos as algos
from mamori.analysers.config._lineedit import Edit, apply_edits, comment_out, set_value
from mamori.analysers.config._sshd_checks import CHECKS, by_id
from mamori.analysers.config._sshd_parse import Block, Directive, SshdConfig, parse, words
from mamori.analysers.config.interface import Check, ConfigAuditor, Validator, Violation
from mamori.model import CweId

__all__ = ["SshdAuditor"]

logger = logging.getLogger(__name__)


def _time_seconds(text: str) -> int:
    """sshd time format (``90``, ``2m``, ``1m30s``) in seconds."""
    units = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
    total, number = 0, ""
    for ch in text.lower():
        if ch.isdigit():
            number += ch
        elif ch in units and number:
            total, number = total + int(number) * units[ch], ""
        else:
            raise ValueError(f"invalid sshd time value {text!r}")
    return total + int(number or 0)


def _int(text: str) -> int:
    try:
        return int(text)
    except ValueError as e:
        raise ValueError(f"expected a number, got {text!r}") from e


@dataclass(frozen=True, slots=True)
class _ValueRule:
    """A keyword whose (first) value is insecure when ``bad`` says so."""

    key: str
    """Keyword, lower-case."""
    check_id: str
    """Check it reports."""
    bad: Callable[[str], bool]
    """Predicate on the lower-cased first argument."""
    fix: str
    """Value that fixes it."""
    absent_bad: bool = False
    """Whether the program default (setting absent) is insecure."""
    match_only: bool = False
    """Only checked inside ``Match`` blocks."""
    keyword: str = ""
    """Canonical spelling, used when inserting the directive."""


_RULES: tuple[_ValueRule, ...] = (
    _ValueRule("permitrootlogin", "SSHD-PERMIT-ROOT-LOGIN",
               lambda v: v not in {"no", "prohibit-password", "without-password"}, "no"),
    _ValueRule("passwordauthentication", "SSHD-PASSWORD-AUTH", lambda v: v != "no", "no",
               absent_bad=True, keyword="PasswordAuthentication"),
    _ValueRule("permitemptypasswords", "SSHD-PERMIT-EMPTY-PASSWORDS", lambda v: v != "no", "no"),
    _ValueRule("x11forwarding", "SSHD-X11-FORWARDING", lambda v: v != "no", "no"),
    _ValueRule("maxauthtries", "SSHD-MAX-AUTH-TRIES", lambda v: _int(v) > 4, "4",
               absent_bad=True, keyword="MaxAuthTries"),
    _ValueRule("logingracetime", "SSHD-LOGIN-GRACE-TIME",
               lambda v: _time_seconds(v) == 0 or _time_seconds(v) > 60, "60",
               absent_bad=True, keyword="LoginGraceTime"),
    _ValueRule("clientaliveinterval", "SSHD-CLIENT-ALIVE", lambda v: _time_seconds(v) == 0,
               "300", absent_bad=True, keyword="ClientAliveInterval"),
    _ValueRule("protocol", "SSHD-PROTOCOL-1", lambda v: "1" in v.split(","), "2"),
    _ValueRule("useprivilegeseparation", "SSHD-PRIVSEP-OFF", lambda v: v == "no", "sandbox"),
    _ValueRule("hostbasedauthentication", "SSHD-HOSTBASED-AUTH", lambda v: v != "no", "no"),
    _ValueRule("ignorerhosts", "SSHD-IGNORE-RHOSTS", lambda v: v == "no", "yes"),
    _ValueRule("permituserenvironment", "SSHD-PERMIT-USER-ENV", lambda v: v != "no", "no"),
    _ValueRule("allowtcpforwarding", "SSHD-MATCH-TCP-FORWARDING", lambda v: v != "no", "no",
               match_only=True),
)  # fmt: skip


class SshdAuditor(ConfigAuditor):
    """Audits OpenSSH server configuration against CIS / Mozilla OpenSSH hardening guidance."""

    id = "sshd"
    file_names: ClassVar[frozenset[str]] = frozenset({"sshd_config"})
    file_globs: ClassVar[tuple[str, ...]] = ("sshd_config.d/*.conf",)
    checks: ClassVar[tuple[Check, ...]] = CHECKS
    cwes: ClassVar[frozenset[CweId]] = frozenset(c.cwe for c in CHECKS)
    validator: ClassVar[Validator | None] = Validator(
        "sshd", ("-t", "-f", "{file}", "-o", "HostKey={hostkey}"), "openssh-server"
    )

    def prepare_sandbox(self, folder: Path, file: Path) -> dict[str, str]:
        """A throwaway host key, so ``sshd -t`` runs without the server's real keys."""
        return {"hostkey": str(_sandbox.ssh_host_key(folder))}

    def audit_text(self, text: str, path: str) -> list[Violation]:
        config = parse(text)
        is_main = PurePath(path).name == "sshd_config"
        out: list[Violation] = []
        for block in config.blocks:
            out.extend(_audit_block(block))
        if is_main:
            out.extend(_audit_absent(config, text))
        for inc in config.includes:
            logger.debug("%s:%d: Include %s not followed", path, inc.line, inc.args)
        return sorted(out, key=lambda v: (v.line, v.check.id))

    def fix_text(self, text: str, violations: Sequence[Violation]) -> str:
        lines = text.splitlines()
        edits = [_edit(v, lines) for v in violations if v.check.fixable and v.fix]
        return apply_edits(text, [e for e in edits if e is not None])


def _audit_block(block: Block) -> list[Violation]:
    out: list[Violation] = []
    in_match = block.header is not None
    for rule in _RULES:
        d = block.first(rule.key)
        if d is None or (rule.match_only and not in_match) or not d.args:
            continue
        value = words(d.args)[0].lower()
        if rule.bad(value):
            where = f"in {block.context}" if in_match else "globally"
            msg = f"{d.raw.strip().split()[0]} is set to {value!r} {where}"
            out.append(
                _violation(rule.check_id, d, msg, block, {"action": "set", "value": rule.fix})
            )
    for d in block.directives:
        out.extend(_audit_algos(d, block))
    return out


def _audit_algos(d: Directive, block: Block) -> list[Violation]:
    family = algos.FAMILIES.get(d.key)
    if family is None or not d.args:
        return []
    prefix, names = algos.split_list(words(d.args)[0])
    weak = [n for n in names if family.is_weak(n)]
    if prefix == "-" or not weak:
        return []
    kept = [n for n in names if n not in weak]
    if kept:
        fix = {"action": "set", "value": prefix + ",".join(kept)}
    elif prefix:
        fix = {"action": "comment", "note": f"weak {family.label} removed"}
    else:
        fix = {"action": "set", "value": family.strong_default}
    msg = f"{d.raw.strip().split()[0]} enables weak {family.label}: {', '.join(weak)}"
    return [_violation(family.check_id, d, msg, block, fix)]


def _audit_absent(config: SshdConfig, text: str) -> list[Violation]:
    glob = config.global_block
    anchor = _insert_anchor(config, text.splitlines())
    note = ""
    if config.includes:
        note = f" (an included file may set it: Include {config.includes[0].args})"
    out: list[Violation] = []
    for rule in _RULES:
        if rule.absent_bad and glob.first(rule.key) is None:
            check = by_id(rule.check_id)
            fix = {"action": "insert", "text": f"{rule.keyword} {rule.fix}",
                   "before": str(anchor)}  # fmt: skip
            msg = f"{rule.keyword} is not set; the OpenSSH default is insecure{note}"
            line = anchor if anchor <= config.line_count else 0
            out.append(Violation(check, line, msg, "", "global", fix))
    return out


def _insert_anchor(config: SshdConfig, lines: list[str]) -> int:
    """Line before which global settings go: above the first Match and its lead-in comments."""
    first = config.first_match_line
    if not first:
        return len(lines) + 1
    n = first
    while n > 1 and lines[n - 2].lstrip().startswith("#"):
        n -= 1
    return n


def _violation(check_id: str, d: Directive, msg: str, block: Block,
               fix: dict[str, str]) -> Violation:  # fmt: skip
    return Violation(by_id(check_id), d.line, msg, d.raw.strip(), block.context, fix)


def _edit(v: Violation, lines: list[str]) -> Edit | None:
    action = v.fix.get("action")
    if action == "insert":
        return Edit(int(v.fix["before"]), "before", (v.fix["text"],))
    if not 1 <= v.line <= len(lines):
        return None
    line = lines[v.line - 1]
    if action == "set":
        return Edit(v.line, "replace", (set_value(line, v.fix["value"]),))
    if action == "comment":
        return Edit(v.line, "replace", (comment_out(line, v.fix["note"]),))
    return None
