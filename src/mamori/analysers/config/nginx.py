"""nginx auditor: TLS protocols and ciphers (Mozilla *intermediate*), version disclosure,
directory listing and missing security headers per ``server`` block.

Follows nginx semantics: ``add_header`` is inherited from ``http`` into a ``server`` only when
the server sets none itself, so a fix that adds a header to such a server also copies the
inherited ones (otherwise it would silently drop them). ``server_tokens`` defaults to ``on``
and is reported when an ``http`` block leaves it unset. Servers that only redirect are not
asked for page headers. ``include`` lines are not followed. Files under ``sites-*`` that look
like Apache configuration are left to the Apache auditor.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator, Sequence
from pathlib import Path, PurePath
from typing import ClassVar

from mamori.analysers.config import _sandbox, _sniff
from mamori.analysers.config._lineedit import Edit, apply_edits, indent_of
from mamori.analysers.config._nginx_checks import CHECKS, HEADERS, by_id
from mamori.analysers.config._nginx_parse import Directive, parse
from mamori.analysers.config._tls import INTERMEDIATE, weak_ciphers, weak_protocols
from mamori.analysers.config.interface import Check, ConfigAuditor, Validator, Violation
from mamori.model import CweId, Target

__all__ = ["NginxAuditor"]

logger = logging.getLogger(__name__)

_Parented = tuple[Directive, tuple[Directive, ...]]


class NginxAuditor(ConfigAuditor):
    """Audits nginx configuration against Mozilla TLS (intermediate) and OWASP headers."""

    id = "nginx"
    file_names: ClassVar[frozenset[str]] = frozenset({"nginx.conf"})
    file_globs: ClassVar[tuple[str, ...]] = ("nginx/*.conf", "nginx/**/*.conf", "sites-available/*",
                                             "sites-enabled/*", "conf.d/*.conf")  # fmt: skip
    checks: ClassVar[tuple[Check, ...]] = CHECKS
    cwes: ClassVar[frozenset[CweId]] = frozenset(c.cwe for c in CHECKS)
    validator: ClassVar[Validator | None] = Validator(
        "nginx", ("-t", "-q", "-p", "{prefix}", "-c", "{main}"), "nginx"
    )

    def prepare_sandbox(self, folder: Path, file: Path) -> dict[str, str]:
        """Stand-in certificates, logs, pid and user so ``nginx -t`` loads the copy."""
        file.write_text(_sandbox.nginx_stand_ins(file.read_text(encoding="utf-8"), folder))
        return {"prefix": str(folder) + "/", "main": str(_sandbox.nginx_main(file, folder))}

    def accepts(self, target: Target) -> bool:
        if not super().accepts(target):
            return False
        if PurePath(target.locator).name == "nginx.conf":
            return True
        return _sniff.looks_like(target.locator) != "apache"

    def audit_text(self, text: str, path: str) -> list[Violation]:
        root = parse(text)
        out: list[Violation] = []
        for d, parents in _walk(root, ()):
            out.extend(_audit_directive(d, parents))
            if d.name == "include":
                logger.debug("%s:%d: include %s not followed", path, d.line, " ".join(d.args))
        for http in root.find("http"):
            out.extend(_audit_http(http))
        for server, parents in _servers(root):
            inherited = next((p.find("add_header") for p in parents if p.name == "http"), [])
            out.extend(_audit_headers(server, inherited, text.splitlines()))
        return sorted(out, key=lambda v: (v.line, v.check.id))

    def fix_text(self, text: str, violations: Sequence[Violation]) -> str:
        lines = text.splitlines()
        edits = [_edit(v, lines) for v in violations if v.check.fixable and v.fix]
        return apply_edits(text, [e for e in edits if e is not None])


def _walk(d: Directive, parents: tuple[Directive, ...]) -> Iterator[_Parented]:
    for c in d.children or ():
        yield c, parents
        yield from _walk(c, (*parents, c))


def _servers(root: Directive) -> Iterator[_Parented]:
    return ((d, p) for d, p in _walk(root, ()) if d.name == "server" and d.is_block
            and not any(x.name in {"upstream", "stream", "mail"} for x in p))  # fmt: skip


def _context(parents: tuple[Directive, ...]) -> str:
    names = [" ".join((p.name, *p.args[:1])).strip() for p in parents]
    return " > ".join(names) or "main"


def _set(d: Directive, value: str, check_id: str, msg: str, ctx: str) -> Violation:
    return Violation(by_id(check_id), d.line, msg, f"{d.name} {' '.join(d.args)}"[:200], ctx,
                     {"action": "set", "name": d.name, "value": value})  # fmt: skip


def _audit_directive(d: Directive, parents: tuple[Directive, ...]) -> list[Violation]:
    ctx, args = _context(parents), [a.lower() for a in d.args]
    if d.name == "ssl_protocols" and (bad := weak_protocols(d.args)):
        good = " ".join(INTERMEDIATE.tls_versions)
        return [_set(d, good, "NGINX-SSL-PROTOCOLS", f"ssl_protocols allows {', '.join(bad)}", ctx)]
    if d.name == "ssl_ciphers" and d.args and (bad := weak_ciphers(d.args[0])):
        shown = ", ".join(bad[:5]) + (" …" if len(bad) > 5 else "")
        msg = f"ssl_ciphers enables ciphers outside Mozilla intermediate: {shown}"
        return [_set(d, ":".join(INTERMEDIATE.openssl_ciphers), "NGINX-SSL-CIPHERS", msg, ctx)]
    if d.name == "server_tokens" and args[:1] != ["off"]:
        return [_set(d, "off", "NGINX-SERVER-TOKENS", "server_tokens discloses the version", ctx)]
    if d.name == "autoindex" and args[:1] == ["on"]:
        return [_set(d, "off", "NGINX-AUTOINDEX", "autoindex lists directory contents", ctx)]
    return []


def _audit_http(http: Directive) -> list[Violation]:
    if http.find("server_tokens"):
        return []
    servers = [s for s in http.find("server") if s.is_block]
    if servers and all(s.find("server_tokens") for s in servers):
        return []
    fix = {"action": "insert", "after": str(http.line), "text": "server_tokens off;",
           "indent_from": str(_first_child_line(http))}  # fmt: skip
    msg = "server_tokens is not set in http; the nginx default (on) discloses the version"
    return [Violation(by_id("NGINX-SERVER-TOKENS"), http.line, msg, "http {", "http", fix)]


def _first_child_line(block: Directive) -> int:
    return block.children[0].line if block.children else 0


def _is_tls(server: Directive) -> bool:
    listens = [a.lower() for d in server.find("listen") for a in d.args[1:]]
    ssl_on = any(d.args[:1] == ("on",) for d in server.find("ssl"))
    return ssl_on or any(a in {"ssl", "quic"} for a in listens)


def _redirect_only(server: Directive) -> bool:
    has_return = any(d.args[:1] and d.args[0] in {"301", "302", "307", "308"}
                     for d in server.find("return"))  # fmt: skip
    return has_return and not server.find("location")


def _header_names(add_headers: Sequence[Directive]) -> dict[str, str]:
    return {d.args[0].lower(): " ".join(d.args[1:]).lower() for d in add_headers if d.args}


def _audit_headers(server: Directive, inherited: Sequence[Directive],
                   lines: list[str]) -> list[Violation]:  # fmt: skip
    if _redirect_only(server):
        return []
    own = server.find("add_header")
    effective = _header_names(own or inherited)
    tls = _is_tls(server)
    name = next((" ".join(d.args) for d in server.find("server_name")), "")
    ctx = f"server {name}".strip()
    copied = [] if own else [lines[d.line - 1].strip() for d in inherited if d.line == d.end_line]
    anchor = own[-1].line if own else _anchor(server)
    out: list[Violation] = []
    for h in HEADERS:
        if h.tls_only and not tls:
            continue
        if h.name in effective or (h.alt and h.alt[1] in effective.get(h.alt[0], "")):
            continue
        text = "\n".join([*copied, h.directive])
        fix = {"action": "insert", "after": str(anchor), "text": text,
               "indent_from": str(anchor if own else _first_child_line(server))}  # fmt: skip
        msg = f"server block does not send {h.name}"
        out.append(Violation(by_id(h.check_id), server.line, msg, "server {", ctx, fix))
    return out


def _anchor(server: Directive) -> int:
    """Line after which new headers go: the last simple directive before the first block."""
    line = server.line
    for c in server.children or ():
        if c.is_block:
            break
        line = c.end_line
    return line


def _args_pattern(name: str) -> re.Pattern[str]:
    head = r"(?P<head>(?:^|[;{}\s])\s*" + re.escape(name) + r"\s+)"
    return re.compile(head + r"(?P<args>[^;]*?)(?P<tail>\s*;)", re.IGNORECASE)


def _edit(v: Violation, lines: list[str]) -> Edit | None:
    if v.fix.get("action") == "insert":
        ref = int(v.fix["indent_from"])
        base = indent_of(lines[int(v.fix["after"]) - 1]) + "    "
        indent = indent_of(lines[ref - 1]) if 0 < ref <= len(lines) else base
        new = tuple(indent + t for t in v.fix["text"].split("\n"))
        return Edit(int(v.fix["after"]), "after", new)
    if not 1 <= v.line <= len(lines):
        return None
    line = lines[v.line - 1]
    m = _args_pattern(v.fix["name"]).search(line)
    if m is None:
        return None  # directive spans several lines: left for a person to edit
    value = _quote(v.fix["value"])
    return Edit(v.line, "replace", (line[: m.start("args")] + value + line[m.end("args") :],))


def _quote(value: str) -> str:
    return value if re.fullmatch(r"[\w.:!+\-@ ]+", value) else f'"{value}"'
