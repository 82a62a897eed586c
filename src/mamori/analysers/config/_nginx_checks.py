"""The nginx check catalogue and the security headers expected in each ``server`` block."""

from __future__ import annotations

from dataclasses import dataclass

from mamori.analysers.config.interface import Check
from mamori.model import CweId, Severity

_MOZ = "Mozilla Server Side TLS v5.7 (intermediate)"
_CIS = "CIS NGINX Benchmark v2.0"
_OWASP = "OWASP Secure Headers Project"

CHECKS: tuple[Check, ...] = (
    Check("NGINX-SSL-PROTOCOLS", "nginx allows legacy TLS/SSL versions", Severity.HIGH,
          CweId(327), f"{_MOZ}; {_CIS}",
          "SSLv3, TLS 1.0 and TLS 1.1 have known attacks (POODLE, BEAST) and are deprecated "
          "(RFC 8996)."),
    Check("NGINX-SSL-CIPHERS", "nginx enables ciphers outside Mozilla intermediate",
          Severity.MEDIUM, CweId(327), f"{_MOZ}; {_CIS}",
          "CBC, RC4, 3DES and non-forward-secret suites weaken confidentiality of past and "
          "present traffic."),
    Check("NGINX-SERVER-TOKENS", "nginx discloses its version", Severity.LOW, CweId(200),
          f"{_CIS} (server_tokens off)",
          "Version banners help attackers pick exploits for the exact release."),
    Check("NGINX-AUTOINDEX", "nginx directory listing enabled", Severity.MEDIUM, CweId(548),
          f"{_CIS} (autoindex off)",
          "Directory listings expose files (backups, keys) that were never meant to be linked."),
    Check("NGINX-HSTS-MISSING", "TLS server without Strict-Transport-Security", Severity.MEDIUM,
          CweId(319), f"{_MOZ} (HSTS); {_OWASP}",
          "Without HSTS a network attacker can strip TLS on the first plain-HTTP request."),
    Check("NGINX-XCTO-MISSING", "server without X-Content-Type-Options", Severity.LOW,
          CweId(693), _OWASP,
          "Browsers may MIME-sniff responses into executable content."),
    Check("NGINX-XFO-MISSING", "server without clickjacking protection", Severity.LOW,
          CweId(1021), _OWASP,
          "Without X-Frame-Options or CSP frame-ancestors pages can be framed for clickjacking."),
)  # fmt: skip

_BY_ID = {c.id: c for c in CHECKS}


def by_id(check_id: str) -> Check:
    """The check with ``check_id``."""
    return _BY_ID[check_id]


@dataclass(frozen=True, slots=True)
class Header:
    """A security header a server block should send."""

    name: str
    """Header name, lower-case."""
    check_id: str
    """Check reported when it is missing."""
    directive: str
    """The ``add_header`` line that adds it."""
    tls_only: bool = False
    """Only expected on servers that speak TLS."""
    alt: tuple[str, str] | None = None
    """(header, substring) that satisfies the check instead."""


HEADERS: tuple[Header, ...] = (
    Header("strict-transport-security", "NGINX-HSTS-MISSING",
           'add_header Strict-Transport-Security "max-age=63072000" always;', tls_only=True),
    Header("x-content-type-options", "NGINX-XCTO-MISSING",
           'add_header X-Content-Type-Options "nosniff" always;'),
    Header("x-frame-options", "NGINX-XFO-MISSING",
           'add_header X-Frame-Options "DENY" always;',
           alt=("content-security-policy", "frame-ancestors")),
)  # fmt: skip
