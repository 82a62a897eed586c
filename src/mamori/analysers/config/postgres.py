"""PostgreSQL auditors: ``postgresql.conf`` (server settings) and ``pg_hba.conf`` (client auth).

postgresql.conf: the last setting of a name wins; a hardening setting that is absent is
reported only when PostgreSQL's own default is insecure (``ssl``, ``log_connections``,
``log_disconnections``). pg_hba.conf: records are checked one by one (first match wins at
connection time, so every reachable weak record matters); ``reject`` records are never flagged.
Include directives are noted, not followed.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import ClassVar

from mamori.analysers.config import _sandbox
from mamori.analysers.config._pg import HbaRecord, Include, PgSetting, parse_hba, parse_pg_conf
from mamori.analysers.config._textedit import LineEdits, replace_span
from mamori.analysers.config.interface import Check, ConfigAuditor, Validator, Violation
from mamori.model import CweId, Severity

__all__ = ["PgHbaAuditor", "PostgresConfAuditor"]

log = logging.getLogger(__name__)

_DOCS = "PostgreSQL 15 documentation"
_CIS = "CIS PostgreSQL 15 Benchmark"
_ALL_ADDRESSES = frozenset({"*", "0.0.0.0", "::"})  # noqa: S104 - what we look for
_FALSE = frozenset({"off", "of", "false", "fals", "fal", "fa", "f", "no", "n", "0"})


def _check(id_: str, title: str, sev: Severity, cwe: int, ref: str, why: str,
           fixable: bool = True, lockout: bool = False) -> Check:  # fmt: skip
    return Check(id_, title, sev, CweId(cwe), ref, why, fixable, lockout)


# --- postgresql.conf ---------------------------------------------------------------------

PG_LISTEN_ALL = _check(
    "PG-LISTEN-ALL", "PostgreSQL listens on every interface", Severity.MEDIUM, 1327,
    f"{_CIS}, Connection and Login; {_DOCS} §20.3.1 listen_addresses",
    "Listening on all addresses exposes the server to every network the host is on; bind to "
    "the addresses clients actually use.", lockout=True,
)  # fmt: skip
PG_SSL_OFF = _check(
    "PG-SSL-OFF", "TLS is disabled", Severity.MEDIUM, 319,
    f"{_CIS}, Special Configuration Considerations (TLS); {_DOCS} §19.9",
    "Without ssl = on, passwords and data cross the network in clear text. Enabling it needs "
    "a server certificate and key, so it is not changed automatically.", fixable=False,
)  # fmt: skip
PG_PASSWORD_MD5 = _check(
    "PG-PASSWORD-ENCRYPTION-MD5", "Passwords are stored as MD5 hashes", Severity.MEDIUM, 916,
    f"{_CIS}, Connection and Login; {_DOCS} §20.3.2 password_encryption",
    "MD5 password hashes are fast to brute-force and replayable; scram-sha-256 is the default "
    "since PostgreSQL 14.",
)  # fmt: skip
PG_TLS_OLD = _check(
    "PG-SSL-MIN-PROTOCOL", "Obsolete TLS versions accepted", Severity.MEDIUM, 326,
    f"{_DOCS} §20.3.3 ssl_min_protocol_version",
    "TLS 1.0 and 1.1 are deprecated (RFC 8996); require TLS 1.2 or later.",
)  # fmt: skip
PG_LOG_CONNECTIONS = _check(
    "PG-LOG-CONNECTIONS", "Connections are not logged", Severity.LOW, 778,
    f"{_CIS}, Logging And Auditing; {_DOCS} §20.8.3 log_connections",
    "Without connection logging, brute-force attempts and unexpected clients leave no trace.",
)  # fmt: skip
PG_LOG_DISCONNECTIONS = _check(
    "PG-LOG-DISCONNECTIONS", "Disconnections are not logged", Severity.LOW, 778,
    f"{_CIS}, Logging And Auditing; {_DOCS} §20.8.3 log_disconnections",
    "Session ends and durations are needed to reconstruct what a session did.",
)  # fmt: skip
PG_FSYNC_OFF = _check(
    "PG-FSYNC-OFF", "fsync is disabled", Severity.HIGH, 693,
    f"{_DOCS} §20.5.1 fsync",
    "With fsync off, a crash or power loss can silently corrupt the database.",
)  # fmt: skip
PG_INCLUDE = _check(
    "PG-INCLUDE", "Included file not audited", Severity.INFO, 16,
    f"{_DOCS} §20.1.5 Managing Configuration File Contents",
    "Settings in included files override earlier ones and were not checked here.",
    fixable=False,
)  # fmt: skip


def _is_false(value: str) -> bool:
    return value.strip().lower() in _FALSE


def _listen_all(value: str) -> bool:
    return any(a.strip() in _ALL_ADDRESSES for a in value.split(","))


# name → (check, is-bad predicate on the value, fixed value, reported when absent)
_PG_RULES: tuple[tuple[str, Check, Callable[[str], bool], str, bool], ...] = (
    ("listen_addresses", PG_LISTEN_ALL, _listen_all, "'localhost'", False),
    ("ssl", PG_SSL_OFF, _is_false, "", True),
    ("password_encryption", PG_PASSWORD_MD5,
     lambda v: v.strip().lower() in ("md5", "on", "true"), "'scram-sha-256'", False),
    ("ssl_min_protocol_version", PG_TLS_OLD,
     lambda v: v.strip().lower() in ("tlsv1", "tlsv1.1"), "'TLSv1.2'", False),
    ("log_connections", PG_LOG_CONNECTIONS, _is_false, "on", True),
    ("log_disconnections", PG_LOG_DISCONNECTIONS, _is_false, "on", True),
    ("fsync", PG_FSYNC_OFF, _is_false, "on", False),
)  # fmt: skip


def _include_violation(inc: Include, check: Check) -> Violation:
    return Violation(check, inc.line, f"{inc.keyword} {inc.target!r} was not audited",
                     evidence=f"{inc.keyword} '{inc.target}'")  # fmt: skip


class PostgresConfAuditor(ConfigAuditor):
    """Audits postgresql.conf: exposure, TLS, password hashing, connection logging, fsync."""

    id: ClassVar[str] = "postgresql"
    file_names = frozenset({"postgresql.conf"})
    checks = (PG_LISTEN_ALL, PG_SSL_OFF, PG_PASSWORD_MD5, PG_TLS_OLD, PG_LOG_CONNECTIONS,
              PG_LOG_DISCONNECTIONS, PG_FSYNC_OFF, PG_INCLUDE)  # fmt: skip
    cwes = frozenset(c.cwe for c in checks)
    validator = Validator(
        "runuser",
        ("-u", "postgres", "--", "{postgres}", "-D", "{datadir}", "--config-file={file}", "-C",
         "listen_addresses"),
        "postgresql",
    )  # fmt: skip
    """Loads the file with the real server against a throwaway cluster, as the postgres user."""

    def prepare_sandbox(self, folder: Path, file: Path) -> dict[str, str]:
        return _sandbox.postgres_datadir(folder)

    def audit_text(self, text: str, path: str) -> list[Violation]:
        settings, includes = parse_pg_conf(text)
        last: dict[str, PgSetting] = {s.name: s for s in settings}
        out: list[Violation] = []
        for name, check, is_bad, fixed, when_absent in _PG_RULES:
            s = last.get(name)
            hint = {"set": name, "value": fixed} if fixed else {}
            if s is None:
                if when_absent:
                    msg = f"{name} is not set and defaults to off"
                    out.append(Violation(check, 0, msg, fix=hint))
            elif is_bad(s.value):
                msg = f"{name} is set to {s.value!r}"
                out.append(Violation(check, s.line, msg, f"{name} = {s.value}", fix=hint))
        out.extend(_include_violation(i, PG_INCLUDE) for i in includes)
        log.debug("%s: %d violations", path, len(out))
        return sorted(out, key=lambda v: (v.line, v.check.id))

    def fix_text(self, text: str, violations: Sequence[Violation]) -> str:
        settings, includes = parse_pg_conf(text)
        last: dict[str, PgSetting] = {s.name: s for s in settings}
        edits = LineEdits(text)
        last_include = max((i.line for i in includes), default=0)
        for v in violations:
            name, value = v.fix.get("set"), v.fix.get("value")
            if not (v.check.fixable and name and value):
                continue
            s = last.get(name)
            if s is not None:
                edits.replace(s.line, replace_span(edits.current(s.line), s.start, s.end, value))
                continue
            note = f"{name} = {value}\t\t# mamori: {v.check.id}"
            edits.insert_after(_insert_point(edits.lines, name, last_include), note)
        return edits.apply()


def _insert_point(lines: list[str], name: str, last_include: int) -> int:
    """After the commented-out template line for ``name`` when no include follows it; else end."""
    template = re.compile(rf"^\s*#\s*{re.escape(name)}\s*(=|\s)", re.IGNORECASE)
    for no, line in enumerate(lines, start=1):
        if template.match(line) and no > last_include:
            return no
    return len(lines)


# --- pg_hba.conf -------------------------------------------------------------------------

_HBA_REF = f"{_DOCS} §21.1 The pg_hba.conf File; {_CIS}, Connection and Login"

HBA_TRUST_HOST = _check(
    "HBA-TRUST-HOST", "Network clients authenticated with trust", Severity.CRITICAL, 287,
    _HBA_REF, "trust lets anyone who can reach the port log in as any matching role without a "
    "password.", lockout=True,
)  # fmt: skip
HBA_TRUST_LOCAL = _check(
    "HBA-TRUST-LOCAL", "Local socket clients authenticated with trust", Severity.HIGH, 287,
    _HBA_REF, "trust on the Unix socket lets every local OS user connect as any role, "
    "including the superuser; use peer.", lockout=True,
)  # fmt: skip
HBA_PASSWORD = _check(
    "HBA-PASSWORD", "Clear-text password authentication", Severity.HIGH, 319, _HBA_REF,
    "The password method sends the password in clear text; use scram-sha-256.", lockout=True,
)  # fmt: skip
HBA_MD5 = _check(
    "HBA-MD5", "MD5 challenge-response authentication", Severity.MEDIUM, 328, _HBA_REF,
    "md5 accepts MD5-hashed passwords that are replayable if stolen; use scram-sha-256 "
    "(roles must have SCRAM passwords first).", lockout=True,
)  # fmt: skip
HBA_IDENT_HOST = _check(
    "HBA-IDENT-HOST", "ident authentication over TCP/IP", Severity.MEDIUM, 290, _HBA_REF,
    "ident over TCP trusts an identd answer from the client machine, which its owner controls.",
    fixable=False,
)  # fmt: skip
HBA_OPEN_ADDRESS = _check(
    "HBA-OPEN-ADDRESS", "Record accepts clients from any address", Severity.HIGH, 284,
    _HBA_REF, "0.0.0.0/0, ::/0 or all accepts connections from the whole Internet; list the "
    "client networks instead.", fixable=False,
)  # fmt: skip
HBA_NO_SSL = _check(
    "HBA-NO-SSL", "Network record does not require TLS", Severity.MEDIUM, 319, _HBA_REF,
    "host and hostnossl records accept unencrypted connections; hostssl requires TLS.",
    lockout=True,
)  # fmt: skip
HBA_ALL_ALL = _check(
    "HBA-ALL-ALL", "Network record grants all databases to all users", Severity.LOW, 284,
    _HBA_REF, "A network record matching every database and every role defeats least "
    "privilege; name the databases and roles.", fixable=False,
)  # fmt: skip
HBA_INCLUDE = _check(
    "HBA-INCLUDE", "Included file not audited", Severity.INFO, 16, _HBA_REF,
    "Records in included files take part in first-match evaluation and were not checked here.",
    fixable=False,
)  # fmt: skip


def _context(r: HbaRecord) -> str:
    parts = (r.type.value, r.database.value, r.user.value, r.address_text, r.method.value)
    return " ".join(p for p in parts if p)


def _method_violations(r: HbaRecord) -> list[Violation]:
    method = r.method.value.lower()
    ctx = _context(r)
    fixes = {
        "trust": (HBA_TRUST_HOST, "scram-sha-256") if r.is_network else (HBA_TRUST_LOCAL, "peer"),
        "password": (HBA_PASSWORD, "scram-sha-256"),
        "md5": (HBA_MD5, "scram-sha-256"),
    }
    out: list[Violation] = []
    if method in fixes:
        check, new = fixes[method]
        msg = f"{r.type.value} record uses {method} authentication"
        out.append(Violation(check, r.line, msg, ctx, ctx, {"method": new}))
    if method == "ident" and r.is_network:
        out.append(Violation(HBA_IDENT_HOST, r.line, "ident over TCP/IP", ctx, ctx))
    return out


def _network_violations(r: HbaRecord) -> list[Violation]:
    if not r.is_network or r.address_is_loopback():
        return []
    ctx = _context(r)
    out: list[Violation] = []
    if r.address_is_open():
        msg = f"address {r.address_text!r} matches every client"
        out.append(Violation(HBA_OPEN_ADDRESS, r.line, msg, ctx, ctx))
    kind = r.type.value.lower()
    if kind in ("host", "hostnossl"):
        msg = f"{kind} record accepts unencrypted connections"
        out.append(Violation(HBA_NO_SSL, r.line, msg, ctx, ctx, {"type": "hostssl"}))
    if r.database.value == "all" and r.user.value == "all":
        msg = "network record matches all databases and all users"
        out.append(Violation(HBA_ALL_ALL, r.line, msg, ctx, ctx))
    return out


class PgHbaAuditor(ConfigAuditor):
    """Audits pg_hba.conf: trust/password/md5/ident methods, open addresses, missing TLS."""

    id: ClassVar[str] = "pg_hba"
    file_names = frozenset({"pg_hba.conf"})
    checks = (HBA_TRUST_HOST, HBA_TRUST_LOCAL, HBA_PASSWORD, HBA_MD5, HBA_IDENT_HOST,
              HBA_OPEN_ADDRESS, HBA_NO_SSL, HBA_ALL_ALL, HBA_INCLUDE)  # fmt: skip
    cwes = frozenset(c.cwe for c in checks)
    validator = Validator(
        "sh",
        ("-c", "echo 'SELECT line_number, error FROM pg_hba_file_rules WHERE error IS NOT NULL;'"
         " | runuser -u postgres -- {postgres} --single -D {datadir} -c ssl=on"
         " -c hba_file={file} postgres > {datadir}/hba-check.out 2>&1;"
         " if grep -q 'error = ' {datadir}/hba-check.out; then cat {datadir}/hba-check.out;"
         " exit 1; fi",),
        "postgresql",
    )  # fmt: skip
    """Single-user server with ``hba_file`` pointed at the copy; pg_hba_file_rules lists errors."""

    def prepare_sandbox(self, folder: Path, file: Path) -> dict[str, str]:
        return _sandbox.postgres_datadir(folder)

    def audit_text(self, text: str, path: str) -> list[Violation]:
        records, includes = parse_hba(text)
        out: list[Violation] = []
        for r in records:
            if r.method.value.lower() == "reject":
                continue
            out.extend(_method_violations(r))
            out.extend(_network_violations(r))
        out.extend(_include_violation(i, HBA_INCLUDE) for i in includes)
        log.debug("%s: %d violations", path, len(out))
        return sorted(out, key=lambda v: (v.line, v.check.id))

    def fix_text(self, text: str, violations: Sequence[Violation]) -> str:
        records, _ = parse_hba(text)
        by_line = {r.line: r for r in records}
        edits = LineEdits(text)
        # Right-most edits first on each line so earlier spans stay valid.
        todo: list[tuple[int, int, int, str]] = []
        for v in violations:
            r = by_line.get(v.line)
            if r is None or not v.check.fixable:
                continue
            if "method" in v.fix:
                todo.append((r.method.line, r.method.start, r.method.end, v.fix["method"]))
            if "type" in v.fix:
                todo.append((r.type.line, r.type.start, r.type.end, v.fix["type"]))
        for line, start, end, new in sorted(set(todo), key=lambda t: (t[0], -t[1])):
            edits.replace(line, _replace_aligned(edits.current(line), start, end, new))
        return edits.apply()


def _replace_aligned(line: str, start: int, end: int, new: str) -> str:
    """Replace a token, eating padding after it so the following columns stay aligned."""
    grow = len(new) - (end - start)
    pad = len(line[end:]) - len(line[end:].lstrip(" "))
    if grow > 0 and pad > 1:
        end += min(grow, pad - 1)
    return replace_span(line, start, end, new)
