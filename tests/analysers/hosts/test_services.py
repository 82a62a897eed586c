"""Labelled examples end to end: real servers on loopback, discovery, identification, checks."""

from __future__ import annotations

import contextlib
import ftplib
import secrets
import socket
import ssl
import struct
from collections.abc import Iterator
from pathlib import Path

import pytest

from analysers.hosts.servers import (
    EXAMPLES,
    expected_ids,
    mariadb,
    memcached,
    nginx,
    postgres,
    redis,
    scan_host,
    slapd,
    smtpd,
    sshd,
    vsftpd,
)
from mamori.analysers.hosts import _memcache, _smtp, _wire
from mamori.analysers.hosts.checks_ssh import OUTDATED
from mamori.analysers.hosts.checks_tls import Handshake, handshake
from mamori.analysers.hosts.checks_unauth import check_unauth
from mamori.analysers.hosts.discovery import run
from mamori.analysers.hosts.probes import identify

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
    "vulnerable/memcached_open.conf": ("memcached", "127.0.0.32"),
    "safe/memcached_sasl.conf": ("memcached", "127.0.0.33"),
    "vulnerable/vsftpd_anonymous.conf": ("vsftpd", "127.0.0.35"),
    "safe/vsftpd_no_anonymous.conf": ("vsftpd", "127.0.0.36"),
    "vulnerable/smtp_no_starttls.conf": ("smtpd", "127.0.0.39"),
    "vulnerable/smtp_starttls_weak.conf": ("smtpd", "127.0.0.40"),
    "safe/smtp_starttls.conf": ("smtpd", "127.0.0.41"),
}
SERVICE = {"sshd": "ssh", "nginx": "http", "redis": "redis", "postgres": "postgresql",
           "memcached": "memcached", "vsftpd": "ftp", "smtpd": "smtp"}  # fmt: skip


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
    elif kind == "memcached":
        with memcached(example, addr, password=secrets.token_hex(12)) as port:
            yield port
    elif kind == "vsftpd":
        with vsftpd(example, addr) as port:
            yield port
    elif kind == "smtpd":
        with smtpd(example, addr, tmp) as port:
            yield port
    else:
        with postgres(example, addr) as port:
            yield port


@pytest.mark.parametrize("name", sorted(CASES))
def test_labelled_example(name: str, tmp_path: Path) -> None:
    kind, addr = CASES[name]
    example = EXAMPLES / name
    with _server(kind, example, addr, tmp_path) as port:
        service = run(identify(addr, port, timeout=3.0))
        findings, skipped = scan_host(addr, port)
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
        findings, _ = scan_host("127.0.0.30", port)
        service = run(identify("127.0.0.30", port, timeout=3.0))
    assert service.name == "redis" and "NOAUTH" in service.banner
    assert password not in repr(findings) + repr(service)


def test_weak_ssh_findings_name_the_algorithms_and_group_as_weak_crypto(tmp_path: Path) -> None:
    with sshd(EXAMPLES / "vulnerable/sshd_weak.conf", "127.0.0.31", tmp_path) as port:
        findings, _ = scan_host("127.0.0.31", port)
    by_id = {f.rule_id: f for f in findings}
    ciphers = by_id["HOST-SSH-WEAK-CIPHERS"]
    assert "3des-cbc" in ciphers.properties["algorithms"]
    assert "aes128-ctr" not in ciphers.properties["algorithms"]
    assert ciphers.weakness == "weak-crypto"
    assert "1024-bit" in by_id["HOST-SSH-WEAK-HOSTKEY"].message


def _sasl_stat(addr: str, port: int, user: str, password: str) -> tuple[int, int]:
    """(SASL PLAIN auth status, then binary STAT status) on one connection."""

    def packet(opcode: int, key: bytes = b"", value: bytes = b"") -> bytes:
        body = len(key) + len(value)
        return struct.pack("!BBHBBHIIQ", 0x80, opcode, len(key), 0, 0, 0, body, 0, 0) + key + value

    with socket.create_connection((addr, port), 3) as s:
        s.sendall(packet(0x21, b"PLAIN", f"\0{user}\0{password}".encode()))
        auth = _memcache.responses(s.recv(4096))[0].status
        s.sendall(packet(_memcache.STAT))
        stat = _memcache.responses(s.recv(4096))[0].status
    return auth, stat


def test_memcached_with_sasl_serves_only_authenticated_clients(tmp_path: Path) -> None:
    # the safe example on a random port: no port hint, so the binary probe runs last
    example = tmp_path / "memcached_sasl.conf"
    example.write_text((EXAMPLES / "safe/memcached_sasl.conf").read_text().replace("-p 11211", ""))
    password = secrets.token_hex(12)
    with memcached(example, "127.0.0.34", password=password) as port:
        service = run(identify("127.0.0.34", port, timeout=1.0))
        anonymous = run(check_unauth("127.0.0.34", port, "memcached", 2.0))
        wrong = _sasl_stat("127.0.0.34", port, "mamori", "not-" + password)
        right = _sasl_stat("127.0.0.34", port, "mamori", password)
    assert service.name == "memcached" and "binary protocol" in service.banner
    assert anonymous == []
    assert wrong == (_memcache.AUTH_ERROR, _memcache.AUTH_ERROR)
    assert right == (0, 0)  # the server works: the scanner was refused for want of credentials


@pytest.mark.parametrize(
    ("name", "addr"),
    [
        ("vulnerable/vsftpd_anonymous.conf", "127.0.0.37"),
        ("safe/vsftpd_no_anonymous.conf", "127.0.0.38"),
    ],
)
def test_ftp_examples_are_what_they_claim(name: str, addr: str) -> None:
    """The weak vsftpd really serves files to anonymous; the hardened one really refuses it."""
    with vsftpd(EXAMPLES / name, addr) as port:
        service = run(identify(addr, port, timeout=3.0))
        with ftplib.FTP() as ftp:  # noqa: S321 - testing an FTP server is the point
            ftp.connect(addr, port, timeout=5)
            try:
                ftp.login()  # anonymous
                listing: list[str] | str = ftp.nlst()
            except ftplib.error_perm as e:
                listing = str(e)
    assert service.name == "ftp" and "vsFTPd" in service.banner
    if "vulnerable" in name:
        assert listing == ["price-list.txt"]
    else:
        assert str(listing).startswith("530")


def test_ftp_greeting_that_does_not_say_ftp_is_told_from_smtp(tmp_path: Path) -> None:
    example = tmp_path / "vsftpd.conf"
    example.write_text((EXAMPLES / "vulnerable/vsftpd_anonymous.conf").read_text()
                       + "ftpd_banner=Welcome.\n")  # fmt: skip
    with vsftpd(example, "127.0.0.44") as port:
        service = run(identify("127.0.0.44", port, timeout=3.0))
    assert service.banner == "220 Welcome."
    assert service.name == "ftp", service.transcript  # EHLO was rejected


def test_smtp_starttls_is_seen_and_tls_is_checked_through_the_upgrade(tmp_path: Path) -> None:
    def shake(addr: str, port: int, version: ssl.TLSVersion | None = None) -> Handshake | None:
        ctx = _wire.client_context(*(version, version)) if version else _wire.client_context()
        return run(handshake(addr, port, 3.0, ctx, _smtp.starttls))

    (tmp_path / "a").mkdir(), (tmp_path / "b").mkdir()
    with smtpd(EXAMPLES / "safe/smtp_starttls.conf", "127.0.0.42", tmp_path / "a") as port:
        tls_service = run(identify("127.0.0.42", port, timeout=3.0))
        modern, legacy = shake("127.0.0.42", port), shake("127.0.0.42", port, ssl.TLSVersion.TLSv1)
    with smtpd(EXAMPLES / "vulnerable/smtp_no_starttls.conf", "127.0.0.43", tmp_path / "b") as p:
        plain_service = run(identify("127.0.0.43", p, timeout=3.0))
        refused = shake("127.0.0.43", p)
    assert tls_service.name == "smtp" and "STARTTLS" in tls_service.transcript
    assert modern is not None and modern.version == "TLSv1.3" and modern.cert_der
    assert legacy is None  # the hardened server refuses TLS 1.0 after STARTTLS
    assert plain_service.name == "smtp" and "STARTTLS" not in plain_service.transcript
    assert refused is None  # no STARTTLS, so no handshake


def test_memcached_text_protocol_only_is_still_found_open(tmp_path: Path) -> None:
    # -B ascii: the binary STAT goes unanswered, so the check falls back to the text 'stats'
    example = tmp_path / "memcached_ascii.conf"
    example.write_text((EXAMPLES / "vulnerable/memcached_open.conf").read_text() + "-B ascii\n")
    with memcached(example, "127.0.0.45") as port:
        service = run(identify("127.0.0.45", port, timeout=1.0))
        hits = run(check_unauth("127.0.0.45", port, "memcached", 1.0))
    assert service.name == "memcached" and service.banner.startswith("VERSION ")
    assert [h.check.id for h in hits] == ["HOST-MEMCACHED-NO-AUTH"]
    assert "'stats'" in hits[0].message and "STAT pid" in hits[0].evidence


def test_mariadb_and_ldap_are_identified(tmp_path: Path) -> None:
    with mariadb("127.0.0.47") as port:
        database = run(identify("127.0.0.47", port, timeout=3.0))
    with slapd("127.0.0.48", tmp_path) as port:
        directory = run(identify("127.0.0.48", port, timeout=3.0))
    assert database.name == "mysql" and "MariaDB" in database.banner, database
    assert directory.name == "ldap", directory
