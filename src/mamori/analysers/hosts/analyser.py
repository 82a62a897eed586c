"""The ``hosts`` analyser and :func:`discover_targets`, its in-scope target finder."""

from __future__ import annotations

import asyncio
import functools
import ipaddress
import logging
from collections.abc import Awaitable, Iterable, Sequence
from importlib import metadata

from mamori.analysers.hosts import checks_http, checks_smtp, checks_ssh, checks_tls, checks_unauth
from mamori.analysers.hosts._checks import ANALYSER_ID, Hit, to_finding
from mamori.analysers.hosts.discovery import expand_hosts, run, scan_ports
from mamori.analysers.hosts.probes import Service, identify
from mamori.analysers.interface import Analyser
from mamori.errors import AnalyserError
from mamori.model import CweId, Finding, Skipped, Target, TargetKind
from mamori.scope import Scope

log = logging.getLogger(__name__)

__all__ = ["HostAnalyser", "discover_targets", "parse_locator"]

_ALL_CHECKS = (*checks_ssh.CHECKS, *checks_tls.CHECKS, *checks_http.CHECKS, *checks_smtp.CHECKS,
               *checks_unauth.CHECKS)  # fmt: skip
_UNAUTH = frozenset({"redis", "memcached", "mongodb", "postgresql", "ftp", "elasticsearch"})
_HTTP = frozenset({"http", "elasticsearch"})


def discover_targets(
    scope: Scope,
    hosts: Sequence[str] = (),
    ports: Iterable[int] = (),
    *,
    concurrency: int = 512,
    rate: float = 2000.0,
    timeout: float = 1.0,
    retries: int = 1,
) -> list[Target]:
    """Host targets (``ip:port``) with an open port, found by a TCP connect scan.

    ``hosts`` (IPs or CIDRs) default to every address of the scope's networks except denied
    ones; ``ports`` default to the scope's ports. Named hosts or ports outside the scope raise
    ScopeError before anything is sent.
    """
    chosen = list(hosts) or _scope_hosts(scope)
    port_list = sorted(set(ports) or scope.ports)
    if not chosen or not port_list:
        return []
    found = run(
        scan_ports(scope, chosen, port_list, concurrency=concurrency, rate=rate,
                   timeout=timeout, retries=retries)
    )  # fmt: skip
    return [Target(TargetKind.HOST, o.locator, o.scope_rule) for o in found]


def _scope_hosts(scope: Scope) -> list[str]:
    addrs = expand_hosts(str(net) for net in scope.cidrs)
    return [a for a in addrs if not any(ipaddress.ip_address(a) in d for d in scope.deny_cidrs)]


def parse_locator(locator: str) -> tuple[str, int]:
    """``"10.0.0.5:22"`` or ``"[::1]:22"`` → (host, port); ValueError when malformed."""
    host, sep, port_text = locator.rpartition(":")
    host = host.strip("[]")
    ipaddress.ip_address(host)  # raises ValueError for names and garbage
    port = int(port_text) if sep and port_text.isdigit() else 0
    if not 1 <= port <= 65535:
        raise ValueError(f"{locator!r} has no valid port")
    return host, port


class HostAnalyser(Analyser):
    """Network services on in-scope hosts: identification, then SSH, TLS, HTTP, SMTP and
    unauthenticated-access checks.

    Targets are ``ip:port`` endpoints that :func:`discover_targets` found open and the scope
    authorised. Each is identified with light probes, then checked: SSH with ssh-audit, TLS
    handshakes against Mozilla intermediate, HTTP with GET/OPTIONS only, SMTP for STARTTLS
    (and its TLS through the upgrade), and Redis, Memcached, MongoDB, PostgreSQL (role
    ``postgres``, no password), anonymous FTP and Elasticsearch/OpenSearch (``GET /`` only)
    for access without credentials. Nothing is exploited and no password is guessed.
    Options: ``host_timeout`` (seconds per probe, default 5), ``host_parallel`` (endpoints at
    once, default 16), ``server_name`` (name the TLS certificate must carry).
    """

    id = ANALYSER_ID
    kinds = frozenset({TargetKind.HOST})
    cwes = frozenset(CweId(c.cwe) for c in _ALL_CHECKS)

    @property
    def version(self) -> str:
        try:
            audit = metadata.version("ssh-audit")
        except metadata.PackageNotFoundError:
            audit = "absent"
        return f"1.0+ssh-audit-{audit}"

    def analyse(self, targets: Sequence[Target]) -> Iterable[Finding | Skipped]:
        """Findings and skips for every ``ip:port`` target."""
        return run(self._analyse_all(targets))

    async def _analyse_all(self, targets: Sequence[Target]) -> list[Finding | Skipped]:
        gate = asyncio.Semaphore(int(self.settings.option("host_parallel", 16)))

        async def one(target: Target) -> list[Finding | Skipped]:
            async with gate:
                return await self._analyse_one(target)

        results = await asyncio.gather(*(one(t) for t in targets))
        return [item for batch in results for item in batch]

    async def _analyse_one(self, target: Target) -> list[Finding | Skipped]:
        try:
            host, port = parse_locator(target.locator)
        except ValueError as e:
            return [Skipped(target.locator, f"not an ip:port target: {e}", self.id)]
        timeout = float(self.settings.option("host_timeout", 5.0))
        service = await identify(host, port, timeout=timeout)
        log.info("identified %s:%d as %s%s", host, port, service.name, " over TLS" * service.tls)
        out: list[Finding | Skipped] = []
        for name, job in self._jobs(service, timeout):
            try:
                hits = await job
            except (AnalyserError, OSError, TimeoutError, ValueError) as e:
                out.append(Skipped(target.locator, f"{name} check failed: {e}", self.id))
                continue
            out.extend(to_finding(h, self.version) for h in hits)
        return out

    def _jobs(self, s: Service, timeout: float) -> list[tuple[str, Awaitable[list[Hit]]]]:
        jobs: list[tuple[str, Awaitable[list[Hit]]]] = []
        if s.tls:
            name = str(self.settings.option("server_name", ""))
            jobs.append(("tls", checks_tls.check_tls(s.host, s.port, timeout, name)))
        if s.name in _HTTP:
            jobs.append(("http", checks_http.check_http(s.host, s.port, s.tls, timeout)))
        if s.name == "smtp":
            name = str(self.settings.option("server_name", ""))
            jobs.append(("smtp", checks_smtp.check_smtp(s.host, s.port, timeout, name)))
        if s.name == "ssh":
            jobs.append(("ssh", checks_ssh.check_ssh(s.host, s.port, max(timeout, 10.0))))
        if s.name in _UNAUTH:
            check = checks_unauth.check_unauth(s.host, s.port, s.name, timeout, tls=s.tls)
            jobs.append((s.name, check))
        return jobs


@functools.cache
def check_ids() -> frozenset[str]:
    """Every check id this analyser can report."""
    return frozenset(c.id for c in _ALL_CHECKS)
