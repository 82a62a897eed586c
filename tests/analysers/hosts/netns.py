"""Network namespaces for the scope tests: a scanner, an in-scope and an out-of-scope host.

::

    scanner ns  10.203.0.1/24 on bridge br0 ─┬─ veth ── inside ns   10.203.0.10/24 (eth0)
                                             └─ veth ── outside ns  10.203.0.20/24 (eth0)

The two hosts are neighbours on one segment, as on a real LAN. Each namespace has its own
network stack, so the fixed addresses and ports never clash with the host or with another test
run; namespace names carry the pid. Everything is deleted on exit. ``ip netns`` needs root and
iproute2: without them the test fails saying so (CI runs as root), it is never skipped.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from analysers.hosts.servers import binary

SCANNER, INSIDE, OUTSIDE = "10.203.0.1", "10.203.0.10", "10.203.0.20"
PREFIX = 24
LISTENER = Path(__file__).with_name("netns_listener.py")
MAMORI = Path(sys.executable).with_name("mamori")
_serial = itertools.count()


@dataclass(frozen=True, slots=True)
class Lab:
    """The three namespaces of one test."""

    scanner: str
    """Namespace the scanner runs in (holds the bridge)."""
    inside: str
    """Namespace of the host the scope authorises (``INSIDE``)."""
    outside: str
    """Namespace of the neighbour the scope does not authorise (``OUTSIDE``)."""

    def run(self, cmd: list[str], timeout: float = 180) -> subprocess.CompletedProcess[str]:
        """Run ``cmd`` in the scanner namespace; the completed process (never raises)."""
        cmd = ["ip", "netns", "exec", self.scanner, *cmd]
        return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=False)


def _ip(*args: str) -> None:
    done = subprocess.run(["ip", *args], capture_output=True, text=True, check=False)
    if done.returncode != 0:
        pytest.fail(
            f"`ip {' '.join(args)}` failed: {done.stderr.strip()} — the network-namespace tests "
            "need root (CAP_NET_ADMIN) and iproute2 (apt-get install iproute2)",
            pytrace=False,
        )


@contextlib.contextmanager
def lab() -> Iterator[Lab]:
    """Create the three namespaces and their links; delete them (and so the links) on exit."""
    binary("ip", "iproute2")
    tag = f"{os.getpid()}-{next(_serial)}"
    names = Lab(f"mamori-scan-{tag}", f"mamori-in-{tag}", f"mamori-out-{tag}")
    created: list[str] = []
    try:
        for ns in (names.scanner, names.inside, names.outside):
            _ip("netns", "add", ns)
            created.append(ns)
        _wire(names)
        yield names
    finally:
        for ns in created:
            subprocess.run(["ip", "netns", "del", ns], capture_output=True, check=False)


def _wire(names: Lab) -> None:
    s = names.scanner
    _ip("-n", s, "link", "add", "br0", "type", "bridge")
    _ip("-n", s, "addr", "add", f"{SCANNER}/{PREFIX}", "dev", "br0")
    for ns, addr, leg in ((names.inside, INSIDE, "veth-in"), (names.outside, OUTSIDE, "veth-out")):
        _ip("link", "add", leg, "netns", s, "type", "veth", "peer", "name", "eth0", "netns", ns)
        _ip("-n", s, "link", "set", leg, "master", "br0", "up")
        _ip("-n", ns, "addr", "add", f"{addr}/{PREFIX}", "dev", "eth0")
        _ip("-n", ns, "link", "set", "eth0", "up")
        _ip("-n", ns, "link", "set", "lo", "up")
    _ip("-n", s, "link", "set", "br0", "up")
    _ip("-n", s, "link", "set", "lo", "up")


@dataclass(frozen=True, slots=True)
class Packet:
    """One TCP packet a host received."""

    at: float
    """``time.monotonic()`` when the tap saw it (one clock for every namespace)."""
    src: str
    """Source address."""
    dport: int
    """Destination port."""
    flags: int
    """TCP flags byte."""

    @property
    def is_syn(self) -> bool:
        """A connection attempt (SYN without ACK)."""
        return self.flags & 0x12 == 0x02


@dataclass(frozen=True, slots=True)
class Listener:
    """What one host's ``netns_listener.py`` saw, read from its log."""

    log: Path
    """The listener's event log."""

    def _lines(self, kind: str) -> list[list[str]]:
        text = self.log.read_text(encoding="ascii") if self.log.exists() else ""
        return [parts[1:] for line in text.splitlines() if (parts := line.split())[0] == kind]

    def packets(self) -> list[Packet]:
        """Every TCP packet that arrived, in arrival order."""
        return [Packet(float(t), src, int(port), int(flags))
                for t, src, port, flags in self._lines("tcp")]  # fmt: skip

    def syns(self, src: str = SCANNER) -> list[Packet]:
        """Connection attempts from ``src``, in arrival order."""
        return [p for p in self.packets() if p.is_syn and p.src == src]

    def accepted(self) -> list[tuple[str, int]]:
        """(peer, port) of every accepted connection."""
        return [(peer, int(port)) for _, peer, port in self._lines("accept")]


def _stop(proc: subprocess.Popen[bytes]) -> str:
    proc.terminate()
    try:
        out, _ = proc.communicate(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, _ = proc.communicate()
    return out.decode(errors="replace")


def _wait(ready: Path | int, proc: subprocess.Popen[bytes], ns: str) -> None:
    """Wait for a ``ready`` log line (a Path) or a listening port (an int) — neither makes
    a connection, so the hosts' taps and counters stay clean."""
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"{ns}: server exited ({proc.returncode}):\n{_stop(proc)}", pytrace=False)
        if _is_ready(ready, ns):
            return
        time.sleep(0.05)
    pytest.fail(f"{ns}: server not ready within 20s:\n{_stop(proc)}", pytrace=False)


def _is_ready(ready: Path | int, ns: str) -> bool:
    if isinstance(ready, Path):
        return ready.exists() and "ready" in ready.read_text(encoding="ascii").split()
    cmd = ["ss", "-N", ns, "-Hltn", f"sport = :{ready}"]
    return bool(subprocess.run(cmd, capture_output=True, text=True, check=False).stdout.strip())


@contextlib.contextmanager
def in_namespace(ns: str, cmd: list[str], ready: Path | int) -> Iterator[None]:
    """Run ``cmd`` inside ``ns`` until the block ends, once it is ready (see :func:`_wait`)."""
    proc = subprocess.Popen(["ip", "netns", "exec", ns, *cmd],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)  # fmt: skip
    try:
        _wait(ready, proc, ns)
        yield
    finally:
        _stop(proc)


@contextlib.contextmanager
def listener(ns: str, addr: str, ports: list[int], log: Path) -> Iterator[Listener]:
    """A logging listener on ``addr`` for ``ports`` plus a TCP packet tap on ``eth0``."""
    cmd = [sys.executable, str(LISTENER), str(log), addr, "eth0", *map(str, ports)]
    with in_namespace(ns, cmd, log):
        yield Listener(log)


@contextlib.contextmanager
def redis(ns: str, addr: str, port: int, config: Path, tmp: Path) -> Iterator[None]:
    """redis-server with ``config`` on ``addr:port`` inside ``ns``."""
    exe = binary("redis-server", "redis-server")
    tmp.mkdir(parents=True, exist_ok=True)
    cmd = [exe, str(config), "--port", str(port), "--bind", addr, "--dir", str(tmp)]
    with in_namespace(ns, cmd, port):
        yield
