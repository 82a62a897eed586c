"""PostgreSQL auditors: labelled examples, fix contract, parser edge cases, real validators."""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from analysers.config.labelled_examples import (
    check_fix_contract,
    example_files,
    expected_ids,
    triggered,
)
from mamori.analysers.config.postgres import PgHbaAuditor, PostgresConfAuditor
from mamori.analysers.interface import AnalyserSettings
from mamori.model import Skipped, Target, TargetKind

CONF = PostgresConfAuditor(AnalyserSettings())
HBA = PgHbaAuditor(AnalyserSettings())
CASES = [("postgresql", CONF), ("pg_hba", HBA)]


def _ids(name: str, kind: str) -> list[Path]:
    return example_files(name, kind)


@pytest.mark.parametrize(
    ("auditor", "path"),
    [(a, p) for n, a in CASES for p in _ids(n, "fail") + _ids(n, "pass")],
    ids=lambda x: getattr(x, "name", None) or getattr(x, "id", ""),
)
def test_examples_trigger_exactly_their_manifest(auditor: object, path: Path) -> None:
    assert isinstance(auditor, PostgresConfAuditor | PgHbaAuditor)
    want = expected_ids(path)
    assert triggered(auditor, path.read_text(encoding="utf-8"), str(path)) == want
    assert want <= {c.id for c in auditor.checks}
    assert bool(want) == (path.parent.name == "fail")


@pytest.mark.parametrize(
    ("auditor", "path"),
    [(a, p) for n, a in CASES for p in _ids(n, "fail")],
    ids=lambda x: getattr(x, "name", None) or getattr(x, "id", ""),
)
def test_fix_contract_on_fail_examples(auditor: object, path: Path) -> None:
    assert isinstance(auditor, PostgresConfAuditor | PgHbaAuditor)
    check_fix_contract(auditor, path)


def test_every_check_has_a_failing_example() -> None:
    for name, auditor in CASES:
        seen = set().union(*(expected_ids(p) for p in _ids(name, "fail")))
        seen |= {"PG-INCLUDE", "HBA-INCLUDE"}  # covered by the unit tests below
        assert {c.id for c in auditor.checks} <= seen, name


# --- postgresql.conf details -------------------------------------------------------------


def test_last_value_wins_and_names_are_case_insensitive() -> None:
    text = "ssl = on\nlog_connections=on\nlog_disconnections on\nSSL = 'off'\n"
    vs = CONF.audit_text(text, "postgresql.conf")
    assert [(v.check.id, v.line) for v in vs] == [("PG-SSL-OFF", 4)]


def test_missing_setting_is_inserted_after_its_commented_template() -> None:
    text = "ssl = on\n#log_connections = off\t# comment\nlog_disconnections = on\nport = 5432\n"
    fixed = CONF.fix_text(text, CONF.audit_text(text, "p"))
    lines = fixed.splitlines()
    assert lines[1] == "#log_connections = off\t# comment"
    assert lines[2].startswith("log_connections = on")
    assert "# mamori: PG-LOG-CONNECTIONS" in lines[2]
    assert CONF.audit_text(fixed, "p") == []


def test_value_is_changed_in_place_keeping_indent_and_comment() -> None:
    text = "  listen_addresses='*'   # all of them\nssl=on\nlog_connections=on\n"
    text += "log_disconnections=on\n"
    fixed = CONF.fix_text(text, CONF.audit_text(text, "p"))
    assert fixed.splitlines()[0] == "  listen_addresses='localhost'   # all of them"


def test_setting_after_include_is_appended_at_the_end() -> None:
    text = "#ssl = off\ninclude 'local.conf'\nssl = on\nlog_disconnections = on\n"
    vs = CONF.audit_text(text, "p")
    assert {v.check.id for v in vs} == {"PG-INCLUDE", "PG-LOG-CONNECTIONS"}
    fixed = CONF.fix_text(text, vs)
    assert fixed.splitlines()[-1].startswith("log_connections = on")


def test_crlf_and_missing_final_newline_are_kept() -> None:
    text = "ssl = on\r\nfsync = off\r\nlog_connections = on\r\nlog_disconnections = on"
    fixed = CONF.fix_text(text, CONF.audit_text(text, "p"))
    assert fixed == text.replace("fsync = off", "fsync = on")


@pytest.mark.parametrize("bad", ["listen_addresses = '*\n", "just_a_word\n", "port = 5432 extra\n"])
def test_unparseable_postgresql_conf_raises(bad: str) -> None:
    with pytest.raises(ValueError, match="line 1"):
        CONF.audit_text(bad, "p")


# --- pg_hba.conf details -----------------------------------------------------------------


def test_hba_quoted_tokens_continuations_and_includes() -> None:
    text = (
        'host "my db" "a user" 10.0.0.0/8 \\\n'
        "     md5  # trailing comment\n"
        "include_dir 'hba.d'\n"
        "hostssl all,db2 all 172.16.0.1 255.255.255.255 scram-sha-256\n"
    )
    vs = HBA.audit_text(text, "pg_hba.conf")
    assert [(v.check.id, v.line) for v in vs] == [
        ("HBA-MD5", 1),
        ("HBA-NO-SSL", 1),
        ("HBA-INCLUDE", 3),
    ]
    fixed = HBA.fix_text(text, vs)
    assert fixed.splitlines()[:2] == [
        'hostssl "my db" "a user" 10.0.0.0/8 \\',
        "     scram-sha-256 # trailing comment",
    ]


def test_hba_two_fixes_on_one_line_keep_the_rest() -> None:
    text = "host  all  all  0.0.0.0/0  md5  # vendor\n"
    fixed = HBA.fix_text(text, HBA.audit_text(text, "p"))
    assert fixed == "hostssl all  all  0.0.0.0/0  scram-sha-256 # vendor\n"


def test_hba_fix_keeps_columns_aligned_when_padding_allows() -> None:
    text = "host       appdb  app  10.0.0.0/8  scram-sha-256\n"
    fixed = HBA.fix_text(text, HBA.audit_text(text, "p"))
    assert fixed == "hostssl    appdb  app  10.0.0.0/8  scram-sha-256\n"


@pytest.mark.parametrize(
    "bad",
    [
        "hots all all 10.0.0.0/8 md5\n",
        "host all all 10.0.0.0/8\n",
        "host all all 10.0.0.0/8 magic\n",
        'host "all all 10.0.0.0/8 md5\n',
        "host all all \\\n",
    ],
)
def test_unparseable_hba_raises(bad: str) -> None:
    with pytest.raises(ValueError, match="line 1"):
        HBA.audit_text(bad, "p")


def test_bad_files_become_skips(tmp_path: Path) -> None:
    binary = tmp_path / "pg_hba.conf"
    binary.write_bytes(b"\xff\xfe\x00host all")
    broken = tmp_path / "postgresql.conf"
    broken.write_text("ssl = 'on\n", encoding="utf-8")
    out = [
        *HBA.analyse([Target(TargetKind.FILE, str(binary), "test")]),
        *CONF.analyse([Target(TargetKind.FILE, str(broken), "test")]),
    ]
    assert [type(o) for o in out] == [Skipped, Skipped]
    assert "cannot read" in out[0].reason and "line 1" in out[1].reason  # type: ignore[union-attr]


def test_findings_carry_check_metadata(tmp_path: Path) -> None:
    f = tmp_path / "pg_hba.conf"
    f.write_text("host all all 10.0.0.0/8 trust\n", encoding="utf-8")
    findings = list(HBA.analyse([Target(TargetKind.FILE, str(f), "test")]))
    trust = [x for x in findings if getattr(x, "rule_id", "") == "HBA-TRUST-HOST"]
    assert len(trust) == 1
    assert trust[0].properties["lockout_risk"] is True  # type: ignore[union-attr]
    assert HBA.accepts(Target(TargetKind.FILE, "/etc/postgresql/15/main/pg_hba.conf", "t"))
    assert not HBA.accepts(Target(TargetKind.FILE, "/etc/postgresql/15/main/pg_ident.conf", "t"))


# --- the real PostgreSQL validators (Debian package: postgresql) -------------------------


def _postgres_bin(name: str) -> str:
    found = shutil.which(name) or next(iter(glob.glob(f"/usr/lib/postgresql/*/bin/{name}")), "")
    assert found, f"{name} not found: install the Debian package 'postgresql'"
    return found


def _as_postgres(cmd: list[str]) -> list[str]:
    """PostgreSQL refuses to run as root: drop to the postgres user when we are root."""
    return ["runuser", "-u", "postgres", "--", *cmd] if os.geteuid() == 0 else cmd


@pytest.fixture(scope="module")
def pg_sandbox() -> Iterator[Path]:
    root = Path(tempfile.mkdtemp(prefix="mamori-pgcfg-"))
    root.chmod(0o777)
    data = root / "data"
    cmd = [_postgres_bin("initdb"), "-D", str(data), "-A", "trust", "--no-sync", "-U", "mamori"]
    subprocess.run(_as_postgres(cmd), check=True, capture_output=True, timeout=120)
    # hostssl records are only valid when the server has TLS: give it a throwaway certificate.
    tls = ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256"]
    tls += ["-nodes", "-subj", "/CN=localhost", "-days", "1"]
    tls += ["-keyout", str(data / "server.key"), "-out", str(data / "server.crt")]
    subprocess.run(_as_postgres(tls), check=True, capture_output=True, timeout=60)
    yield root
    shutil.rmtree(root, ignore_errors=True)


def _sandbox_copy(root: Path, name: str, text: str) -> Path:
    f = root / name
    f.write_text(text, encoding="utf-8")
    f.chmod(0o644)
    return f


@pytest.mark.parametrize("path", _ids("postgresql", "fail") + _ids("postgresql", "pass"))
def test_real_postgres_accepts_fixed_conf(pg_sandbox: Path, path: Path) -> None:
    fixed = check_fix_contract(CONF, path) if path.parent.name == "fail" else path.read_text()
    f = _sandbox_copy(pg_sandbox, path.name, fixed)
    (pg_sandbox / "replica_overrides.conf").unlink(missing_ok=True)
    cmd = [_postgres_bin("postgres"), "-D", str(pg_sandbox / "data"), f"--config-file={f}"]
    run = subprocess.run(
        _as_postgres([*cmd, "-C", "listen_addresses"]), capture_output=True, text=True, timeout=60
    )
    assert run.returncode == 0, run.stderr
    broken = _sandbox_copy(pg_sandbox, "broken.conf", fixed + "listen_addresses = '*\n")
    cmd[-1] = f"--config-file={broken}"
    run = subprocess.run(_as_postgres([*cmd, "-C", "port"]), capture_output=True, timeout=60)
    assert run.returncode != 0, "the validator must reject a broken file"


_HBA_ERRORS = "SELECT line_number, error FROM pg_hba_file_rules WHERE error IS NOT NULL;\n"


def _hba_errors(root: Path, hba: Path) -> str:
    cmd = [_postgres_bin("postgres"), "--single", "-D", str(root / "data")]
    cmd += ["-c", "ssl=on", "-c", f"hba_file={hba}", "postgres"]
    run = subprocess.run(
        _as_postgres(cmd), input=_HBA_ERRORS, capture_output=True, text=True, timeout=60
    )
    assert run.returncode == 0, run.stderr
    return "\n".join(ln for ln in run.stdout.splitlines() if "error = " in ln)


@pytest.mark.parametrize("path", _ids("pg_hba", "fail") + _ids("pg_hba", "pass"))
def test_real_postgres_accepts_fixed_hba(pg_sandbox: Path, path: Path) -> None:
    fixed = check_fix_contract(HBA, path) if path.parent.name == "fail" else path.read_text()
    assert _hba_errors(pg_sandbox, _sandbox_copy(pg_sandbox, path.name, fixed)) == ""
    broken = _sandbox_copy(pg_sandbox, "broken_hba.conf", fixed + "host all all 10.0.0.0/8 md55\n")
    assert "invalid authentication method" in _hba_errors(pg_sandbox, broken)
