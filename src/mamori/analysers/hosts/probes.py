"""Service identification: a banner grab, then light, safe probes, one connection each.

The order is: wait briefly for a server-first banner (SSH, SMTP, FTP, MySQL); otherwise try
a TLS handshake (any port may speak TLS) and HTTP inside it; otherwise plain probes — HTTP
``GET /``, Redis ``PING``, Memcached ``version``, a PostgreSQL ``SSLRequest``, a MongoDB
``isMaster`` and an anonymous LDAP bind — with the probes that match the port number first.
No probe sends credentials or changes server state.
"""

from __future__ import annotations

import logging
import ssl
import struct
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from mamori.analysers.hosts import _wire
from mamori.analysers.hosts._bson import is_master_query, looks_like_mongo_reply

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
    tls (TLS carrying something unrecognised) or unknown."""
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
            return Service(host, port, "http", True, inner.banner, inner.transcript)
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
        async with _wire.connect(host, port, timeout) as (reader, _):
            data = await _wire.read_some(reader, wait, 1024)
    except (OSError, TimeoutError):
        return None
    if not data:
        return None
    t.got(data)
    name = _classify_banner(data, port)
    return _Hit(name, _wire.printable(data.split(b"\n")[0]), t.text())


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
    if not data.startswith(b"HTTP/"):
        return None
    t.got(data.split(b"\r\n\r\n")[0])
    return _Hit("http", _wire.printable(data.split(b"\r\n")[0]), t.text())


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
    if data.startswith(b"VERSION "):
        return _Hit("memcached", _wire.printable(data.split(b"\r\n")[0]), t.text())
    return None


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
}
_PORT_HINTS: dict[int, str] = {
    80: "http", 8000: "http", 8080: "http", 8081: "http", 6379: "redis", 11211: "memcached",
    5432: "postgresql", 27017: "mongodb", 389: "ldap",
}  # fmt: skip


def _ordered(port: int) -> list[_Probe]:
    """Plain probes, the one the port number suggests first."""
    first = _PORT_HINTS.get(port)
    names = [first] if first else []
    names += [n for n in _PROBES if n != first]
    return [_PROBES[n] for n in names]
