"""Host-scan benchmark: our TCP connect scanner vs ``nmap -sT``, and our findings vs the tools.

Run as root from the repository root: ``.venv/bin/python bench/host_scan.py``. It starts a weak
sshd and a weak-TLS nginx on loopback (the test helpers), then

1. scans every TCP port of one loopback address with our scanner and with ``nmap -sT``
   (interleaved rounds, same machine, same targets) and prints ports/s and the ratio;
2. compares our SSH findings with ``ssh-audit -j`` and our TLS protocol findings with
   ``nmap --script ssl-enum-ciphers``.
"""

from __future__ import annotations

import asyncio
import ipaddress
import json
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from analysers.hosts.servers import EXAMPLES, nginx, sshd  # noqa: E402
from mamori.analysers.hosts.checks_ssh import check_ssh, ssh_audit_path  # noqa: E402
from mamori.analysers.hosts.checks_tls import check_tls  # noqa: E402
from mamori.analysers.hosts.discovery import run, scan_ports  # noqa: E402
from mamori.scope import Scope  # noqa: E402

ALL_PORTS = range(1, 65536)


def _ours(addr: str, rounds: int) -> list[float]:
    scope = Scope(allow_paths=(), cidrs=(ipaddress.ip_network(f"{addr}/32"),),
                  ports=frozenset(ALL_PORTS))  # fmt: skip
    rates = []
    for _ in range(rounds):
        start = time.monotonic()
        found = run(scan_ports(scope, [addr], ALL_PORTS, rate=1e6, timeout=1.0))
        rates.append(len(ALL_PORTS) / (time.monotonic() - start))
        print(f"  mamori: {rates[-1]:9.0f} ports/s, open: {[o.port for o in found]}")
    return rates


def _nmap(addr: str) -> float:
    start = time.monotonic()
    out = subprocess.run(["nmap", "-sT", "-n", "-Pn", "-p-", "-oG", "-", addr],
                         capture_output=True, text=True, check=True).stdout  # fmt: skip
    rate = len(ALL_PORTS) / (time.monotonic() - start)
    open_ports = re.findall(r"(\d+)/open", out)
    print(f"  nmap:   {rate:9.0f} ports/s, open: {open_ports}")
    return rate


def speed(addr: str, rounds: int = 3) -> None:
    ours, theirs = [], []
    for _ in range(rounds):
        ours += _ours(addr, 1)
        theirs.append(_nmap(addr))
    best_ours, best_nmap = max(ours), max(theirs)
    print(f"best: mamori {best_ours:.0f} ports/s, nmap -sT {best_nmap:.0f} ports/s, "
          f"ratio {best_ours / best_nmap:.2f}x (goal >= 0.5x)")  # fmt: skip


def compare_ssh(addr: str, port: int) -> None:
    raw = subprocess.run([ssh_audit_path(), "-j", "--skip-rate-test", "-p", str(port), addr],
                         capture_output=True, text=True).stdout  # fmt: skip
    report = json.loads(raw)
    tool = {a["algorithm"] for k in ("enc", "mac", "kex", "key") for a in report[k]
            if a.get("notes", {}).get("fail")}  # fmt: skip
    hits = asyncio.run(check_ssh(addr, port))
    ours = {n.split(" ")[0] for h in hits for n in h.properties.get("algorithms", [])}
    print(f"ssh-audit 'fail' algorithms: {sorted(tool)}")
    print(f"mamori weak SSH algorithms:  {sorted(ours)}")
    print(f"  in ssh-audit only: {sorted(tool - ours)}; in mamori only: {sorted(ours - tool)}")


def compare_tls(addr: str, port: int) -> None:
    cmd = ["nmap", "-sT", "-n", "-Pn", "-p", str(port), "--script", "ssl-enum-ciphers", addr]
    out = subprocess.run(cmd, capture_output=True, text=True).stdout
    nmap_versions = sorted(set(re.findall(r"\|\s+(TLSv1(?:\.\d)?):", out)))
    nmap_ciphers = set(re.findall(r"\|\s+(TLS_\w+)", out))
    hits = asyncio.run(check_tls(addr, port, 5.0))
    by_id = {h.check.id: h for h in hits}
    old = by_id.get("HOST-TLS-OLD-PROTOCOL")
    weak = by_id.get("HOST-TLS-WEAK-CIPHERS")
    print(f"nmap ssl-enum-ciphers versions: {nmap_versions}; {len(nmap_ciphers)} suites listed")
    print(f"mamori old protocols: {old.properties['protocols'] if old else []}; "
          f"weak suites found: {len(weak.properties['ciphers']) if weak else 0}")  # fmt: skip
    print(f"mamori TLS checks fired: {sorted(by_id)}")


def main() -> None:
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        (tmp / "ssh").mkdir()
        (tmp / "web").mkdir()
        weak_ssh, weak_tls = (
            EXAMPLES / "vulnerable/sshd_weak.conf",
            EXAMPLES / "vulnerable/nginx_weak_tls.conf",
        )
        with (
            sshd(weak_ssh, "127.0.0.51", tmp / "ssh") as sp,
            nginx(weak_tls, "127.0.0.51", tmp / "web") as wp,
        ):
            print(f"targets: sshd 127.0.0.51:{sp}, nginx TLS 127.0.0.51:{wp}")
            speed("127.0.0.51")
            compare_ssh("127.0.0.51", sp)
            compare_tls("127.0.0.51", wp)


if __name__ == "__main__":
    main()
