"""Discovery safety and limits, against real listeners on loopback addresses."""

from __future__ import annotations

import asyncio
import ipaddress
import time

import pytest

from analysers.hosts.servers import CountingListener, free_port
from mamori.analysers.hosts.analyser import discover_targets
from mamori.analysers.hosts.discovery import TokenBucket, expand_hosts, run, scan_ports
from mamori.errors import ConfigError, ScopeError
from mamori.model import TargetKind
from mamori.scope import Scope


def _scope(cidrs: list[str], ports: set[int], deny: list[str] = ()) -> Scope:  # type: ignore[assignment]
    return Scope(
        allow_paths=(),
        cidrs=tuple(ipaddress.ip_network(c) for c in cidrs),
        deny_cidrs=tuple(ipaddress.ip_network(c) for c in deny),
        ports=frozenset(ports),
    )


def test_in_scope_host_is_scanned_and_out_of_scope_host_sees_no_connection() -> None:
    inside, outside = CountingListener("127.0.0.2"), CountingListener("127.0.0.3")
    ports = {inside.port, outside.port}
    scope = _scope(["127.0.0.2/32"], ports)
    try:
        found = run(scan_ports(scope, ["127.0.0.2"], sorted(ports)))
        with pytest.raises(ScopeError, match=r"127\.0\.0\.3 is outside"):
            run(scan_ports(scope, ["127.0.0.2", "127.0.0.3"], sorted(ports)))
    finally:
        in_count, out_count = inside.close(), outside.close()
    assert [(o.host, o.port) for o in found] == [("127.0.0.2", inside.port)]
    assert "networks.cidrs[0] 127.0.0.2/32" in found[0].scope_rule
    assert in_count >= 1
    assert out_count == 0


def test_out_of_scope_port_is_refused_before_any_socket() -> None:
    listener = CountingListener("127.0.0.4")
    scope = _scope(["127.0.0.0/24"], {listener.port + 1})  # the listener's port is not allowed
    try:
        with pytest.raises(ScopeError, match="not in the scope's ports"):
            run(scan_ports(scope, ["127.0.0.4"], [listener.port + 1, listener.port]))
    finally:
        assert listener.close() == 0


def test_denied_network_inside_an_allowed_cidr_is_refused() -> None:
    listener = CountingListener("127.0.0.5")
    scope = _scope(["127.0.0.0/24"], {listener.port}, deny=["127.0.0.5/32"])
    try:
        with pytest.raises(ScopeError, match="denied network"):
            run(scan_ports(scope, ["127.0.0.5"], [listener.port]))
        # discovery over the whole scope skips the denied address instead of touching it
        targets = discover_targets(scope, ["127.0.0.5/32", "127.0.0.6/32"][1:])
    finally:
        assert listener.close() == 0
    assert targets == []


def test_discover_targets_returns_host_targets_with_their_scope_rule() -> None:
    listener = CountingListener("127.0.0.7")
    closed = free_port("127.0.0.7")
    scope = _scope(["127.0.0.7/32"], {listener.port, closed})
    try:
        targets = discover_targets(scope)
    finally:
        listener.close()
    assert [t.locator for t in targets] == [f"127.0.0.7:{listener.port}"]
    assert targets[0].kind is TargetKind.HOST
    assert targets[0].scope_rule.endswith(f"port {listener.port}")


def test_rate_limit_paces_connection_attempts() -> None:
    ports = [free_port("127.0.0.8") for _ in range(30)]
    scope = _scope(["127.0.0.8/32"], set(ports))
    rate = 40.0
    start = time.monotonic()
    run(scan_ports(scope, ["127.0.0.8"], ports, rate=rate, concurrency=64))
    elapsed = time.monotonic() - start
    n = len(set(ports))
    assert elapsed >= (n - 1) / rate * 0.9, f"{n} attempts at {rate}/s took only {elapsed:.2f}s"


def test_token_bucket_allows_burst_then_paces() -> None:
    async def take(n: int, bucket: TokenBucket) -> float:
        start = time.monotonic()
        for _ in range(n):
            await bucket.take()
        return time.monotonic() - start

    assert asyncio.run(take(1, TokenBucket(10.0))) < 0.05
    assert asyncio.run(take(6, TokenBucket(20.0, burst=1))) >= 5 / 20 * 0.9
    with pytest.raises(ConfigError):
        TokenBucket(0)


def test_closed_and_filtered_ports_are_not_reported_and_retries_are_bounded() -> None:
    closed = free_port("127.0.0.9")
    scope = _scope(["127.0.0.9/32", "192.0.2.0/24"], {closed})
    # 192.0.2.1 (TEST-NET-1) is unroutable here: a timeout, retried once, then dropped
    start = time.monotonic()
    found = run(scan_ports(scope, ["127.0.0.9", "192.0.2.1"], [closed], timeout=0.3, retries=1))
    assert found == []
    assert time.monotonic() - start < 3


def test_expand_hosts_accepts_ips_and_cidrs_and_rejects_names() -> None:
    assert expand_hosts(["127.0.0.1", "10.0.0.0/30", "127.0.0.1"]) == [
        "127.0.0.1", "10.0.0.1", "10.0.0.2"
    ]  # fmt: skip
    with pytest.raises(ConfigError, match="neither an IP address nor a CIDR"):
        expand_hosts(["db.internal"])


def test_window_outside_scope_refuses_scan() -> None:
    from mamori.scope import parse_window_spec

    now = time.gmtime()
    closed_day = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"][(now.tm_wday + 1) % 7]
    window = parse_window_spec({"days": [closed_day], "timezone": "UTC"})
    listener = CountingListener("127.0.0.10")
    scope = Scope(allow_paths=(), cidrs=(ipaddress.ip_network("127.0.0.10/32"),),
                  ports=frozenset({listener.port}), windows=(window,))  # fmt: skip
    try:
        with pytest.raises(ScopeError, match="time window"):
            run(scan_ports(scope, ["127.0.0.10"], [listener.port]))
    finally:
        assert listener.close() == 0
