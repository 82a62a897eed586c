"""sysctl auditor (``/etc/sysctl.conf``, ``sysctl.d/*.conf``): kernel network and memory hardening.

Semantics of ``sysctl -p`` / systemd-sysctl: ``#`` and ``;`` start comment lines, keys may use
``/`` or ``.`` as separator, a leading ``-`` only silences errors, and the *last* assignment of a
key wins, so only the effective (last) value is judged and fixed in place. Settings that are
absent keep the running kernel's value, which a file cannot show, so absence is never reported.
There is no native validator: parsing is the check.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import ClassVar

from mamori.analysers.config._lineedit import Edit, apply_edits, set_value
from mamori.analysers.config.interface import Check, ConfigAuditor, Validator, Violation
from mamori.model import CweId, Severity

__all__ = ["SysctlAuditor"]

_CIS = "CIS Debian Linux 12 Benchmark"
_LINE = re.compile(r"^\s*-?(?P<key>[A-Za-z0-9_.*/\-]+)\s*=\s*(?P<value>.*?)\s*$")


@dataclass(frozen=True, slots=True)
class _Rule:
    """A key pattern, the insecure-value test, the fixed value and its check."""

    pattern: re.Pattern[str]
    """Matches normalised keys (dot-separated)."""
    bad: Callable[[str], bool]
    """Whether the effective value is insecure."""
    fix: str
    """Value written by the fix."""
    check: Check
    """Check reported."""


def _c(cid: str, title: str, sev: Severity, cwe: int, ref: str, why: str, **kw: bool) -> Check:
    return Check(cid, title, sev, CweId(cwe), f"{_CIS} {ref}", why, **kw)


def _is(*bad: str) -> Callable[[str], bool]:
    return lambda v: v in bad


def _not(*good: str) -> Callable[[str], bool]:
    return lambda v: v not in good


_RULES: tuple[_Rule, ...] = (
    _Rule(re.compile(r"net\.ipv4\.ip_forward|net\.ipv6\.conf\.[^.]+\.forwarding"), _is("1"), "0",
          _c("SYSCTL-IP-FORWARD", "IP forwarding enabled", Severity.LOW, 16, "§3.3.1",
             "A host that forwards packets can be used to reach networks it bridges; only "
             "routers (and container hosts) need it.", lockout_risk=True)),
    _Rule(re.compile(r"net\.ipv[46]\.conf\.[^.]+\.accept_redirects"), _is("1"), "0",
          _c("SYSCTL-ACCEPT-REDIRECTS", "ICMP redirects accepted", Severity.MEDIUM, 940,
             "§3.3.2", "Forged ICMP redirects can reroute the host's traffic via an attacker.")),
    _Rule(re.compile(r"net\.ipv4\.conf\.[^.]+\.send_redirects"), _is("1"), "0",
          _c("SYSCTL-SEND-REDIRECTS", "ICMP redirects sent", Severity.LOW, 16, "§3.3.3",
             "Only routers should send redirects; a host sending them aids route poisoning.")),
    _Rule(re.compile(r"net\.ipv[46]\.conf\.[^.]+\.accept_source_route"), _is("1"), "0",
          _c("SYSCTL-SOURCE-ROUTE", "Source-routed packets accepted", Severity.MEDIUM, 940,
             "§3.3.4", "Source routing lets a sender choose the path and bypass filtering.")),
    _Rule(re.compile(r"net\.ipv4\.conf\.(all|default)\.rp_filter"), _is("0"), "1",
          _c("SYSCTL-RP-FILTER", "Reverse-path filtering disabled", Severity.MEDIUM, 290,
             "§3.3.7", "Without it spoofed source addresses are accepted.")),
    _Rule(re.compile(r"net\.ipv4\.tcp_syncookies"), _is("0"), "1",
          _c("SYSCTL-SYNCOOKIES", "TCP SYN cookies disabled", Severity.MEDIUM, 400, "§3.3.8",
             "SYN floods can exhaust the connection backlog.")),
    _Rule(re.compile(r"kernel\.randomize_va_space"), _not("2"), "2",
          _c("SYSCTL-ASLR", "Full ASLR disabled", Severity.HIGH, 1188, "§1.5.3",
             "Predictable memory layout makes memory-corruption exploits reliable.")),
    _Rule(re.compile(r"kernel\.kptr_restrict"), _is("0"), "1",
          _c("SYSCTL-KPTR-RESTRICT", "Kernel pointers exposed", Severity.LOW, 200,
             "KSPP recommended settings", "Leaked kernel addresses defeat KASLR.")),
    _Rule(re.compile(r"kernel\.dmesg_restrict"), _is("0"), "1",
          _c("SYSCTL-DMESG-RESTRICT", "Kernel log readable by all users", Severity.LOW, 200,
             "KSPP recommended settings", "dmesg leaks addresses and hardware details.")),
    _Rule(re.compile(r"fs\.protected_(hard|sym)links"), _is("0"), "1",
          _c("SYSCTL-PROTECTED-LINKS", "Link protections disabled", Severity.MEDIUM, 59,
             "§1.5 / KSPP", "Enables /tmp link races against privileged programs.")),
    _Rule(re.compile(r"fs\.suid_dumpable"), _not("0"), "0",
          _c("SYSCTL-SUID-DUMPABLE", "setuid programs dump core", Severity.MEDIUM, 528,
             "§1.5.1", "Core dumps of privileged programs can leak secrets (password hashes).")),
    _Rule(re.compile(r"kernel\.yama\.ptrace_scope"), _is("0"), "1",
          _c("SYSCTL-PTRACE-SCOPE", "Unrestricted ptrace", Severity.MEDIUM, 269, "§1.5.2",
             "Any process can attach to and read the memory of the user's other processes.")),
)  # fmt: skip


class SysctlAuditor(ConfigAuditor):
    """Audits kernel parameters set in sysctl configuration files (last value wins)."""

    id = "sysctl"
    file_names: ClassVar[frozenset[str]] = frozenset({"sysctl.conf"})
    file_globs: ClassVar[tuple[str, ...]] = ("sysctl.d/*.conf",)
    checks: ClassVar[tuple[Check, ...]] = tuple(dict.fromkeys(r.check for r in _RULES))
    cwes: ClassVar[frozenset[CweId]] = frozenset(r.check.cwe for r in _RULES)
    validator: ClassVar[Validator | None] = None

    def audit_text(self, text: str, path: str) -> list[Violation]:
        out: list[Violation] = []
        for key, (line, value, raw) in _effective(text).items():
            rule = next((r for r in _RULES if r.pattern.fullmatch(key)), None)
            if rule is not None and rule.bad(value):
                msg = f"{key} = {value} is insecure (expected {rule.fix})"
                out.append(Violation(rule.check, line, msg, raw.strip(), key,
                                     {"action": "set", "value": rule.fix}))  # fmt: skip
        return sorted(out, key=lambda v: (v.line, v.check.id))

    def fix_text(self, text: str, violations: Sequence[Violation]) -> str:
        lines = text.splitlines()
        todo = [v for v in violations if v.check.fixable and v.fix and 0 < v.line <= len(lines)]
        edits = [
            Edit(v.line, "replace", (set_value(lines[v.line - 1], v.fix["value"]),)) for v in todo
        ]
        return apply_edits(text, edits)


def _effective(text: str) -> dict[str, tuple[int, str, str]]:
    """Normalised key → (line, value, raw line) of its last assignment."""
    if "\x00" in text:
        raise ValueError("file contains NUL bytes (binary, not a sysctl file)")
    out: dict[str, tuple[int, str, str]] = {}
    for n, raw in enumerate(text.splitlines(), start=1):
        body = raw.strip()
        if not body or body[0] in "#;":
            continue
        m = _LINE.match(body)
        if m is None:
            raise ValueError(f"line {n}: expected 'key = value', got {body[:60]!r}")
        out[m["key"].replace("/", ".")] = (n, m["value"].split("#")[0].strip(), raw)
    return out
