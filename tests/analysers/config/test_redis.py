"""Redis auditor: labelled examples, fix contract, parser edge cases, the real redis-server."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from analysers.config.labelled_examples import (
    check_fix_contract,
    example_files,
    expected_ids,
    triggered,
)
from mamori.analysers.config.redis import RedisAuditor
from mamori.analysers.interface import AnalyserSettings
from mamori.model import Finding, Skipped, Target, TargetKind

REDIS = RedisAuditor(AnalyserSettings())
FAIL = example_files("redis", "fail")
PASS = example_files("redis", "pass")


@pytest.mark.parametrize("path", FAIL + PASS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_examples_trigger_exactly_their_manifest(path: Path) -> None:
    want = expected_ids(path)
    assert triggered(REDIS, path.read_text(encoding="utf-8"), str(path)) == want
    assert bool(want) == (path.parent.name == "fail")


@pytest.mark.parametrize("path", FAIL, ids=lambda p: p.name)
def test_fix_contract_on_fail_examples(path: Path) -> None:
    check_fix_contract(REDIS, path)


def test_every_check_has_a_failing_example() -> None:
    seen = set().union(*(expected_ids(p) for p in FAIL)) | {"REDIS-INCLUDE"}  # unit-tested
    assert {c.id for c in REDIS.checks} == seen


def test_last_value_wins_and_names_are_case_insensitive() -> None:
    text = 'Protected-Mode no\nPROTECTED-MODE yes\nrequirepass "0123456789abcdefXYZ"\n'
    text += "rename-command flushall \"\"\nrename-command FLUSHDB x1\nrename-command CONFIG ''\n"
    assert REDIS.audit_text(text, "redis.conf") == []
    text += "protected-mode no\n"
    assert [v.check.id for v in REDIS.audit_text(text, "r")] == [
        "REDIS-BIND-ALL",
        "REDIS-PROTECTED-MODE-OFF",
    ]


def test_passwords_are_never_echoed() -> None:
    secret = "tiny-pw"
    text = f"bind 127.0.0.1\nrequirepass {secret}\nuser bob on >{secret}2 ~* +@all\n"
    vs = REDIS.audit_text(text, "r")
    assert [v.check.id for v in vs] == ["REDIS-WEAK-PASSWORD", "REDIS-WEAK-PASSWORD"]
    for v in vs:
        assert secret not in f"{v.message}{v.evidence}{v.context}"


def test_requirepass_then_default_user_nopass_is_unauthenticated() -> None:
    text = 'bind 127.0.0.1\nrequirepass "0123456789abcdefXYZ"\nuser default on nopass\n'
    assert "REDIS-NO-AUTH" in triggered(REDIS, text)
    assert "REDIS-NO-AUTH" not in triggered(REDIS, text + "user default resetpass\n")
    assert "REDIS-NO-AUTH" not in triggered(REDIS, "bind 127.0.0.1\naclfile /etc/redis/u.acl\n")


def test_fix_inserts_renames_after_the_template_and_keeps_quoting() -> None:
    text = '# rename-command CONFIG ""\nbind "0.0.0.0"\nrequirepass "0123456789abcdefXYZ"\n'
    fixed = REDIS.fix_text(text, REDIS.audit_text(text, "r"))
    assert fixed.splitlines() == [
        '# rename-command CONFIG ""',
        'rename-command CONFIG ""',
        "bind 127.0.0.1 -::1",
        'requirepass "0123456789abcdefXYZ"',
        'rename-command FLUSHALL ""',
        'rename-command FLUSHDB ""',
    ]
    assert REDIS.audit_text(fixed, "r") == []


def test_include_is_noted() -> None:
    text = "include /etc/redis/common.conf\nbind 127.0.0.1\n"
    vs = [v for v in REDIS.audit_text(text, "r") if v.check.id == "REDIS-INCLUDE"]
    assert [(v.line, v.check.fixable) for v in vs] == [(1, False)]


@pytest.mark.parametrize("bad", ['requirepass "abc\n', "requirepass 'abc'def\n", 'bind "a"b\n'])
def test_unbalanced_quotes_raise(bad: str) -> None:
    with pytest.raises(ValueError, match="line 1: unbalanced quotes"):
        REDIS.audit_text(bad, "r")


def test_bad_files_become_skips_and_findings_have_no_secret(tmp_path: Path) -> None:
    broken = tmp_path / "redis.conf"
    broken.write_text('requirepass "oops\n', encoding="utf-8")
    binary = tmp_path / "b" / "redis.conf"
    binary.parent.mkdir()
    binary.write_bytes(b"bind \xff\xfe\n")
    out = list(REDIS.analyse([Target(TargetKind.FILE, str(p), "t") for p in (broken, binary)]))
    assert [type(o) for o in out] == [Skipped, Skipped]
    weak = tmp_path / "w" / "redis.conf"
    weak.parent.mkdir()
    weak.write_text("bind 127.0.0.1\nrequirepass hunter2\n", encoding="utf-8")
    findings = list(REDIS.analyse([Target(TargetKind.FILE, str(weak), "t")]))
    assert "REDIS-WEAK-PASSWORD" in {getattr(f, "rule_id", "") for f in findings}
    assert all(isinstance(f, Finding) and "hunter2" not in str(f) for f in findings)


# --- the real validator (Debian package: redis-server) ------------------------------------


def _redis_loads(path: Path, workdir: Path) -> subprocess.CompletedProcess[str]:
    program = shutil.which("redis-server")
    assert program, "redis-server not found: install the Debian package 'redis-server'"
    validator = REDIS.validator
    assert validator is not None
    args = [a.replace("{file}", str(path)).replace("{dir}", str(workdir)) for a in validator.args]
    return subprocess.run([program, *args], capture_output=True, text=True, timeout=30)


@pytest.mark.parametrize("path", FAIL + PASS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_real_redis_loads_fixed_examples(path: Path, tmp_path: Path) -> None:
    fixed = check_fix_contract(REDIS, path) if path.parent.name == "fail" else path.read_text()
    target = tmp_path / "redis.conf"
    target.write_text(fixed, encoding="utf-8")
    run = _redis_loads(target, tmp_path)
    assert run.returncode == 0, run.stdout + run.stderr
    target.write_text(fixed + "bindd 127.0.0.1\n", encoding="utf-8")
    run = _redis_loads(target, tmp_path)
    assert run.returncode != 0 and "Bad directive" in run.stdout + run.stderr
