"""HTTP checks, with GET and OPTIONS requests only (never TRACE, PUT or DELETE).

* missing security headers (HSTS on HTTPS, X-Content-Type-Options, frame protection, CSP);
* a ``Server`` header that discloses a version number;
* directory listing at ``/`` (``Index of /`` pages);
* TRACE advertised in an ``OPTIONS`` ``Allow`` header;
* a default welcome page (nginx, Apache, IIS);
* exposed status/admin endpoints (``/server-status``, ``/nginx_status``, ``/actuator``...)
  that answer 200 with their tell-tale content.
"""

from __future__ import annotations

import logging
import re
import ssl

from mamori.analysers.hosts import _wire
from mamori.analysers.hosts._checks import Check, Hit
from mamori.analysers.hosts._http import HttpResponse, request
from mamori.model import Confidence, CweId, Severity

log = logging.getLogger(__name__)

__all__ = ["CHECKS", "HttpResponse", "check_http", "request"]

_OWASP = "https://owasp.org/www-project-secure-headers/"
MISSING_HEADERS = Check("HOST-HTTP-MISSING-HEADERS", "HTTP security headers missing",
                        Severity.LOW, CweId(693), _OWASP)  # fmt: skip
SERVER_VERSION = Check("HOST-HTTP-SERVER-VERSION", "HTTP server discloses its version",
                       Severity.LOW, CweId(200), _OWASP)  # fmt: skip
DIRECTORY_LISTING = Check("HOST-HTTP-DIRECTORY-LISTING", "HTTP directory listing enabled",
                          Severity.MEDIUM, CweId(548), _OWASP)  # fmt: skip
TRACE_ENABLED = Check(
    "HOST-HTTP-TRACE",
    "HTTP TRACE method enabled",
    Severity.LOW,
    CweId(693),
    "https://owasp.org/www-community/attacks/Cross_Site_Tracing",
)
DEFAULT_PAGE = Check("HOST-HTTP-DEFAULT-PAGE", "HTTP server shows its default page",
                     Severity.INFO, CweId(1188), _OWASP)  # fmt: skip
STATUS_ENDPOINT = Check("HOST-HTTP-STATUS-ENDPOINT", "HTTP status/admin endpoint exposed",
                        Severity.MEDIUM, CweId(200), _OWASP)  # fmt: skip
CHECKS = (MISSING_HEADERS, SERVER_VERSION, DIRECTORY_LISTING, TRACE_ENABLED, DEFAULT_PAGE,
          STATUS_ENDPOINT)  # fmt: skip

_DEFAULT_PAGES = re.compile(
    rb"<title>(Welcome to nginx!|Apache2 \w+ Default Page|IIS Windows Server|Test Page for)",
    re.IGNORECASE,
)
_LISTING = re.compile(rb"<title>Index of /|<h1>Index of /|Directory listing for /", re.IGNORECASE)
_VERSIONED = re.compile(r"/\d")
STATUS_PATHS: dict[str, re.Pattern[bytes]] = {
    "/server-status": re.compile(rb"Apache Server Status|Server uptime", re.IGNORECASE),
    "/nginx_status": re.compile(rb"Active connections:\s*\d+"),
    "/status": re.compile(rb"Active connections:\s*\d+|pool:\s+\S+\s+process manager"),
    "/actuator": re.compile(rb'"_links"\s*:'),
    "/actuator/env": re.compile(rb'"propertySources"\s*:'),
    "/server-info": re.compile(rb"Apache Server Information", re.IGNORECASE),
    "/phpinfo.php": re.compile(rb"<title>phpinfo\(\)|PHP Version \d", re.IGNORECASE),
}


async def check_http(host: str, port: int, tls: bool, timeout: float = 5.0) -> list[Hit]:
    """HTTP weaknesses of ``host:port`` (``tls``: speak HTTPS)."""
    ctx = _wire.client_context() if tls else None
    root = await request(host, port, "GET", "/", timeout, ctx)
    if not root.status:
        return []
    hits = [_headers(root, host, port, tls), _server(root, host, port), _listing(root, host, port)]
    hits.append(_default_page(root, host, port))
    options = await request(host, port, "OPTIONS", "/", timeout, ctx)
    hits.append(_trace(options, host, port))
    found = [h for h in hits if h is not None]
    return found + await _status_endpoints(host, port, timeout, ctx)


def _headers(r: HttpResponse, host: str, port: int, tls: bool) -> Hit | None:
    wanted = {"x-content-type-options": "nosniff", "content-security-policy": "a CSP"}
    if tls:
        wanted["strict-transport-security"] = "HSTS"
    missing = [name for name in wanted if name not in r.headers]
    csp = r.headers.get("content-security-policy", "")
    if "x-frame-options" not in r.headers and "frame-ancestors" not in csp:
        missing.append("x-frame-options")
    if not missing:
        return None
    return Hit(MISSING_HEADERS, host, port,
               f"{host}:{port} / is served without {', '.join(missing)}.",
               evidence=f"GET / -> {r.head}; headers: {', '.join(sorted(r.headers))}",
               properties={"missing": missing})  # fmt: skip


def _server(r: HttpResponse, host: str, port: int) -> Hit | None:
    server = r.headers.get("server", "") + " " + r.headers.get("x-powered-by", "")
    if not _VERSIONED.search(server):
        return None
    return Hit(SERVER_VERSION, host, port,
               f"{host}:{port} names its software version: {server.strip()}.",
               evidence=f"GET / -> {r.head}; Server: {r.headers.get('server', '')}")  # fmt: skip


def _listing(r: HttpResponse, host: str, port: int) -> Hit | None:
    if r.status != 200 or not _LISTING.search(r.body):
        return None
    return Hit(DIRECTORY_LISTING, host, port, f"{host}:{port} lists the files under /.",
               evidence=f"GET / -> {r.head}; {_wire.printable(r.body[:200])}")  # fmt: skip


def _default_page(r: HttpResponse, host: str, port: int) -> Hit | None:
    m = _DEFAULT_PAGES.search(r.body)
    if r.status != 200 or not m:
        return None
    return Hit(DEFAULT_PAGE, host, port,
               f"{host}:{port} serves the default page ({m[1].decode('latin-1')}).",
               evidence=f"GET / -> {r.head}; {_wire.printable(m[0])}",
               confidence=Confidence.MEDIUM)  # fmt: skip


def _trace(r: HttpResponse, host: str, port: int) -> Hit | None:
    allow = r.headers.get("allow", "") + "," + r.headers.get("public", "")
    if "TRACE" not in {m.strip().upper() for m in allow.split(",")}:
        return None
    return Hit(TRACE_ENABLED, host, port, f"{host}:{port} advertises the TRACE method.",
               evidence=f"OPTIONS / -> {r.head}; Allow: {r.headers.get('allow', '')}",
               confidence=Confidence.MEDIUM)  # fmt: skip


async def _status_endpoints(
    host: str, port: int, timeout: float, ctx: ssl.SSLContext | None
) -> list[Hit]:
    exposed: dict[str, str] = {}
    for path, tell in STATUS_PATHS.items():
        try:
            r = await request(host, port, "GET", path, timeout, ctx)
        except (OSError, TimeoutError, ssl.SSLError):
            continue
        if r.status == 200 and tell.search(r.body):
            exposed[path] = f"GET {path} -> {r.head}; {_wire.printable(r.body[:120])}"
    if not exposed:
        return []
    message = f"{host}:{port} serves {', '.join(exposed)} without authentication."
    evidence = "\n".join(exposed.values())
    return [
        Hit(STATUS_ENDPOINT, host, port, message, evidence, properties={"paths": list(exposed)})
    ]
