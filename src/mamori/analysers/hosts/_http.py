"""Bounded HTTP/1.x exchanges shared by probes and checks: ``GET`` and ``OPTIONS`` only.

Responses are read with a limit and a timeout (see :mod:`._wire`), and parsed just enough for
the checks: status, headers, the first bytes of the body.
"""

from __future__ import annotations

import asyncio
import logging
import re
import ssl
from dataclasses import dataclass

from mamori.analysers.hosts import _wire

log = logging.getLogger(__name__)

__all__ = ["HttpResponse", "parse_response", "request", "rest_of_body"]

_CONTENT_LENGTH = re.compile(rb"^content-length:[ \t]*(\d+)[ \t]*$", re.IGNORECASE | re.MULTILINE)


@dataclass(frozen=True, slots=True)
class HttpResponse:
    """A bounded HTTP response (head and the first bytes of the body)."""

    status: int
    """Status code, 0 when unparsable."""
    headers: dict[str, str]
    """Headers with lower-case names (last value wins)."""
    body: bytes
    """The first bytes of the body."""
    head: str
    """The status line, printable."""


async def request(
    host: str, port: int, method: str, path: str, timeout: float, tls: ssl.SSLContext | None
) -> HttpResponse:
    """Send one ``GET``/``OPTIONS`` request and read a bounded response."""
    if method not in ("GET", "OPTIONS"):
        raise ValueError(f"method {method} is not allowed: host checks use GET and OPTIONS")
    log.debug("probe http-%s %s on %s:%d", method.lower(), path, host, port)
    raw = (f"{method} {path} HTTP/1.1\r\nHost: {host}\r\nUser-Agent: mamori-scan\r\n"
           "Accept: */*\r\nConnection: close\r\n\r\n").encode()  # fmt: skip
    async with _wire.connect(host, port, timeout, tls) as (reader, writer):
        writer.write(raw)
        data = await _wire.read_until(reader, b"\x00never\x00", timeout, 65536)
    return parse_response(data)


def parse_response(data: bytes) -> HttpResponse:
    """Split a raw response into status, headers and body."""
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    m = re.match(r"HTTP/\d(?:\.\d)?\s+(\d{3})", lines[0])
    headers = {}
    for line in lines[1:]:
        name, sep, value = line.partition(":")
        if sep:
            headers[name.strip().lower()] = value.strip()
    return HttpResponse(int(m[1]) if m else 0, headers, body, _wire.printable(lines[0]))


async def rest_of_body(
    reader: asyncio.StreamReader, data: bytes, timeout: float, limit: int
) -> bytes:
    """The body bytes still owed after ``data`` (a head, maybe with part of its body) as its
    ``Content-Length`` says, the whole body capped at ``limit``; ``b""`` without a length."""
    head, sep, body = data.partition(b"\r\n\r\n")
    m = _CONTENT_LENGTH.search(head)
    owed = min(int(m[1]), limit) - len(body) if sep and m else 0
    return await _wire.read_exactly(reader, owed, timeout) if owed > 0 else b""
