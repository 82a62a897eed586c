"""Labelled examples end to end: real servers on loopback, discovery, identification, checks."""

from __future__ import annotations

import contextlib
import ipaddress
import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest

from analysers.hosts.servers import EXAMPLES, expected_ids, nginx, postgres, redis, sshd
from mamori.analysers.hosts.analyser import HostAnalyser, discover_targets
from mamori.analysers.hosts.checks_ssh import OUTDATED
from mamori.analysers.hosts.discovery import run
from mamori.analysers.hosts.probes import identify
from mamori.analysers.interface import AnalyserSettings
from mamori.model import Finding, Skipped
from mamori.scope import Scope

# example file → (server kind, 127.0.0.x address it listens on)
CASES = {
    "vulnerable/sshd_weak.conf": ("sshd", "127.0.0.21"),
    "safe/sshd_hardened.conf": ("sshd", "127.0.0.22"),
    "vulnerable/nginx_weak_tls.conf": ("nginx", "127.0.0.23"),
    "vulnerable/nginx_plain_listing.conf": ("nginx", "127.0.0.24"),
    "safe/nginx_strong_tls.conf": ("nginx", "127.0.0.25"),
    "vulnerable/redis_noauth.conf": ("redis", "127.0.0.26"),
    "safe/redis_auth.conf": ("redis", "127.0.0.27"),
    "vulnerable/pg_hba_trust.conf": ("postgres", "127.0.0.28"),
    "safe/pg_hba_scram.conf": ("postgres", "127.0.0.29"),
}
SERVICE = {"sshd": "ssh", "nginx": "http", "redis": "redis", "postgres": "postgresql"}


def test_every_example_file_is_exercised() -> None:
    files = {str(p.relative_to(EXAMPLES)) for p in EXAMPLES.rglob("*.conf")}
    assert files == set(CASES)


@contextlib.contextmanager
def _server(kind: str, example: Path, addr: str, tmp: Path) -> Iterator[int]:
    if kind == "sshd":
        with sshd(example, addr, tmp) as port:
            yield port
    elif kind == "nginx":
        with nginx(example, addr, tmp) as port:
            yield port
    elif kind == "redis":
        password = secrets.token_hex(12) if "safe" in example.parts else ""
        with redis(example, addr, tmp, password=password) as port:
            yield port
    else:
        with postgres(example, addr) as port:
            yield port


def _scan(addr: str, port: int) -> tuple[list[Finding], list[Skipped]]:
    scope = Scope(allow_paths=(), cidrs=(ipaddress.ip_network(f"{addr}/32"),),
                  ports=frozenset({port}))  # fmt: skip
    targets = discover_targets(scope)
    assert [t.locator for t in targets] == [f"{addr}:{port}"]
    results = list(HostAnalyser(AnalyserSettings(options={"host_timeout": 3.0})).analyse(targets))
    return ([r for r in results if isinstance(r, Finding)],
            [r for r in results if isinstance(r, Skipped)])  # fmt: skip


@pytest.mark.parametrize("name", sorted(CASES))
def test_labelled_example(name: str, tmp_path: Path) -> None:
    kind, addr = CASES[name]
    example = EXAMPLES / name
    with _server(kind, example, addr, tmp_path) as port:
        service = run(identify(addr, port, timeout=3.0))
        findings, skipped = _scan(addr, port)
    assert service.name == SERVICE[kind]
    assert skipped == []
    got = {f.rule_id for f in findings} - {OUTDATED.id}  # depends on the installed OpenSSH
    assert got == expected_ids(example)
    for f in findings:
        assert (f.location.host, f.location.port) == (addr, port)
        assert f.evidence and len(f.evidence) <= 600
        assert f.cwe and f.fingerprint


def test_redis_password_never_appears_in_output(tmp_path: Path) -> None:
    password = secrets.token_hex(16)
    with redis(
        EXAMPLES / "safe/redis_auth.conf", "127.0.0.30", tmp_path, password=password
    ) as port:
        findings, _ = _scan("127.0.0.30", port)
        service = run(identify("127.0.0.30", port, timeout=3.0))
    assert service.name == "redis" and "NOAUTH" in service.banner
    assert password not in repr(findings) + repr(service)


def test_weak_ssh_findings_name_the_algorithms_and_group_as_weak_crypto(tmp_path: Path) -> None:
    with sshd(EXAMPLES / "vulnerable/sshd_weak.conf", "127.0.0.31", tmp_path) as port:
        findings, _ = _scan("127.0.0.31", port)
    by_id = {f.rule_id: f for f in findings}
    ciphers = by_id["HOST-SSH-WEAK-CIPHERS"]
    assert "3des-cbc" in ciphers.properties["algorithms"]
    assert "aes128-ctr" not in ciphers.properties["algorithms"]
    assert ciphers.weakness == "weak-crypto"
    assert "1024-bit" in by_id["HOST-SSH-WEAK-HOSTKEY"].message
