"""dotenv auditor: labelled examples, fix contract, templates, secret hygiene, bad input."""

from __future__ import annotations

from pathlib import Path

import pytest

from analysers.config.labelled_examples import (
    check_fix_contract,
    example_files,
    expected_ids,
    triggered,
)
from mamori.analysers.config.dotenv import DotenvAuditor
from mamori.analysers.interface import AnalyserSettings
from mamori.model import Skipped, Target, TargetKind

DOTENV = DotenvAuditor(AnalyserSettings())
FAIL = example_files("dotenv", "fail")
PASS = example_files("dotenv", "pass")


@pytest.mark.parametrize("path", FAIL + PASS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_examples_trigger_exactly_their_manifest(path: Path) -> None:
    want = expected_ids(path)
    assert triggered(DOTENV, path.read_text(encoding="utf-8"), str(path)) == want
    assert bool(want) == (path.parent.name == "fail")


@pytest.mark.parametrize("path", FAIL, ids=lambda p: p.name)
def test_fix_contract_on_fail_examples(path: Path) -> None:
    fixed = check_fix_contract(DOTENV, path, max_lines_per_fix=2)
    assert "DOTENV-DEBUG" not in triggered(DOTENV, fixed, str(path))


def test_every_check_has_a_failing_example() -> None:
    seen = set().union(*(expected_ids(p) for p in FAIL))
    assert {c.id for c in DOTENV.checks} == seen


def test_secret_values_never_appear_in_violations() -> None:
    secret = "Zq8#rT2!vX9@mL4$wK7p"
    text = f"API_KEY={secret}\nexport DB_PASS='{secret}'\nTOKEN=\"{secret}\" # note\n"
    vs = DOTENV.audit_text(text, ".env")
    assert [v.line for v in vs] == [1, 2, 3]
    assert all(secret not in f"{v.message}{v.evidence}{v.context}" for v in vs)


def test_templates_report_only_real_looking_secrets() -> None:
    text = "DB_PASSWORD=changeme\nDEBUG=true\nAPI_KEY=Zq8#rT2!vX9@mL4$wK7p\n"
    assert [v.line for v in DOTENV.audit_text(text, "/app/.env.sample")] == [3]
    assert [v.check.id for v in DOTENV.audit_text(text, "/app/.env")] == [
        "DOTENV-DEFAULT-CREDENTIAL",
        "DOTENV-DEBUG",
        "DOTENV-SECRET",
    ]


def test_development_mode_is_only_flagged_in_production_files() -> None:
    text = "NODE_ENV=development\n"
    assert triggered(DOTENV, text, ".env") == set()
    assert triggered(DOTENV, text, ".env.production") == {"DOTENV-DEV-ENV"}


@pytest.mark.parametrize(
    ("bad", "why"),
    [
        ("GOOD=1\nthis is not an assignment\n", "line 2: not a NAME=value"),
        ('A="never closed\nB=2\n', 'line 1: unterminated " quote'),
        ("A='single\n", "line 1: unterminated ' quote"),
    ],
)
def test_malformed_env_files_raise(bad: str, why: str) -> None:
    with pytest.raises(ValueError, match=why):
        DOTENV.audit_text(bad, ".env")


def test_accepts_env_names_and_skips_binary(tmp_path: Path) -> None:
    for name in (".env", ".env.local", "prod.env"):
        assert DOTENV.accepts(Target(TargetKind.FILE, f"/app/{name}", "t")), name
    assert not DOTENV.accepts(Target(TargetKind.FILE, "/app/environment.py", "t"))
    binary = tmp_path / ".env"
    binary.write_bytes(b"A=\xff\xfe\n")
    out = list(DOTENV.analyse([Target(TargetKind.FILE, str(binary), "t")]))
    assert len(out) == 1 and isinstance(out[0], Skipped)
