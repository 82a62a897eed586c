"""Unauthenticated access: services that answer a client that never identified itself.

No credentials are sent and nothing is guessed or changed:

* Redis: ``PING`` answered ``+PONG`` (an auth-protected server answers ``-NOAUTH``);
* Memcached: a binary-protocol ``stat`` answered with status 0 (a SASL-protected server answers
  "authentication required"), or, from a text-only server, ``stats`` answered with ``STAT``;
* MongoDB: ``listDatabases`` (names only) answered ``ok: 1``;
* PostgreSQL: a startup as role ``postgres`` with *no password* answered AuthenticationOk
  (a ``trust`` rule) — the session is terminated at once, no query runs;
* FTP: the conventional anonymous login (``USER anonymous``) accepted with ``230``;
* Elasticsearch/OpenSearch: ``GET /`` answered 200 with the cluster's name and version and no
  authentication challenge (security off, or anonymous access granted). Only ``GET /`` is
  sent: no index is listed, searched or written.

A service identified over TLS is checked over TLS.
"""

from __future__ import annotations

import logging
import ssl
import struct
from collections.abc import Awaitable, Callable

from mamori.analysers.hosts import _bson, _elastic, _memcache, _wire
from mamori.analysers.hosts._checks import Check, Hit
from mamori.analysers.hosts._http import request
from mamori.model import CweId, Severity

log = logging.getLogger(__name__)

__all__ = ["CHECKS", "check_unauth"]

_CIS = "CIS Benchmarks; vendor hardening guides"
REDIS = Check("HOST-REDIS-NO-AUTH", "Redis answers without authentication",
              Severity.HIGH, CweId(306), _CIS)  # fmt: skip
MEMCACHED = Check("HOST-MEMCACHED-NO-AUTH", "Memcached answers without authentication",
                  Severity.MEDIUM, CweId(306), _CIS)  # fmt: skip
MONGODB = Check("HOST-MONGODB-NO-AUTH", "MongoDB lists databases without authentication",
                Severity.HIGH, CweId(306), _CIS)  # fmt: skip
_PG_TRUST = "https://www.postgresql.org/docs/current/auth-trust.html"
POSTGRES = Check("HOST-POSTGRES-TRUST", "PostgreSQL lets role 'postgres' in without a password",
                 Severity.CRITICAL, CweId(306), _PG_TRUST)  # fmt: skip
FTP = Check("HOST-FTP-ANONYMOUS", "FTP accepts anonymous login", Severity.MEDIUM, CweId(287), _CIS)
ELASTICSEARCH = Check("HOST-ELASTICSEARCH-NO-AUTH", "Elasticsearch/OpenSearch answers without "
                      "authentication", Severity.HIGH, CweId(306), _CIS)  # fmt: skip
CHECKS = (REDIS, MEMCACHED, MONGODB, POSTGRES, FTP, ELASTICSEARCH)

_Probe = Callable[[str, int, float, ssl.SSLContext | None], Awaitable[Hit | None]]


async def check_unauth(
    host: str, port: int, service: str, timeout: float = 5.0, *, tls: bool = False
) -> list[Hit]:
    """Unauthenticated-access hits for ``service`` (a probes.Service name) on ``host:port``
    (``tls``: the service speaks TLS from the first byte)."""
    probes: dict[str, _Probe] = {"redis": _redis, "memcached": _memcached, "mongodb": _mongodb,
                                 "postgresql": _postgres, "ftp": _ftp,
                                 "elasticsearch": _elasticsearch}  # fmt: skip
    probe = probes.get(service)
    if probe is None:
        return []
    log.info("probe %s-unauth on %s:%d%s", service, host, port, " over TLS" * tls)
    hit = await probe(host, port, timeout, _wire.client_context() if tls else None)
    return [hit] if hit else []


async def _say(
    host: str, port: int, timeout: float, ctx: ssl.SSLContext | None, payload: bytes
) -> tuple[bytes, str]:
    t = _wire.Transcript()
    async with _wire.connect(host, port, timeout, ctx) as (reader, writer):
        writer.write(payload)
        t.sent(payload)
        data = await _wire.read_some(reader, timeout, 4096)
    t.got(data)
    return data, t.text()


async def _redis(host: str, port: int, timeout: float, ctx: ssl.SSLContext | None) -> Hit | None:
    data, transcript = await _say(host, port, timeout, ctx, b"PING\r\n")
    if not data.startswith(b"+PONG"):
        return None
    message = (f"Redis on {host}:{port} runs commands for anyone (PING answered without AUTH):"
               " data can be read, changed or wiped.")  # fmt: skip
    return Hit(REDIS, host, port, message, transcript)


async def _memcached(
    host: str, port: int, timeout: float, ctx: ssl.SSLContext | None
) -> Hit | None:
    # Binary first: the default server answers it and a SASL one refuses it at once, where a
    # text command would sit unanswered until the timeout. Text only if binary got no reply.
    t = _wire.Transcript()
    async with _wire.connect(host, port, timeout, ctx) as (reader, writer):
        writer.write(_memcache.request(_memcache.STAT))
        t.sent("binary STAT request (no SASL authentication)")
        replies = _memcache.responses(await _wire.read_some(reader, timeout, 4096))
    if replies:
        status = replies[0].status
        stats = " ".join(f"{_wire.printable(r.key)}={_wire.printable(r.value)}"
                         for r in replies[:4] if r.key)  # fmt: skip
        t.got(f"status {status:#04x} {stats or _wire.printable(replies[0].value)}")
        if status != 0:
            return None
        return _memcached_hit(host, port, "a binary 'stat'", t.text())
    data, transcript = await _say(host, port, timeout, ctx, b"stats\r\n")
    if not data.startswith(b"STAT "):
        return None
    return _memcached_hit(host, port, "'stats'", transcript)


def _memcached_hit(host: str, port: int, command: str, transcript: str) -> Hit:
    return Hit(MEMCACHED, host, port, f"Memcached on {host}:{port} answers {command} without "
               "SASL authentication: cached data is readable.", transcript)  # fmt: skip


async def _mongodb(host: str, port: int, timeout: float, ctx: ssl.SSLContext | None) -> Hit | None:
    t = _wire.Transcript()
    async with _wire.connect(host, port, timeout, ctx) as (reader, writer):
        writer.write(_bson.list_databases_msg())
        t.sent("OP_MSG {listDatabases: 1, nameOnly: true, $db: 'admin'}")
        head = await _wire.read_exactly(reader, 16, timeout)
        length = struct.unpack_from("<i", head)[0] if len(head) == 16 else 0
        body = await _wire.read_exactly(reader, max(0, min(length, 1 << 20) - 16), timeout)
    ok = _bson.reply_ok(head + body)
    t.got(f"reply ok={ok}")
    if not ok:
        return None
    return Hit(MONGODB, host, port, f"MongoDB on {host}:{port} lists its databases to a client "
               "that never authenticated.", t.text())  # fmt: skip


def _startup(user: str) -> bytes:
    params = f"user\x00{user}\x00database\x00postgres\x00application_name\x00mamori-scan\x00\x00"
    body = struct.pack("!i", 196608) + params.encode()
    return struct.pack("!i", len(body) + 4) + body


async def _postgres(host: str, port: int, timeout: float, ctx: ssl.SSLContext | None) -> Hit | None:
    t = _wire.Transcript()
    async with _wire.connect(host, port, timeout, ctx) as (reader, writer):
        writer.write(_startup("postgres"))
        t.sent("StartupMessage user=postgres database=postgres (no password)")
        head = await _wire.read_exactly(reader, 9, timeout)
        trusted = len(head) == 9 and head[0:1] == b"R" and struct.unpack("!i", head[5:9])[0] == 0
        t.got(f"{head[0:1].decode('latin-1')} {'AuthenticationOk' if trusted else 'other'}")
        writer.write(b"X\x00\x00\x00\x04")  # Terminate: leave at once
    if not trusted:
        return None
    return Hit(POSTGRES, host, port, f"PostgreSQL on {host}:{port} accepted role 'postgres' "
               "with no password (a 'trust' rule in pg_hba.conf).", t.text())  # fmt: skip


async def _ftp(host: str, port: int, timeout: float, ctx: ssl.SSLContext | None) -> Hit | None:
    t = _wire.Transcript()
    async with _wire.connect(host, port, timeout, ctx) as (reader, writer):
        t.got(await _wire.read_until(reader, b"\r\n", timeout, 1024))
        for line in (b"USER anonymous\r\n", b"PASS mamori-scan@\r\n"):
            writer.write(line)
            t.sent(line)
            reply = await _wire.read_until(reader, b"\r\n", timeout, 1024)
            t.got(reply)
            if reply.startswith(b"230"):
                writer.write(b"QUIT\r\n")
                return Hit(FTP, host, port, f"FTP on {host}:{port} accepts anonymous login.",
                           t.text())  # fmt: skip
    return None


async def _elasticsearch(
    host: str, port: int, timeout: float, ctx: ssl.SSLContext | None
) -> Hit | None:
    r = await request(host, port, "GET", "/", timeout, ctx)
    found = _elastic.cluster(r)
    if found is None or "www-authenticate" in r.headers:
        return None
    message = (f"{found.product} {found.version} on {host}:{port} (cluster {found.name!r}) "
               "answers GET / to a client that never authenticated: security is off or "
               "anonymous access is granted, so its indices may be readable and writable by "
               "anyone who reaches the port.")  # fmt: skip
    body = _wire.printable(_elastic.compact(r.body), 480)
    return Hit(ELASTICSEARCH, host, port, message, f"GET / (no credentials) -> {r.head}; {body}",
               properties={"product": found.product, "version": found.version,
                           "cluster_name": found.name})  # fmt: skip
