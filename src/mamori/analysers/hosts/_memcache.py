"""Just enough of Memcached's binary protocol to ask ``version`` and ``stat``.

A memcached started with ``-S`` (SASL) speaks only the binary protocol and ignores a text
command until 24 bytes have arrived; it answers a binary ``version`` before authentication and
any other command with status ``0x20`` (authentication required). Every request here is a bare
24-byte header: no key, no value, nothing that changes the cache.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

VERSION, STAT = 0x0B, 0x10
"""Opcodes of the two requests sent."""
AUTH_ERROR = 0x20
"""Response status: authentication required (or failed)."""

_HEADER = struct.Struct("!BBHBBHIIQ")  # magic opcode keylen extlen type status bodylen opaque cas
_REQUEST, _RESPONSE = 0x80, 0x81


@dataclass(frozen=True, slots=True)
class Response:
    """One binary-protocol response packet."""

    opcode: int
    """Opcode it answers."""
    status: int
    """0 on success; ``AUTH_ERROR`` when the server wants SASL first."""
    key: bytes
    """Key (the statistic's name for ``stat``)."""
    value: bytes
    """Value (version text, statistic value or error message)."""


def request(opcode: int) -> bytes:
    """A request header for ``opcode`` with an empty body."""
    return _HEADER.pack(_REQUEST, opcode, 0, 0, 0, 0, 0, 0, 0)


def responses(data: bytes) -> list[Response]:
    """The complete response packets at the start of ``data`` (empty if it is not binary)."""
    out: list[Response] = []
    at = 0
    while at + _HEADER.size <= len(data) and data[at] == _RESPONSE:
        _, opcode, keylen, extlen, _, status, bodylen, _, _ = _HEADER.unpack_from(data, at)
        body = data[at + _HEADER.size : at + _HEADER.size + bodylen]
        if len(body) < bodylen or keylen + extlen > bodylen:
            break
        key = body[extlen : extlen + keylen]
        out.append(Response(opcode, status, key, body[extlen + keylen :]))
        at += _HEADER.size + bodylen
    return out
