"""Apache httpd auditor: TLS against Mozilla's intermediate profile, version disclosure, TRACE,
directory listings and security headers.

Directives are case-insensitive and the last occurrence in a context wins. Settings whose
built-in default is insecure (``ServerTokens`` defaults to Full, ``TraceEnable`` to On) are
reported as missing only in a main configuration (one that sets ``ServerRoot`` or loads modules,
or is named ``apache2.conf``/``httpd.conf``); fragments inherit them from the main file.
Missing security headers are reported but not auto-fixed: ``Header`` needs mod_headers, which a
patch cannot know is loaded.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path, PurePath
from typing import ClassVar

from mamori.analysers.config import _sandbox, _sniff
from mamori.analysers.config._tls import INTERMEDIATE, weak_ciphers
from mamori.analysers.config.interface import Check, ConfigAuditor, Validator, Violation
from mamori.model import CweId, Severity, Target

_REF = "Mozilla Server Side TLS 5.7 (intermediate); CIS Apache HTTP Server 2.4 Benchmark"


def _check(
    cid: str, title: str, sev: Severity, cwe: int, ref: str, why: str, *, fixable: bool = True
) -> Check:
    return Check(cid, title, sev, CweId(cwe), ref, why, fixable=fixable)


SSL_PROTOCOL = _check(
    "APACHE-SSL-PROTOCOL",
    "Legacy TLS/SSL protocol versions enabled",
    Severity.HIGH,
    326,
    _REF,
    "SSLv3, TLS 1.0 and 1.1 have known weaknesses and "
    "are not allowed by PCI DSS or Mozilla's intermediate profile.",
)
SSL_CIPHERS = _check(
    "APACHE-SSL-CIPHERS",
    "Cipher suites outside Mozilla intermediate",
    Severity.MEDIUM,
    327,
    _REF,
    "CBC, RC4, 3DES, export and non-forward-secret "
    "suites let attackers downgrade or decrypt traffic.",
)
SERVER_TOKENS = _check(
    "APACHE-SERVER-TOKENS",
    "Server version disclosed in headers",
    Severity.LOW,
    200,
    "CIS Apache 2.4 §8.1",
    "ServerTokens other than Prod tells attackers the exact version and modules to target.",
)
SERVER_SIGNATURE = _check(
    "APACHE-SERVER-SIGNATURE",
    "Server signature on error pages",
    Severity.LOW,
    200,
    "CIS Apache 2.4 §8.2",
    "ServerSignature On prints the server version on generated pages.",
)
TRACE = _check(
    "APACHE-TRACE-ENABLED",
    "HTTP TRACE enabled",
    Severity.MEDIUM,
    693,
    "CIS Apache 2.4 §5.7",
    "TRACE echoes requests back, helping cross-site tracing attacks steal cookies and headers.",
)
INDEXES = _check(
    "APACHE-DIRECTORY-LISTING",
    "Directory listing enabled",
    Severity.MEDIUM,
    548,
    "CIS Apache 2.4 §5.3",
    "Options Indexes lists every file in folders without an "
    "index page, exposing backups, exports and source files.",
)
HEADERS = _check(
    "APACHE-SECURITY-HEADERS",
    "Security headers missing",
    Severity.LOW,
    693,
    "OWASP Secure Headers Project",
    "Without X-Content-Type-Options, frame "
    "protection and HSTS on TLS sites, browsers are open to MIME sniffing, "
    "clickjacking and TLS stripping.",
    fixable=False,
)

CHECKS = (SSL_PROTOCOL, SSL_CIPHERS, SERVER_TOKENS, SERVER_SIGNATURE, TRACE, INDEXES, HEADERS)
_LEGACY = ("SSLv3", "TLSv1", "TLSv1.1")
_SECTION = re.compile(r"^\s*<\s*(/)?\s*([A-Za-z]+)([^>]*)>")
_DIRECTIVE = re.compile(r"^(\s*)([A-Za-z][\w]*)(\s+)(.*?)(\s*)$")  # no trailing comments in httpd
_MAIN_NAMES = frozenset({"apache2.conf", "httpd.conf"})


@dataclass(frozen=True, slots=True)
class _Directive:
    line: int
    name: str
    args: str
    context: str


@dataclass(frozen=True, slots=True)
class _Parsed:
    directives: tuple[_Directive, ...]
    vhosts: tuple[tuple[int, str], ...]
    is_main: bool


def _parse(text: str, path: str) -> _Parsed:
    directives: list[_Directive] = []
    vhosts: list[tuple[int, str]] = []
    stack: list[str] = []
    for n, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        section = _SECTION.match(raw)
        if section:
            closing, name, args = section.groups()
            if closing:
                if not stack or stack[-1].split()[0].lower() != name.lower():
                    raise ValueError(f"line {n}: </{name}> does not close an open section")
                stack.pop()
            else:
                stack.append(f"{name} {args.strip()}".strip())
                if name.lower() == "virtualhost":
                    vhosts.append((n, stack[-1]))
            continue
        m = _DIRECTIVE.match(raw)
        if m:
            directives.append(_Directive(n, m.group(2).lower(), m.group(4), " > ".join(stack)))
    if stack:
        raise ValueError(f"section <{stack[-1]}> is never closed")
    names = {d.name for d in directives}
    main = PurePath(path).name in _MAIN_NAMES or bool(names & {"serverroot", "loadmodule"})
    return _Parsed(tuple(directives), tuple(vhosts), main)


def _enabled_protocols(args: str) -> set[str]:
    enabled: set[str] = set()
    for token in args.split():
        sign, name = (token[0], token[1:]) if token[:1] in "+-" else ("+", token)
        names = {*_LEGACY, "TLSv1.2", "TLSv1.3"} if name.lower() == "all" else {name}
        for proto in names:
            canon = next(
                (p for p in (*_LEGACY, "TLSv1.2", "TLSv1.3") if p.lower() == proto.lower()), proto
            )
            enabled.add(canon) if sign == "+" else enabled.discard(canon)
    return enabled


class ApacheAuditor(ConfigAuditor):
    """Audits Apache httpd configuration against Mozilla TLS (intermediate) and CIS guidance."""

    id = "apache"
    file_names: ClassVar[frozenset[str]] = frozenset({"apache2.conf", "httpd.conf"})
    file_globs: ClassVar[tuple[str, ...]] = (
        "sites-available/*",
        "sites-enabled/*",
        "conf.d/*.conf",
        "conf-enabled/*.conf",
    )
    checks: ClassVar[tuple[Check, ...]] = CHECKS
    cwes: ClassVar[frozenset[CweId]] = frozenset(c.cwe for c in CHECKS)
    validator: ClassVar[Validator | None] = Validator(
        "apache2", ("-t", "-d", "{dir}", "-f", "{main}"), "apache2"
    )

    def accepts(self, target: Target) -> bool:
        if not super().accepts(target):
            return False
        if PurePath(target.locator).name in _MAIN_NAMES:
            return True
        return _sniff.looks_like(target.locator) == "apache"

    def prepare_sandbox(self, folder: Path, file: Path) -> dict[str, str]:
        """Stand-in certificates, and a wrapper main config that loads the modules a fragment
        needs, so ``apache2 -t`` can load the copy away from its host."""
        return {"main": str(_sandbox.apache_stand_ins(file, folder))}

    def audit_text(self, text: str, path: str) -> list[Violation]:
        parsed = _parse(text, path)
        out: list[Violation] = []
        last: dict[tuple[str, str], _Directive] = {}
        for d in parsed.directives:
            last[(d.context, d.name)] = d
        for d in last.values():
            out += self._directive(d)
        if parsed.is_main:
            out += self._missing(parsed, last)
        out += self._headers(parsed)
        return sorted(out, key=lambda v: (v.line, v.check.id))

    def _directive(self, d: _Directive) -> list[Violation]:
        where = d.context or "server config"
        evidence = f"{d.name} {d.args}"[:200]
        if d.name == "sslprotocol":
            weak = sorted(_enabled_protocols(d.args) & set(_LEGACY))
            if weak:
                return [
                    Violation(
                        SSL_PROTOCOL,
                        d.line,
                        f"SSLProtocol enables {', '.join(weak)} ({where})",
                        evidence,
                        where,
                        {"value": "-all +TLSv1.2 +TLSv1.3"},
                    )
                ]
        if d.name == "sslciphersuite" and not d.args.strip().upper().startswith("TLSV1.3"):
            weak = weak_ciphers(d.args.strip().strip('"'))
            if weak:
                value = ":".join(INTERMEDIATE.openssl_ciphers)
                return [
                    Violation(
                        SSL_CIPHERS,
                        d.line,
                        f"SSLCipherSuite allows {', '.join(weak[:5])}"
                        f"{'…' if len(weak) > 5 else ''} ({where})",
                        evidence,
                        where,
                        {"value": value},
                    )
                ]
        if d.name == "servertokens" and d.args.strip().lower() not in ("prod", "productonly"):
            return [
                Violation(
                    SERVER_TOKENS,
                    d.line,
                    f"ServerTokens {d.args.strip()} discloses the version",
                    evidence,
                    where,
                    {"value": "Prod"},
                )
            ]
        if d.name == "serversignature" and d.args.strip().lower() != "off":
            return [
                Violation(
                    SERVER_SIGNATURE,
                    d.line,
                    "ServerSignature is on",
                    evidence,
                    where,
                    {"value": "Off"},
                )
            ]
        if d.name == "traceenable" and d.args.strip().lower() != "off":
            return [
                Violation(
                    TRACE, d.line, "TraceEnable is not Off", evidence, where, {"value": "Off"}
                )
            ]
        if d.name == "options" and any(o.lstrip("+").lower() == "indexes" for o in d.args.split()):
            return [
                Violation(INDEXES, d.line, f"Options enables Indexes ({where})", evidence, where)
            ]
        return []

    def _missing(self, parsed: _Parsed, last: dict[tuple[str, str], _Directive]) -> list[Violation]:
        out = []
        global_names = {name for (ctx, name) in last if not ctx}
        if "servertokens" not in global_names:
            out.append(
                Violation(
                    SERVER_TOKENS,
                    0,
                    "ServerTokens is not set (default Full discloses the version)",
                    "",
                    "",
                    {"value": "Prod"},
                )
            )
        if "traceenable" not in global_names:
            out.append(
                Violation(TRACE, 0, "TraceEnable is not set (default On)", "", "", {"value": "Off"})
            )
        return out

    def _headers(self, parsed: _Parsed) -> list[Violation]:
        out = []
        for line, vhost in parsed.vhosts:
            inside = [d for d in parsed.directives if d.context.startswith(vhost)]
            headers = " ".join(d.args.lower() for d in inside if d.name == "header")
            tls = any(d.name == "sslengine" and d.args.strip().lower() == "on" for d in inside)
            missing = [
                h
                for h in ("x-content-type-options", "x-frame-options")
                if h not in headers
                and not (h == "x-frame-options" and "frame-ancestors" in headers)
            ]
            if tls and "strict-transport-security" not in headers:
                missing.append("strict-transport-security")
            if missing:
                out.append(
                    Violation(
                        HEADERS,
                        line,
                        f"<{vhost}> sets no {', '.join(missing)}",
                        f"<{vhost}>",
                        vhost,
                    )
                )
        return out

    def fix_text(self, text: str, violations: Sequence[Violation]) -> str:
        lines = text.splitlines(keepends=True)
        inserts: list[str] = []
        for v in violations:
            if not v.check.fixable:
                continue
            if v.line == 0:
                directive = {
                    "APACHE-SERVER-TOKENS": "ServerTokens",
                    "APACHE-TRACE-ENABLED": "TraceEnable",
                }[v.check.id]
                inserts.append(f"# mamori: {v.check.id}\n{directive} {v.fix['value']}\n")
                continue
            lines[v.line - 1] = _fixed_line(lines[v.line - 1], v)
        body = "".join(lines)
        if inserts and body and not body.endswith("\n"):
            body += "\n"
        return body + "".join(inserts)


def _fixed_line(line: str, v: Violation) -> str:
    m = _DIRECTIVE.match(line.rstrip("\n"))
    if not m:
        return line
    indent, name, gap, args, tail = m.group(1), m.group(2), m.group(3), m.group(4), m.group(5)
    if v.check.id == "APACHE-DIRECTORY-LISTING":
        opts = args.split()
        if any(o[:1] in "+-" for o in opts):
            new = " ".join("-Indexes" if o.lstrip("+").lower() == "indexes" else o for o in opts)
        else:
            new = " ".join(o for o in opts if o.lower() != "indexes") or "None"
    else:
        new = v.fix["value"]
        if v.check.id == "APACHE-SSL-CIPHERS" and args.strip().startswith('"'):
            new = f'"{new}"'
    return f"{indent}{name}{gap}{new}{tail}\n"
