"""`mamori scan --hosts` end to end: discovery inside scope only, probes recorded in the ledger."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from analysers.hosts.servers import CountingListener, redis, sshd
from mamori.cli import main
from mamori.governance.ledger import Ledger

EXAMPLES = Path(__file__).parent / "examples"


def test_scan_hosts_finds_open_redis_and_never_touches_out_of_scope(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    outside = CountingListener("127.0.0.72")
    with redis(EXAMPLES / "vulnerable" / "redis_noauth.conf", "127.0.0.71", tmp_path) as port:
        scope = tmp_path / "scope.yaml"
        scope.write_text(
            f"networks:\n  cidrs: [127.0.0.71/32]\n  ports: [{port}, {outside.port}]\n"
        )
        code = main([
            "--db", f"sqlite:///{tmp_path / 'm.db'}", "scan", "--hosts", "--scope", str(scope),
            "--out", str(tmp_path / "out"), "--ledger", str(tmp_path / "ledger"),
            "--fixes", str(tmp_path / "fixes"), "--fail-on", "never", "--no-progress",
        ])  # fmt: skip
    assert outside.close() == 0, "a host outside the scope was contacted"
    assert code == 0
    report = json.loads((tmp_path / "out" / "mamori.json").read_text())
    hosts = {
        (f["location"].get("host"), f["rule_id"]) for i in report["issues"] for f in i["findings"]
    }
    assert any(h == "127.0.0.71" and "REDIS" in rule.upper() for h, rule in hosts), hosts
    with Ledger.open(tmp_path / "ledger") as led:
        probes = led.entries("host.probe")
        assert [p.data["target"] for p in probes] == [f"127.0.0.71:{port}"]
        assert "networks.cidrs[0]" in probes[0].data["scope_rule"]
        assert led.verify().ok


def test_hosts_need_a_scope_file(tmp_path: Path) -> None:
    code = main(["scan", "--hosts", "--out", str(tmp_path / "o"), "--no-store",
                 "--ledger", str(tmp_path / "l"), "--no-progress"])  # fmt: skip
    assert code == 2


def test_named_host_outside_scope_is_refused_before_any_packet(tmp_path: Path) -> None:
    outside = CountingListener("127.0.0.73")
    scope = tmp_path / "scope.yaml"
    scope.write_text(f"networks:\n  cidrs: [127.0.0.74/32]\n  ports: [{outside.port}]\n")
    code = main(["scan", "--host", "127.0.0.73", "--scope", str(scope), "--no-store",
                 "--out", str(tmp_path / "o"), "--ledger", str(tmp_path / "l"),
                 "--no-progress"])  # fmt: skip
    assert code == 2
    assert outside.close() == 0


def test_sshd_config_and_the_live_sshd_it_configures_are_one_issue(tmp_path: Path) -> None:
    """Static (the audited file) and live (ssh-audit on the running sshd) evidence fuse."""
    estate = tmp_path / "estate"
    (estate / "config").mkdir(parents=True)
    config = estate / "config" / "sshd_config"
    config.write_text((EXAMPLES / "vulnerable" / "sshd_weak.conf").read_text())
    with sshd(config, "127.0.0.73", tmp_path) as port:
        scope = tmp_path / "scope.yaml"
        scope.write_text(
            "paths:\n  allow: [estate]\n"
            f"networks:\n  cidrs: [127.0.0.73/32]\n  ports: [{port}]\n"
            "assets:\n  - {path: estate/config/sshd_config, class: bastion, hosts: [127.0.0.73]}\n"
        )
        code = main([
            "--db", f"sqlite:///{tmp_path / 'm.db'}", "scan", str(estate), "--hosts",
            "--scope", str(scope), "--analysers", "sshd", "--out", str(tmp_path / "out"),
            "--ledger", str(tmp_path / "ledger"), "--fixes", str(tmp_path / "fixes"),
            "--fail-on", "never", "--no-progress", "--no-cache",
        ])  # fmt: skip
    assert code == 0
    report = json.loads((tmp_path / "out" / "mamori.json").read_text())
    by_rules = {frozenset(f["rule_id"] for f in i["findings"]): i for i in report["issues"]}
    for check in ("WEAK-CIPHERS", "WEAK-MACS", "WEAK-KEX"):
        both = frozenset({f"SSHD-{check}", f"HOST-SSH-{check}"})
        assert both in by_rules, sorted(map(sorted, by_rules))
        issue = by_rules[both]
        assert issue["findings"][0]["location"]["path"] == "config/sshd_config"
        assert issue["findings"][1]["location"]["host"] == "127.0.0.73"
    sections = (tmp_path / "out" / "mamori.md").read_text().split("\n### ")
    ciphers = [s for s in sections if "SSHD-WEAK-CIPHERS" in s]
    assert len(ciphers) == 1  # one issue in the report shows both kinds of evidence
    assert "config/sshd_config" in ciphers[0] and f"127.0.0.73:{port}" in ciphers[0]
