"""Service identification: a banner grab, then light, safe probes, one connection each.

The order is: wait briefly for a server-first banner (SSH, SMTP, FTP, MySQL) — a ``220``
greeting that does not name FTP gets an ``EHLO``, which SMTP answers with its extensions
(``STARTTLS`` among them when offered) and FTP rejects; otherwise try
a TLS handshake (any port may speak TLS) and HTTP inside it; otherwise plain probes — HTTP
``GET /``, Redis ``PING``, Memcached ``version``, a PostgreSQL ``SSLRequest``, a MongoDB
``isMaster``, an anonymous LDAP bind and a binary-protocol Memcached ``version`` (all a
SASL-only memcached answers) — with the probe that matches the port number first.
The answer to ``GET /`` can name more than HTTP: MongoDB answers it on its own port with a
fixed "trying to access MongoDB over HTTP" page, and Elasticsearch/OpenSearch with their root
API (or its 401), so those come out as ``mongodb`` and ``elasticsearch``.
No probe sends credentials or changes server state.
"""

from __future__ import annotations

import asyncio
import logging
import ssl
import struct
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from mamori.analysers.hosts import _elastic, _memcache, _smtp, _wire
from mamori.analysers.hosts._bson import is_master_query, looks_like_mongo_reply
from mamori.analysers.hosts._http import HttpResponse, parse_response, rest_of_body

log = logging.getLogger(__name__)

__all__ = ["Service", "identify"]


@dataclass(frozen=True, slots=True)
class Service:
    """What answers on one ``host:port``."""

    host: str
    """The address probed."""
    port: int
    """The TCP port."""
    name: str
    """Protocol: ssh, http, smtp, ftp, mysql, postgresql, redis, memcached, mongodb, ldap,
    elasticsearch (Elasticsearch or OpenSearch, HTTP underneath), tls (TLS carrying something
    unrecognised) or unknown."""
    tls: bool = False
    """Whether the service speaks TLS right after connect."""
    banner: str = ""
    """First thing the server said, printable and truncated."""
    transcript: str = ""
    """The identifying exchange, redacted and truncated."""


@dataclass(frozen=True, slots=True)
class _Hit:
    name: str
    banner: str
    transcript: str


_Probe = Callable[[str, int, float, ssl.SSLContext | None], Awaitable[_Hit | None]]

_HTTP_GET = b"GET / HTTP/1.0\r\nHost: %s\r\nUser-Agent: mamori-scan\r\nAccept: */*\r\n\r\n"
_HTTP_BODY_LIMIT = 4096
# What mongod sends back, then hangs up, when a connection's first bytes are "GET ".
_MONGOD_HTTP_PAGE = b"It looks like you are trying to access MongoDB over HTTP"


async def identify(
    host: str, port: int, *, timeout: float = 2.0, banner_wait: float = 1.0, tls_wait: float = 1.0
) -> Service:
    """Identify the service on ``host:port`` (already authorised by the scope).

    ``banner_wait`` bounds the wait for a server-first banner and ``tls_wait`` the trial TLS
    handshake (some plain-text servers sit silently on a ClientHello); ``timeout`` bounds
    every other probe.
    """
    hit = await _banner(host, port, timeout, banner_wait)
    if hit:
        return Service(host, port, hit.name, False, hit.banner, hit.transcript)
    if await _speaks_tls(host, port, min(timeout, tls_wait)):
        inner = await _safe(_http, host, port, timeout, _wire.client_context())
        if inner:
            return Service(host, port, inner.name, True, inner.banner, inner.transcript)
        return Service(host, port, "tls", True, "", "TLS handshake completed")
    for probe in _ordered(port):
        hit = await _safe(probe, host, port, timeout, None)
        if hit:
            return Service(host, port, hit.name, False, hit.banner, hit.transcript)
    return Service(host, port, "unknown")


async def _safe(
    probe: _Probe, host: str, port: int, timeout: float, tls: ssl.SSLContext | None
) -> _Hit | None:
    log.debug("probe %s on %s:%d", probe.__name__.strip("_"), host, port)
    try:
        return await probe(host, port, timeout, tls)
    except (OSError, TimeoutError, ssl.SSLError, ValueError) as e:
        log.debug("probe %s on %s:%d failed: %s", probe.__name__, host, port, e)
        return None


async def _banner(host: str, port: int, timeout: float, wait: float) -> _Hit | None:
    log.debug("probe banner on %s:%d", host, port)
    t = _wire.Transcript()
    try:
        async with _wire.connect(host, port, timeout) as (reader, writer):
            data = await _wire.read_some(reader, wait, 1024)
            t.got(data)
            name = _classify_banner(data, port)
            if name == "smtp":
                name = await _smtp_or_ftp(reader, writer, data, timeout, t)
    except (OSError, TimeoutError):
        return None
    if not data:
        return None
    first = _mysql_version(data) if name == "mysql" else data.split(b"\n")[0].rstrip(b"\r")
    return _Hit(name, _wire.printable(first), t.text())


def _mysql_version(packet: bytes) -> bytes:
    """The server version from a MySQL/MariaDB handshake, or the message of an error packet."""
    if packet[4] == 0xFF:  # e.g. "Host '10.0.0.9' is not allowed to connect to this server"
        return packet[7:].lstrip(b"#")
    return packet[5:].split(b"\x00", 1)[0]


async def _smtp_or_ftp(
    reader: asyncio.StreamReader,
    writer: asyncio.StreamWriter,
    greeting: bytes,
    timeout: float,
    t: _wire.Transcript,
) -> str:
    """SMTP if EHLO gets 250 or the greeting says SMTP (the EHLO reply, STARTTLS included
    when offered, goes in the transcript), else FTP (which answers EHLO with an error)."""
    try:
        if not _smtp.complete(greeting):
            await _smtp.reply(reader, timeout)  # the rest of a multi-line greeting
        writer.write(b"EHLO mamori-scan.invalid\r\n")
        t.sent("EHLO mamori-scan.invalid")
        code, lines = await _smtp.reply(reader, timeout)
    except (OSError, TimeoutError, ValueError):
        return "smtp"  # what the greeting alone suggests
    t.got(" | ".join(lines))
    if code == 250 or b"smtp" in greeting.lower():
        writer.write(b"QUIT\r\n")
        return "smtp"
    return "ftp"


def _classify_banner(data: bytes, port: int) -> str:
    lowered = data.lower()
    if data.startswith(b"SSH-"):
        return "ssh"
    if data.startswith(b"220"):
        if b"ftp" in lowered or port in (21, 990):
            return "ftp"
        return "smtp"
    if len(data) > 5 and data[3] == 0 and data[4] in (0x0A, 0xFF):
        return "mysql"
    return "unknown"


async def _speaks_tls(host: str, port: int, timeout: float) -> bool:
    log.debug("probe tls-handshake on %s:%d", host, port)
    try:
        async with _wire.connect(host, port, timeout, _wire.client_context()):
            return True
    except (OSError, TimeoutError, ssl.SSLError):
        return False


async def _http(host: str, port: int, timeout: float, tls: ssl.SSLContext | None) -> _Hit | None:
    t = _wire.Transcript()
    async with _wire.connect(host, port, timeout, tls) as (reader, writer):
        request = _HTTP_GET % host.encode()
        writer.write(request)
        t.sent(request.split(b"\r\n")[0])
        data = await _wire.read_until(reader, b"\r\n\r\n", timeout)
        data += await rest_of_body(reader, data, timeout, _HTTP_BODY_LIMIT)
    if not data.startswith(b"HTTP/"):
        return None
    r = parse_response(data)
    t.got(data.split(b"\r\n\r\n")[0])
    name, banner = _behind_http(r)
    if name != "http":
        t.got(_elastic.compact(r.body) if name == "elasticsearch" else r.body)
    return _Hit(name, banner, t.text())


def _behind_http(r: HttpResponse) -> tuple[str, str]:
    """(service name, banner) for what answered ``GET /`` with ``r``."""
    if r.body.startswith(_MONGOD_HTTP_PAGE):
        return "mongodb", _wire.printable(r.body.strip())
    found = _elastic.cluster(r)
    if found:
        return "elasticsearch", _wire.printable(f"{found.product} {found.version} "
                                                f"(cluster {found.name!r})")  # fmt: skip
    product = _elastic.secured(r)
    if product:
        return "elasticsearch", f"{product}, authentication required ({r.head})"
    return "http", r.head


async def _exchange(
    host: str, port: int, timeout: float, payload: bytes, limit: int = 4096
) -> tuple[bytes, _wire.Transcript]:
    t = _wire.Transcript()
    async with _wire.connect(host, port, timeout) as (reader, writer):
        writer.write(payload)
        t.sent(payload)
        data = await _wire.read_some(reader, timeout, limit)
    t.got(data)
    return data, t


async def _redis(host: str, port: int, timeout: float, _: ssl.SSLContext | None) -> _Hit | None:
    data, t = await _exchange(host, port, timeout, b"PING\r\n")
    if data.startswith((b"+PONG", b"-NOAUTH", b"-DENIED", b"-ERR operation not permitted")):
        return _Hit("redis", _wire.printable(data.split(b"\r\n")[0]), t.text())
    return None


async def _memcached(host: str, port: int, timeout: float, _: ssl.SSLContext | None) -> _Hit | None:
    data, t = await _exchange(host, port, timeout, b"version\r\n")
    # ``-Y`` (text-protocol authentication) answers every command before login with this error
    if data.startswith((b"VERSION ", b"CLIENT_ERROR unauthenticated")):
        return _Hit("memcached", _wire.printable(data.split(b"\r\n")[0]), t.text())
    return None


async def _memcached_binary(
    host: str, port: int, timeout: float, _: ssl.SSLContext | None
) -> _Hit | None:
    """Binary ``version``: what a SASL-only memcached (``-S``) answers before authentication."""
    data, t = await _exchange(host, port, timeout, _memcache.request(_memcache.VERSION))
    replies = _memcache.responses(data)
    if not replies or replies[0].opcode != _memcache.VERSION or replies[0].status != 0:
        return None
    banner = f"VERSION {_wire.printable(replies[0].value)} (binary protocol)"
    return _Hit("memcached", banner, t.text())


async def _postgres(host: str, port: int, timeout: float, _: ssl.SSLContext | None) -> _Hit | None:
    data, t = await _exchange(host, port, timeout, struct.pack("!ii", 8, 80877103), 1)
    if data in (b"S", b"N"):
        return _Hit("postgresql", "SSLRequest answered " + data.decode(), t.text())
    return None


async def _mongodb(host: str, port: int, timeout: float, _: ssl.SSLContext | None) -> _Hit | None:
    data, t = await _exchange(host, port, timeout, is_master_query(), 16384)
    if looks_like_mongo_reply(data):
        return _Hit("mongodb", "isMaster answered", t.text())
    return None


# LDAPv3 BindRequest, message id 1, empty DN, empty simple password (anonymous bind).
_LDAP_ANON_BIND = bytes.fromhex("300c020101600702010304008000")


async def _ldap(host: str, port: int, timeout: float, _: ssl.SSLContext | None) -> _Hit | None:
    data, t = await _exchange(host, port, timeout, _LDAP_ANON_BIND)
    if len(data) > 7 and data[0] == 0x30 and b"\x61" in data[2:8]:
        return _Hit("ldap", "BindResponse", t.text())
    return None


_PROBES: dict[str, _Probe] = {
    "http": _http,
    "redis": _redis,
    "memcached": _memcached,
    "postgresql": _postgres,
    "mongodb": _mongodb,
    "ldap": _ldap,
    # Last, as a text-protocol server waits for the rest of its 24-byte header; but first on
    # 11211, where the default server answers it too and a SASL-only one answers nothing else.
    "memcached-binary": _memcached_binary,
}
_PORT_HINTS: dict[int, str] = {
    80: "http", 8000: "http", 8080: "http", 8081: "http", 6379: "redis",
    11211: "memcached-binary", 5432: "postgresql", 27017: "mongodb", 389: "ldap",
}  # fmt: skip


def _ordered(port: int) -> list[_Probe]:
    """Plain probes, the one the port number suggests first."""
    first = _PORT_HINTS.get(port)
    names = [first] if first else []
    names += [n for n in _PROBES if n != first]
    return [_PROBES[n] for n in names]
