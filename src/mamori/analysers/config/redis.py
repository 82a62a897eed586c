"""Redis auditor: network exposure, authentication, dangerous commands, debug/module commands.

Single-valued directives follow Redis's last-wins rule. Absent settings are reported only
where Redis's default is unsafe for the file as a whole (no password: the ``default`` user is
``nopass``; no ``bind`` with ``protected-mode no``: Redis listens everywhere unauthenticated).
Passwords are never echoed: evidence for them is redacted.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from typing import ClassVar

from mamori.analysers.config._redisconf import RedisDirective, parse_redis_conf
from mamori.analysers.config._textedit import LineEdits, replace_span
from mamori.analysers.config.interface import Check, ConfigAuditor, Validator, Violation
from mamori.model import CweId, Severity
from mamori.redact import marker

__all__ = ["RedisAuditor"]

log = logging.getLogger(__name__)

_REF = "Redis security documentation (redis.io/docs/management/security)"
_ACL_REF = "Redis ACL documentation (redis.io/docs/management/security/acl)"
_ALL_ADDRESSES = frozenset({"0.0.0.0", "*", "::", "::*"})  # noqa: S104 - what we look for
_LOCAL_BIND = "127.0.0.1 -::1"
_DANGEROUS = ("FLUSHALL", "FLUSHDB", "CONFIG")
_MIN_PASSWORD = 16
_WEAK_WORDS = frozenset({"foobared", "redis", "password", "admin", "changeme", "secret"})


def _check(id_: str, title: str, sev: Severity, cwe: int, ref: str, why: str,
           fixable: bool = True, lockout: bool = False) -> Check:  # fmt: skip
    return Check(id_, title, sev, CweId(cwe), ref, why, fixable, lockout)


PROTECTED_MODE_OFF = _check(
    "REDIS-PROTECTED-MODE-OFF", "Protected mode disabled", Severity.HIGH, 306, _REF,
    "Protected mode refuses remote clients when no password is set; turning it off exposes an "
    "unauthenticated server to the network.",
)  # fmt: skip
BIND_ALL = _check(
    "REDIS-BIND-ALL", "Redis listens on every interface", Severity.MEDIUM, 1327, _REF,
    "Redis is meant for trusted networks; bind it to loopback or the private addresses its "
    "clients use.", lockout=True,
)  # fmt: skip
NO_AUTH = _check(
    "REDIS-NO-AUTH", "No authentication required", Severity.HIGH, 306, _ACL_REF,
    "Without requirepass or an ACL password for the default user, anyone who reaches the port "
    "can read, change or delete every key. A password is a secret to generate and distribute, "
    "so it is not set automatically.", fixable=False,
)  # fmt: skip
WEAK_PASSWORD = _check(
    "REDIS-WEAK-PASSWORD", "Weak Redis password", Severity.MEDIUM, 521, _REF,
    f"Redis checks passwords very fast, so short ones fall to brute force; use at least "
    f"{_MIN_PASSWORD} random characters (32+ recommended).", fixable=False,
)  # fmt: skip
DANGEROUS_COMMAND = _check(
    "REDIS-DANGEROUS-COMMAND", "Dangerous command available", Severity.MEDIUM, 749, _REF,
    "Without ACL users, every client may run FLUSHALL, FLUSHDB and CONFIG (which can write "
    "files on the host); disable or rename them. Tools such as Sentinel may need CONFIG.",
    lockout=True,
)  # fmt: skip
DEBUG_COMMAND = _check(
    "REDIS-DEBUG-COMMAND", "DEBUG command enabled for all clients", Severity.MEDIUM, 489,
    _REF, "DEBUG can crash the server and inspect memory; keep enable-debug-command at no.",
)  # fmt: skip
MODULE_COMMAND = _check(
    "REDIS-MODULE-COMMAND", "MODULE command enabled for all clients", Severity.HIGH, 94,
    _REF, "MODULE LOAD runs arbitrary shared objects inside Redis; keep enable-module-command "
    "at no and load modules from the config file.",
)  # fmt: skip
INCLUDE = _check(
    "REDIS-INCLUDE", "Included file not audited", Severity.INFO, 16, _REF,
    "Directives in included files override earlier ones and were not checked here.",
    fixable=False,
)  # fmt: skip


def _last(directives: list[RedisDirective], name: str) -> RedisDirective | None:
    found = [d for d in directives if d.name == name]
    return found[-1] if found else None


def _first_arg(d: RedisDirective | None) -> str:
    return d.args[0] if d is not None and d.args else ""


def _default_user_needs_password(directives: list[RedisDirective]) -> bool:
    """Replay requirepass and ``user default`` rules as Redis does."""
    enabled, nopass = True, True
    for d in directives:
        if d.name == "requirepass":
            nopass = not (d.args and d.args[0])
        elif d.name == "user" and d.args and d.args[0] == "default":
            for rule in d.args[1:]:
                low = rule.lower()
                if low in ("on", "off"):
                    enabled = low == "on"
                elif low == "nopass":
                    nopass = True
                elif low in ("resetpass", "reset") or rule[:1] in (">", "#"):
                    nopass = False
                    enabled = enabled and low != "reset"
    return not enabled or not nopass


def _weak(password: str) -> bool:
    return len(password) < _MIN_PASSWORD or password.lower() in _WEAK_WORDS


def _password_violations(directives: list[RedisDirective]) -> list[Violation]:
    out: list[Violation] = []
    for d in directives:
        if d.name == "requirepass" and d.args and d.args[0] and _weak(d.args[0]):
            msg = f"requirepass is shorter than {_MIN_PASSWORD} characters or a common word"
            out.append(Violation(WEAK_PASSWORD, d.line, msg, f"requirepass {marker('password')}"))
        elif d.name == "user" and len(d.args) > 1:
            weak = [r for r in d.args[1:] if r.startswith(">") and _weak(r[1:])]
            if weak:
                msg = f"ACL user {d.args[0]!r} has a weak password"
                evidence = f"user {d.args[0]} ... >{marker('password')}"
                out.append(Violation(WEAK_PASSWORD, d.line, msg, evidence, f"user {d.args[0]}"))
    return out


def _exposure_violations(directives: list[RedisDirective]) -> list[Violation]:
    out: list[Violation] = []
    protected = _last(directives, "protected-mode")
    if protected is not None and _first_arg(protected).lower() == "no":
        msg = "protected-mode is set to no"
        out.append(Violation(PROTECTED_MODE_OFF, protected.line, msg, "protected-mode no",
                             fix={"set": "protected-mode", "value": "yes"}))  # fmt: skip
    bind = _last(directives, "bind")
    hint = {"set": "bind", "value": _LOCAL_BIND}
    if bind is not None and any(a.lstrip("-") in _ALL_ADDRESSES for a in bind.args):
        evidence = "bind " + " ".join(bind.args)
        msg = "bind includes a wildcard address"
        out.append(Violation(BIND_ALL, bind.line, msg, evidence, fix=hint))
    elif bind is None and _first_arg(protected).lower() == "no":
        msg = "no bind directive: Redis listens on every interface with protected mode off"
        out.append(Violation(BIND_ALL, 0, msg, fix=hint))
    return out


def _command_violations(directives: list[RedisDirective]) -> list[Violation]:
    out: list[Violation] = []
    uses_acl = any(
        d.name == "aclfile" or (d.name == "user" and d.args[:1] != ("default",)) for d in directives
    )
    renamed = {d.args[0].upper() for d in directives if d.name == "rename-command" and d.args}
    if not uses_acl:
        for cmd in _DANGEROUS:
            if cmd not in renamed:
                msg = f"{cmd} is neither renamed nor restricted by ACL users"
                out.append(Violation(DANGEROUS_COMMAND, 0, msg, context=cmd,
                                     fix={"rename": cmd}))  # fmt: skip
    for name, check in (("enable-debug-command", DEBUG_COMMAND),
                        ("enable-module-command", MODULE_COMMAND)):  # fmt: skip
        d = _last(directives, name)
        if d is not None and _first_arg(d).lower() == "yes":
            hint = {"set": name, "value": "no"}
            out.append(Violation(check, d.line, f"{name} is yes", f"{name} yes", fix=hint))
    return out


def _include(d: RedisDirective) -> Violation:
    target = _first_arg(d)
    return Violation(INCLUDE, d.line, f"include {target!r} was not audited", f"include {target}")


class RedisAuditor(ConfigAuditor):
    """Audits redis.conf: protected mode, bind, passwords, dangerous and debug commands."""

    id: ClassVar[str] = "redis"
    file_names = frozenset({"redis.conf"})
    checks = (PROTECTED_MODE_OFF, BIND_ALL, NO_AUTH, WEAK_PASSWORD, DANGEROUS_COMMAND,
              DEBUG_COMMAND, MODULE_COMMAND, INCLUDE)  # fmt: skip
    cwes = frozenset(c.cwe for c in checks)
    validator = Validator(
        "redis-server",
        ("{file}", "--port", "0", "--tls-port", "0", "--unixsocket", "", "--daemonize", "yes",
         "--dir", "{dir}", "--logfile", "{dir}/mamori-check.log",
         "--pidfile", "{dir}/mamori-check.pid"),
        "redis-server",
    )  # fmt: skip
    """Exit 0 = the file loaded; the daemon then exits by itself as it listens nowhere."""

    def audit_text(self, text: str, path: str) -> list[Violation]:
        directives = parse_redis_conf(text)
        out = _exposure_violations(directives)
        has_aclfile = any(d.name == "aclfile" for d in directives)
        if not has_aclfile and not _default_user_needs_password(directives):
            msg = "the default user needs no password (no requirepass, no ACL password)"
            out.append(Violation(NO_AUTH, 0, msg))
        out += _password_violations(directives)
        out += _command_violations(directives)
        out += [_include(d) for d in directives if d.name == "include"]
        log.debug("%s: %d violations", path, len(out))
        return sorted(out, key=lambda v: (v.line, v.check.id, v.context))

    def fix_text(self, text: str, violations: Sequence[Violation]) -> str:
        directives = parse_redis_conf(text)
        edits = LineEdits(text)
        for v in violations:
            if not v.check.fixable:
                continue
            if "rename" in v.fix:
                line = f'rename-command {v.fix["rename"]} ""'
                edits.insert_after(_rename_point(edits.lines, v.fix["rename"]), line)
            elif "set" in v.fix:
                _set(edits, directives, v.fix["set"], v.fix["value"])
        return edits.apply()


def _set(edits: LineEdits, directives: list[RedisDirective], name: str, value: str) -> None:
    d = _last(directives, name)
    if d is not None and d.args:
        edits.replace(d.line, replace_span(edits.current(d.line), d.start, d.end, value))
        return
    template = re.compile(rf"^\s*#\s*{re.escape(name)}\s", re.IGNORECASE)
    after = [no for no, ln in enumerate(edits.lines, start=1) if template.match(ln)]
    last_include = max((x.line for x in directives if x.name == "include"), default=0)
    point = after[0] if after and after[0] > last_include else len(edits.lines)
    edits.insert_after(point, f"{name} {value}")


def _rename_point(lines: list[str], command: str) -> int:
    """After a commented ``# rename-command CMD`` template, else after the last rename."""
    template = re.compile(rf"^\s*#\s*rename-command\s+{command}\s", re.IGNORECASE)
    renames = re.compile(r"^\s*rename-command\s", re.IGNORECASE)
    last_rename = 0
    for no, ln in enumerate(lines, start=1):
        if template.match(ln):
            return no
        if renames.match(ln):
            last_rename = no
    return last_rename or len(lines)
