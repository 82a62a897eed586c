"""Compose auditor: labelled examples, fix contract, YAML round-trip safety, bad input."""

from __future__ import annotations

from pathlib import Path

import pytest
from ruamel.yaml import YAML

from analysers.config.labelled_examples import (
    check_fix_contract,
    example_files,
    expected_ids,
    triggered,
)
from mamori.analysers.config.compose import ComposeAuditor
from mamori.analysers.interface import AnalyserSettings
from mamori.model import Skipped, Target, TargetKind

COMPOSE = ComposeAuditor(AnalyserSettings())
FAIL = example_files("compose", "fail")
PASS = example_files("compose", "pass")


def _plain(text: str) -> object:
    return YAML(typ="safe", pure=True).load(text)


@pytest.mark.parametrize("path", FAIL + PASS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_examples_trigger_exactly_their_manifest(path: Path) -> None:
    want = expected_ids(path)
    assert triggered(COMPOSE, path.read_text(encoding="utf-8"), str(path)) == want
    assert bool(want) == (path.parent.name == "fail")


@pytest.mark.parametrize("path", FAIL, ids=lambda p: p.name)
def test_fix_contract_and_fixed_yaml_still_parses(path: Path) -> None:
    fixed = check_fix_contract(COMPOSE, path)
    before, after = _plain(path.read_text(encoding="utf-8")), _plain(fixed)
    assert isinstance(before, dict) and isinstance(after, dict)
    assert before.keys() == after.keys()
    assert before["services"].keys() == after["services"].keys()


def test_every_check_has_a_failing_example() -> None:
    seen = set().union(*(expected_ids(p) for p in FAIL))
    assert {c.id for c in COMPOSE.checks} == seen


def test_port_fixes_cover_short_long_and_ranges() -> None:
    text = (
        "services:\n"
        "  db:\n"
        "    image: mysql:8.3\n"
        "    ports:\n"
        "      - 3306\n"
        "      - '3300-3310:3300-3310/tcp'\n"
        "      - target: 27017\n"
        "        host_ip: 0.0.0.0\n"
        "      - 8080:80\n"
    )
    vs = COMPOSE.audit_text(text, "compose.yaml")
    assert [v.line for v in vs] == [5, 6, 7]
    fixed = COMPOSE.fix_text(text, vs)
    ports = _plain(fixed)["services"]["db"]["ports"]  # type: ignore[index]
    assert ports == [
        "127.0.0.1::3306",
        "127.0.0.1:3300-3310:3300-3310/tcp",
        {"target": 27017, "host_ip": "127.0.0.1"},
        "8080:80",
    ]
    assert COMPOSE.audit_text(fixed, "compose.yaml") == []


def test_secret_values_are_never_echoed() -> None:
    text = "services:\n  a:\n    image: x:1\n    environment:\n      DB_PASSWORD: hunter2xyz\n"
    (v,) = COMPOSE.audit_text(text, "compose.yaml")
    assert v.check.id == "COMPOSE-SECRET-ENV"
    assert "hunter2xyz" not in f"{v.message}{v.evidence}{v.context}"


@pytest.mark.parametrize(
    ("bad", "why"),
    [
        ("services:\n  a: [unclosed\n", "invalid YAML"),
        ("services:\n  a:\n    image: x\n    image: y\n", "invalid YAML"),
        ("- just\n- a list\n", "top level is not a mapping"),
        ("services:\n  - a\n", "'services' is not a mapping"),
        ("services:\n  a: 3\n", "service 'a' is not a mapping"),
    ],
)
def test_malformed_compose_raises(bad: str, why: str) -> None:
    with pytest.raises(ValueError, match=why):
        COMPOSE.audit_text(bad, "compose.yaml")


def test_accepts_compose_names_and_skips_bad_files(tmp_path: Path) -> None:
    for name in ("docker-compose.yml", "compose.yaml", "docker-compose.prod.yml"):
        assert COMPOSE.accepts(Target(TargetKind.FILE, f"/srv/{name}", "t")), name
    assert not COMPOSE.accepts(Target(TargetKind.FILE, "/srv/values.yaml", "t"))
    bad = tmp_path / "compose.yaml"
    bad.write_text("services: [\n", encoding="utf-8")
    out = list(COMPOSE.analyse([Target(TargetKind.FILE, str(bad), "t")]))
    assert len(out) == 1 and isinstance(out[0], Skipped) and "invalid YAML" in out[0].reason
