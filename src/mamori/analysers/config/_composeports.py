"""Compose ``ports`` entries: which container ports they publish and on which host address.

Short syntax is ``[HOST_IP:][HOST_PORT:]CONTAINER_PORT[/PROTOCOL]`` (IPv6 host IPs in brackets,
ports may be ranges); long syntax is a mapping with ``target``, ``published`` and ``host_ip``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

__all__ = ["DB_PORTS", "PortSpec", "parse_port"]

DB_PORTS = frozenset({5432, 3306, 6379, 27017, 1433, 1521, 9200, 11211})
_ALL_HOSTS = frozenset({"", "0.0.0.0", "::", "[::]"})  # noqa: S104 - what we look for
_RANGE = re.compile(r"^(\d+)(?:-(\d+))?$")


@dataclass(frozen=True, slots=True)
class PortSpec:
    """One published port entry."""

    host_ip: str
    """Host address it binds ('' = every interface)."""
    host_port: str
    """Host port or range as written ('' = ephemeral)."""
    container: str
    """Container port or range as written (protocol kept, e.g. ``5432/tcp``)."""
    container_ports: frozenset[int]
    """Every container port covered."""

    @property
    def exposed(self) -> bool:
        """True when the port is published on every host interface."""
        return self.host_ip in _ALL_HOSTS

    def bound_to_loopback(self) -> str:
        """The short-syntax entry published on 127.0.0.1 only."""
        return f"127.0.0.1:{self.host_port}:{self.container}"


def _ports(text: str) -> frozenset[int]:
    m = _RANGE.match(text.split("/", 1)[0])
    if m is None:
        return frozenset()
    low = int(m[1])
    high = int(m[2]) if m[2] else low
    return frozenset(range(low, min(high, low + 1024) + 1))


def parse_port(item: Any) -> PortSpec | None:
    """The port spec of a ``ports`` item, or None when it is not understood."""
    if isinstance(item, dict):
        target = str(item.get("target", ""))
        ip = str(item.get("host_ip", "") or "")
        return PortSpec(ip, str(item.get("published", "")), target, _ports(target))
    text = str(item).strip()
    ip = ""
    bracket = re.match(r"^(\[[^\]]*\]):(.*)$", text)
    if bracket:
        ip, text = bracket[1], bracket[2]
    parts = text.split(":")
    if len(parts) == 3 and not ip:
        ip, parts = parts[0], parts[1:]
    if len(parts) > 2:
        return None
    host = parts[0] if len(parts) == 2 else ""
    return PortSpec(ip, host, parts[-1], _ports(parts[-1]))
