"""Scope safety across a real network: the ``mamori`` CLI in its own namespace, two hosts.

The in-scope host (``INSIDE``) and its out-of-scope neighbour (``OUTSIDE``) run the same
services — a real redis-server without a password and logging listeners — and a packet tap
that records every TCP packet they receive, on any port. The scanner is the installed
``mamori`` command, run in a third namespace with a scope file naming only ``INSIDE``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from analysers.hosts import netns
from analysers.hosts.netns import INSIDE, MAMORI, OUTSIDE, SCANNER, Lab, Listener
from analysers.hosts.servers import EXAMPLES

LISTEN = [2222, 8080]
REDIS = 6379
PORTS = [22, *LISTEN, REDIS]  # 22 is closed on both hosts


@dataclass(frozen=True, slots=True)
class Hosts:
    lab: Lab
    inside: Listener
    outside: Listener
    tmp: Path

    def scan(self, scope: str, *extra: str) -> tuple[int, str, Path]:
        """Run ``mamori scan --hosts`` in the scanner namespace: (exit code, stderr, out dir)."""
        scope_file, out = self.tmp / "scope.yaml", self.tmp / "out"
        scope_file.write_text(scope)
        done = self.lab.run([
            str(MAMORI), "scan", "--hosts", "--scope", str(scope_file), "--no-store",
            "--out", str(out), "--ledger", str(self.tmp / "ledger"),
            "--fixes", str(self.tmp / "fixes"), "--fail-on", "never", "--no-progress", *extra,
        ])  # fmt: skip
        return done.returncode, done.stderr, out


@pytest.fixture
def hosts(tmp_path: Path) -> Iterator[Hosts]:
    weak_redis = EXAMPLES / "vulnerable" / "redis_noauth.conf"
    with (
        netns.lab() as lab,
        netns.listener(lab.inside, INSIDE, LISTEN, tmp_path / "inside.log") as inside,
        netns.listener(lab.outside, OUTSIDE, LISTEN, tmp_path / "outside.log") as outside,
        netns.redis(lab.inside, INSIDE, REDIS, weak_redis, tmp_path / "redis-in"),
        netns.redis(lab.outside, OUTSIDE, REDIS, weak_redis, tmp_path / "redis-out"),
    ):
        yield Hosts(lab, inside, outside, tmp_path)


def _scope(cidrs: str, ports: list[int] | str = PORTS, deny: str = "[]") -> str:
    return f"networks:\n  cidrs: {cidrs}\n  deny_cidrs: {deny}\n  ports: {ports}\n"


def _findings(out: Path) -> set[tuple[str, int, str]]:
    report = json.loads((out / "mamori.json").read_text())
    return {(f["location"]["host"], f["location"]["port"], f["rule_id"])
            for issue in report["issues"] for f in issue["findings"]}  # fmt: skip


def test_scope_scan_reaches_the_inside_host_and_sends_nothing_to_its_neighbour(
    hosts: Hosts,
) -> None:
    code, stderr, out = hosts.scan(_scope(f"[{INSIDE}/32]"))
    assert code == 0, stderr
    assert hosts.outside.packets() == [], "a TCP packet reached the out-of-scope host"
    assert hosts.outside.accepted() == []
    # every scope port got a connection attempt, the closed one included; listeners accepted
    assert {p.dport for p in hosts.inside.syns()} == set(PORTS)
    assert {port for peer, port in hosts.inside.accepted() if peer == SCANNER} == set(LISTEN)
    found = _findings(out)
    assert (INSIDE, REDIS, "HOST-REDIS-NO-AUTH") in found
    assert {h for h, _, _ in found} == {INSIDE}


@pytest.mark.parametrize(
    ("named", "refused"),
    [
        ([OUTSIDE], OUTSIDE),
        ([INSIDE, OUTSIDE], OUTSIDE),
        (["10.203.0.0/24"], SCANNER),  # covers the inside host too: the whole scan is refused
    ],
)
def test_named_out_of_scope_target_is_refused_before_any_packet(
    hosts: Hosts, named: list[str], refused: str
) -> None:
    code, stderr, out = hosts.scan(
        _scope(f"[{INSIDE}/32]"), *(arg for n in named for arg in ("--host", n))
    )
    assert code == 2
    assert "ScopeError" in stderr
    assert f"{refused} is outside the authorised networks" in stderr
    assert hosts.outside.packets() == [], "a TCP packet reached the out-of-scope host"
    assert hosts.inside.packets() == [], "a refused scan still sent packets"
    assert not (out / "mamori.json").exists()


def test_denied_neighbour_inside_an_allowed_network_is_never_touched(hosts: Hosts) -> None:
    scope = _scope("[10.203.0.0/27]", deny=f"[{OUTSIDE}/32]")  # both hosts and 28 empty addresses
    code, stderr, out = hosts.scan(scope)
    assert code == 0, stderr
    assert hosts.outside.packets() == [], "the denied host received a TCP packet"
    assert {p.dport for p in hosts.inside.syns()} == set(PORTS)
    assert {h for h, _, _ in _findings(out)} == {INSIDE}

    code, stderr, _ = hosts.scan(scope, "--host", OUTSIDE)
    assert code == 2
    assert f"{OUTSIDE} is in a denied network" in stderr
    assert hosts.outside.packets() == []


def test_rate_limit_holds_as_seen_by_the_target(hosts: Hosts) -> None:
    rate, ports = 20, list(range(8071, 8101))  # 30 ports, 8080 open, the rest closed
    code, stderr, _ = hosts.scan(_scope(f"[{INSIDE}/32]", "[8071-8100]"), "--host-rate", str(rate))
    assert code == 0, stderr
    syns = hosts.inside.syns()
    discovery = syns[: len(ports)]  # identification of 8080 only starts once discovery is done
    assert sorted(p.dport for p in discovery) == ports, "one attempt per port, none retried"
    times = [p.at for p in discovery]
    assert times[-1] - times[0] >= (len(ports) - 1) / rate * 0.9
    busiest = max(sum(1 for t in times if start <= t < start + 1.0) for start in times)
    assert busiest <= rate + 2, f"{busiest} connection attempts within one second at {rate}/s"
    assert hosts.outside.packets() == []
