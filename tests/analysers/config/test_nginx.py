"""Tests for the nginx auditor: tokenizer, labelled examples, fixes and the real ``nginx -t``."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from analysers.config.examples_harness import Example, assert_fix, examples
from mamori.analysers.config._nginx_parse import parse
from mamori.analysers.config._tls import INTERMEDIATE, weak_ciphers, weak_protocols
from mamori.analysers.config.nginx import NginxAuditor
from mamori.analysers.interface import AnalyserSettings
from mamori.model import Skipped, Target, TargetKind

PATH = "/etc/nginx/nginx.conf"
EXAMPLES = examples("nginx")


@pytest.fixture
def auditor() -> NginxAuditor:
    return NginxAuditor(AnalyserSettings())


def ids(auditor: NginxAuditor, text: str) -> set[str]:
    return {v.check.id for v in auditor.audit_text(text, PATH)}


@pytest.mark.parametrize("ex", EXAMPLES, ids=lambda e: e.path.name)
def test_example_triggers_exactly_expected_checks(auditor: NginxAuditor, ex: Example) -> None:
    assert ids(auditor, ex.text) == ex.expected


@pytest.mark.parametrize("ex", [e for e in EXAMPLES if e.failing], ids=lambda e: e.path.name)
def test_fix_cleans_example_minimally(auditor: NginxAuditor, ex: Example) -> None:
    assert_fix(auditor, ex, PATH, max_changed=2 * len(ex.expected) + 2)


def test_every_check_has_a_failing_example() -> None:
    covered = set().union(*(e.expected for e in EXAMPLES))
    assert {c.id for c in NginxAuditor.checks} == covered


def test_tokenizer_keeps_lines_quotes_comments_and_blocks() -> None:
    text = 'http {\n  # c { ;\n  add_header X "a; b"  always;\n  server { listen 443 ssl; }\n}\n'
    root = parse(text)
    (http,) = root.find("http")
    (header,) = http.find("add_header")
    assert (header.line, header.args) == (3, ("X", "a; b", "always"))
    (server,) = http.find("server")
    assert (server.line, server.end_line, server.find("listen")[0].args) == (4, 4, ("443", "ssl"))


@pytest.mark.parametrize("text", ["http {\n server {\n", "events {}\n}\n", "user www 'x;\n",
                                  "worker_processes 1\n", "\x00\x00"])  # fmt: skip
def test_malformed_input_raises_and_becomes_skipped(tmp_path: Path, text: str) -> None:
    auditor = NginxAuditor(AnalyserSettings())
    with pytest.raises(ValueError):
        auditor.audit_text(text, PATH)
    f = tmp_path / "nginx.conf"
    f.write_text(text, encoding="utf-8")
    (result,) = auditor.analyse([Target(TargetKind.FILE, str(f), "test")])
    assert isinstance(result, Skipped) and "nginx" in result.reason


def test_server_with_own_headers_does_not_inherit(auditor: NginxAuditor) -> None:
    text = ("http {\n server_tokens off;\n add_header X-Frame-Options DENY;\n"
            " add_header X-Content-Type-Options nosniff;\n"
            " server {\n  listen 80;\n  add_header Cache-Control no-store;\n }\n}\n")  # fmt: skip
    assert ids(auditor, text) == {"NGINX-XFO-MISSING", "NGINX-XCTO-MISSING"}
    assert ids(auditor, text.replace("  add_header Cache-Control no-store;\n", "")) == set()


def test_only_tls_servers_need_hsts(auditor: NginxAuditor) -> None:
    base = ("server {\n listen {L};\n server_tokens off;\n add_header X-Frame-Options DENY;\n"
            " add_header X-Content-Type-Options nosniff;\n}\n")  # fmt: skip
    assert ids(auditor, base.replace("{L}", "80")) == set()
    assert ids(auditor, base.replace("{L}", "443 ssl")) == {"NGINX-HSTS-MISSING"}


def test_mozilla_intermediate_data_and_comparisons() -> None:
    assert INTERMEDIATE.tls_versions == ("TLSv1.2", "TLSv1.3")
    assert "ECDHE-RSA-AES128-GCM-SHA256" in INTERMEDIATE.openssl_ciphers
    assert weak_protocols(["TLSv1", "TLSv1.2"]) == ["TLSv1"]
    assert weak_ciphers("ECDHE-RSA-AES128-GCM-SHA256:!MD5:HIGH:AES128-SHA") == [
        "HIGH",
        "AES128-SHA",
    ]


def test_apache_site_files_are_left_to_the_apache_auditor(tmp_path: Path) -> None:
    auditor = NginxAuditor(AnalyserSettings())
    site = tmp_path / "sites-available"
    site.mkdir()
    (site / "a.conf").write_text("<VirtualHost *:80>\n  ServerName a\n</VirtualHost>\n")
    (site / "b").write_text("server {\n  listen 80;\n}\n")
    assert not auditor.accepts(Target(TargetKind.FILE, str(site / "a.conf"), "t"))
    assert auditor.accepts(Target(TargetKind.FILE, str(site / "b"), "t"))


def _nginx_check(workdir: Path, text: str) -> subprocess.CompletedProcess[str]:
    conf = workdir / "under_test.conf"
    if parse(text).find("events"):
        conf.write_text(text, encoding="utf-8")
    else:  # a conf.d / sites fragment: wrap it the way nginx.conf includes it
        (workdir / "fragment.conf").write_text(text, encoding="utf-8")
        conf.write_text("events {}\nhttp {\n include fragment.conf;\n}\n", encoding="utf-8")
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    cmd = [nginx, "-t", "-q", "-e", "stderr", "-p", f"{workdir}/", "-c", str(conf)]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=30, check=False)


def test_fixed_examples_pass_real_nginx(tmp_path: Path) -> None:
    key, cert = str(tmp_path / "key.pem"), str(tmp_path / "cert.pem")
    openssl = ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"]
    openssl += ["-subj", "/CN=mamori-test", "-keyout", key, "-out", cert]
    subprocess.run(openssl, check=True, capture_output=True)
    for name in ("mime.types", "fastcgi_params"):
        (tmp_path / name).write_text("", encoding="utf-8")
    auditor = NginxAuditor(AnalyserSettings())
    for ex in EXAMPLES:
        fixed = auditor.fix_text(ex.text, auditor.audit_text(ex.text, PATH))
        result = _nginx_check(tmp_path, fixed)
        assert result.returncode == 0, (ex.path.name, result.stderr)
