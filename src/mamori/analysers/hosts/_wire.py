"""Small network helpers shared by probes and checks: bounded connects, reads and transcripts.

Every helper has a timeout and a read limit, so a silent or chatty peer can never hang or
flood a scan. Transcripts show what was sent (``>``) and received (``<``) as printable text,
redacted and truncated before anything stores or logs them.
"""

from __future__ import annotations

import asyncio
import contextlib
import ssl
import warnings
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field

from mamori.redact import redact_known_patterns, truncate

READ_LIMIT = 16384
"""Most bytes read from a peer in one exchange."""


@dataclass(slots=True)
class Transcript:
    """A growing, printable record of one probe's exchange (mutable while probing)."""

    lines: list[str] = field(default_factory=list)
    """``> sent`` and ``< received`` lines."""

    def sent(self, data: bytes | str) -> None:
        """Record bytes sent to the peer."""
        self.lines.append("> " + printable(data))

    def got(self, data: bytes | str) -> None:
        """Record bytes received from the peer."""
        self.lines.append("< " + printable(data))

    def text(self, limit: int = 600) -> str:
        """The transcript as one redacted, truncated string."""
        return evidence("\n".join(self.lines), limit)


def printable(data: bytes | str, limit: int = 160) -> str:
    """``data`` as one line of printable ASCII (other bytes shown as ``.``), truncated."""
    text = data.decode("latin-1") if isinstance(data, bytes) else data
    shown = "".join(c if " " <= c <= "~" else "." for c in text.replace("\r\n", " | "))
    return truncate(shown, limit)


def evidence(text: str, limit: int = 600) -> str:
    """Redact secret shapes, then truncate (in that order, so no cut hides a secret)."""
    return truncate(redact_known_patterns(text), limit)


Upgrade = Callable[[asyncio.StreamReader, asyncio.StreamWriter, float], Awaitable[None]]
"""A plain-text preamble after which the server starts TLS (SMTP's ``STARTTLS``); it raises
ValueError when the server will not."""


@contextlib.asynccontextmanager
async def connect(
    host: str,
    port: int,
    timeout: float,
    tls: ssl.SSLContext | None = None,
    starttls: Upgrade | None = None,
) -> AsyncIterator[tuple[asyncio.StreamReader, asyncio.StreamWriter]]:
    """An open (optionally TLS) stream pair, closed on exit; OSError/TimeoutError on failure.

    With ``tls`` and ``starttls``, the connection starts in plain text, runs ``starttls`` and
    then hands ``tls`` the socket; otherwise ``tls`` wraps it from the first byte.
    """
    direct = tls if starttls is None else None
    handshake = {"ssl_handshake_timeout": timeout} if direct else {}
    opening = asyncio.open_connection(host, port, ssl=direct, limit=READ_LIMIT, **handshake)
    reader, writer = await asyncio.wait_for(opening, timeout)
    try:
        if tls and starttls:
            await starttls(reader, writer, timeout)
            upgrade = writer.start_tls(tls, ssl_handshake_timeout=timeout)
            await asyncio.wait_for(upgrade, timeout)
        yield reader, writer
    finally:
        writer.close()
        with contextlib.suppress(OSError, TimeoutError, ssl.SSLError):
            await asyncio.wait_for(writer.wait_closed(), timeout)


async def read_some(reader: asyncio.StreamReader, timeout: float, limit: int = READ_LIMIT) -> bytes:
    """What the peer sends within ``timeout`` (up to ``limit`` bytes); ``b""`` if nothing."""
    try:
        return await asyncio.wait_for(reader.read(limit), timeout)
    except (TimeoutError, ConnectionError):
        return b""


async def read_until(
    reader: asyncio.StreamReader, done: bytes, timeout: float, limit: int = READ_LIMIT
) -> bytes:
    """Bytes until ``done`` appears, the peer closes, ``limit`` is reached or time runs out."""
    data = b""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while done not in data and len(data) < limit:
        left = deadline - loop.time()
        if left <= 0:
            break
        chunk = await read_some(reader, left, limit - len(data))
        if not chunk:
            break
        data += chunk
    return data


async def read_exactly(reader: asyncio.StreamReader, n: int, timeout: float) -> bytes:
    """Exactly ``n`` bytes, or fewer if the peer closes or time runs out."""
    try:
        return await asyncio.wait_for(reader.readexactly(n), timeout)
    except asyncio.IncompleteReadError as e:
        return e.partial
    except (TimeoutError, ConnectionError):
        return b""


def client_context(
    minimum: ssl.TLSVersion = ssl.TLSVersion.MINIMUM_SUPPORTED,
    maximum: ssl.TLSVersion = ssl.TLSVersion.MAXIMUM_SUPPORTED,
    ciphers: str = "ALL:@SECLEVEL=0",
) -> ssl.SSLContext:
    """A non-verifying client context that offers legacy protocols and ciphers on purpose.

    The scanner must *see* what a server accepts, so certificate checks are done separately
    (see :mod:`.checks_tls`) and OpenSSL's security level is lowered to 0 client-side.
    """
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    with warnings.catch_warnings():  # legacy versions are deprecated: offering them is the point
        warnings.simplefilter("ignore", DeprecationWarning)
        ctx.minimum_version = minimum
        ctx.maximum_version = maximum
    ctx.set_ciphers(ciphers)
    return ctx
