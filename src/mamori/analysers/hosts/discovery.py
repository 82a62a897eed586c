"""Asyncio TCP connect scanning, strictly inside the scope.

Every ``host:port`` is authorised with :meth:`~mamori.scope.Scope.host_rule` *before* the
first socket is opened: one out-of-scope endpoint refuses the whole scan with a
:class:`~mamori.errors.ScopeError` and nothing is touched. The scan is a plain TCP connect
(what ``nmap -sT`` does), so it needs no privileges. Three limits keep it polite:

* a global cap on connections in flight (``concurrency``),
* a per-host cap (``per_host``) so one host never sees a burst from every worker,
* a token bucket on connection attempts per second (``rate``), retries included.

A refused connection is *closed* and never retried; a timeout or an unreachable error is
retried up to ``retries`` times and then counted as *filtered*.
"""

from __future__ import annotations

import asyncio
import collections
import errno
import ipaddress
import logging
import socket
import struct
import time
from collections.abc import Coroutine, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from mamori.errors import ConfigError
from mamori.scope import Scope

log = logging.getLogger(__name__)

_LINGER_RST = struct.pack("ii", 1, 0)
_IN_PROGRESS = frozenset({errno.EINPROGRESS, errno.EWOULDBLOCK, errno.EAGAIN})

__all__ = ["OpenPort", "TokenBucket", "authorise", "expand_hosts", "run", "scan_ports"]

MAX_ENDPOINTS = 1 << 20
"""Largest number of ``host:port`` pairs one scan may cover (a /16 times 16 ports)."""

_T = TypeVar("_T")


@dataclass(frozen=True, slots=True)
class OpenPort:
    """One TCP port that accepted a connection."""

    host: str
    """The address that was connected to."""
    port: int
    """The TCP port."""
    scope_rule: str
    """The scope rule that authorised probing it."""
    seconds: float
    """How long the successful connect took."""

    @property
    def locator(self) -> str:
        """``host:port`` (IPv6 addresses in brackets)."""
        return f"[{self.host}]:{self.port}" if ":" in self.host else f"{self.host}:{self.port}"


class TokenBucket:
    """A token bucket: at most ``rate`` takes per second on average, ``burst`` at once."""

    def __init__(self, rate: float, burst: float | None = None) -> None:
        if rate <= 0:
            raise ConfigError(f"scan rate must be positive, not {rate}", hint="e.g. rate=500")
        self.rate = rate
        self.burst = max(1.0, burst if burst is not None else rate / 50)
        self._tokens = 1.0
        self._stamp = time.monotonic()
        self._lock = asyncio.Lock()

    def _try_take(self) -> bool:
        now = time.monotonic()
        self._tokens = min(self.burst, self._tokens + (now - self._stamp) * self.rate)
        self._stamp = now
        if self._tokens >= 1.0:
            self._tokens -= 1.0
            return True
        return False

    async def take(self) -> None:
        """Wait until a token is available and consume it."""
        if not self._lock.locked() and self._try_take():
            return
        async with self._lock:
            while True:
                if self._try_take():
                    return
                await asyncio.sleep((1.0 - self._tokens) / self.rate)


def expand_hosts(hosts: Iterable[str]) -> list[str]:
    """IP addresses from addresses and CIDRs (network and broadcast addresses dropped)."""
    out: dict[str, None] = {}
    for item in hosts:
        try:
            net = ipaddress.ip_network(item.strip(), strict=False)
        except ValueError as e:
            raise ConfigError(
                f"{item!r} is neither an IP address nor a CIDR",
                hint="give hosts as 10.0.0.5 or 10.0.0.0/24",
            ) from e
        addrs = [net.network_address] if net.num_addresses == 1 else list(net.hosts())
        out.update(dict.fromkeys(str(a) for a in addrs))
    return list(out)


def authorise(scope: Scope, hosts: Sequence[str], ports: Sequence[int]) -> dict[str, str]:
    """``{"host:port": rule}`` for every endpoint; raise ScopeError if any is out of scope."""
    if len(hosts) * len(ports) > MAX_ENDPOINTS:
        raise ConfigError(
            f"{len(hosts)} hosts x {len(ports)} ports is more than {MAX_ENDPOINTS} endpoints",
            hint="split the scan into smaller networks or fewer ports",
        )
    scope.check_window()
    return {_key(h, p): scope.host_rule(h, p) for p in ports for h in hosts}


async def scan_ports(
    scope: Scope,
    hosts: Sequence[str],
    ports: Iterable[int],
    *,
    concurrency: int = 512,
    per_host: int = 256,
    rate: float = 5000.0,
    timeout: float = 1.0,
    retries: int = 1,
) -> list[OpenPort]:
    """Open TCP ports among ``hosts`` (IPs or CIDRs) x ``ports``, sorted by host and port.

    Raises ScopeError before any socket is opened when any endpoint is out of scope.
    """
    addrs, port_list = expand_hosts(hosts), sorted(set(ports))
    rules = authorise(scope, addrs, port_list)
    if concurrency < 1 or per_host < 1 or timeout <= 0 or retries < 0:
        raise ConfigError("concurrency and per_host must be >= 1, timeout > 0, retries >= 0")
    scanner = _Scanner(TokenBucket(rate), per_host, timeout, retries)
    endpoints = iter([(h, p) for p in port_list for h in addrs])  # spread load across hosts
    found: list[OpenPort] = []
    workers = min(concurrency, len(rules)) or 1
    log.info("scanning %d endpoints (%d hosts) at <= %.0f conn/s", len(rules), len(addrs), rate)
    await asyncio.gather(*(scanner.worker(endpoints, rules, found) for _ in range(workers)))
    return sorted(found, key=_order)


class _Scanner:
    """Shared limits of one scan (rate bucket, per-host semaphores, timeouts)."""

    def __init__(self, bucket: TokenBucket, per_host: int, timeout: float, retries: int) -> None:
        self.bucket = bucket
        self.per_host = per_host
        self.timeout = timeout
        self.retries = retries
        self._gates: dict[str, _Gate] = {}

    async def worker(
        self, endpoints: Iterator[tuple[str, int]], rules: dict[str, str], found: list[OpenPort]
    ) -> None:
        for host, port in endpoints:
            gate = self._gates.get(host) or self._gates.setdefault(host, _Gate(self.per_host))
            await gate.acquire()
            try:
                seconds = await self.probe(host, port)
            finally:
                gate.release()
            if seconds is not None:
                found.append(OpenPort(host, port, rules[_key(host, port)], seconds))

    async def probe(self, host: str, port: int) -> float | None:
        """Connect time when ``host:port`` is open, else None."""
        for attempt in range(self.retries + 1):
            await self.bucket.take()
            outcome = await _connect(host, port, self.timeout)
            if outcome != "filtered":
                return outcome if isinstance(outcome, float) else None
            log.debug("connect %s:%d attempt %d timed out", host, port, attempt + 1)
        return None


class _Gate:
    """A FIFO counting semaphore with O(1) wake-ups (asyncio's is O(waiters) in 3.11)."""

    def __init__(self, limit: int) -> None:
        self._free = limit
        self._waiters: collections.deque[asyncio.Future[None]] = collections.deque()

    async def acquire(self) -> None:
        if self._free > 0:
            self._free -= 1
            return
        fut = asyncio.get_running_loop().create_future()
        self._waiters.append(fut)
        try:
            await fut
        except asyncio.CancelledError:
            if fut.done() and not fut.cancelled():
                self.release()  # the slot was handed to us after all: pass it on
            raise

    def release(self) -> None:
        while self._waiters:
            fut = self._waiters.popleft()
            if not fut.done():
                fut.set_result(None)  # hand the slot over directly
                return
        self._free += 1


async def _connect(host: str, port: int, timeout: float) -> float | str:
    """Connect time (seconds), ``"closed"`` or ``"filtered"``.

    A non-blocking ``connect`` that completes at once (loopback, LAN) costs no event-loop
    round trip; otherwise the socket is awaited for writability up to ``timeout``.
    """
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM | socket.SOCK_NONBLOCK)
    start = time.monotonic()
    try:
        err: int | None = sock.connect_ex((host, port))
        if err in _IN_PROGRESS:
            err = _settled(sock)
        if err is None:
            err = await _wait_connected(sock, timeout)
        if err == 0 and sock.getsockname() == sock.getpeername():
            err = errno.ECONNREFUSED  # TCP self-connect to our own ephemeral port
        if err == 0:
            # RST on close: no TIME_WAIT pile-up on the scanner, as nmap -sT behaves.
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, _LINGER_RST)
    except OSError as e:
        err = e.errno or errno.EIO
    finally:
        sock.close()
    if err == 0:
        return time.monotonic() - start
    return "closed" if err == errno.ECONNREFUSED else "filtered"


def _settled(sock: socket.socket) -> int | None:
    """The connect errno if the kernel already knows the outcome (loopback), else None."""
    err = sock.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
    if err:
        return err
    return 0 if _is_connected(sock) else None


async def _wait_connected(sock: socket.socket, timeout: float) -> int:
    """The socket's connect errno once writable, or ETIMEDOUT after ``timeout`` seconds."""
    loop = asyncio.get_running_loop()
    done: asyncio.Future[None] = loop.create_future()

    def _settle() -> None:
        if not done.done():
            done.set_result(None)

    fd = sock.fileno()
    loop.add_writer(fd, _settle)
    timer = loop.call_later(timeout, _settle)
    try:
        await done
    finally:
        loop.remove_writer(fd)
        timer.cancel()
    err = sock.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
    if err == 0 and not _is_connected(sock):
        return errno.ETIMEDOUT
    return err


def _is_connected(sock: socket.socket) -> bool:
    try:
        sock.getpeername()
    except OSError:
        return False
    return True


def _order(o: OpenPort) -> tuple[int, int, int]:
    addr = ipaddress.ip_address(o.host)
    return addr.version, int(addr), o.port


def _key(host: str, port: int) -> str:
    return f"{host}:{port}"


def run(coro: Coroutine[Any, Any, _T]) -> _T:
    """Run ``coro`` to completion on uvloop when it is installed, else on asyncio's loop."""
    try:
        import uvloop
    except ImportError:
        return asyncio.run(coro)
    with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
        return runner.run(coro)
