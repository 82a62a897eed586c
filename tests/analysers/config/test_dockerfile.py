"""Dockerfile auditor: labelled examples, fix contract, parser rules, secret hygiene."""

from __future__ import annotations

from pathlib import Path

import pytest

from analysers.config.labelled_examples import (
    check_fix_contract,
    example_files,
    expected_ids,
    triggered,
)
from mamori.analysers.config.dockerfile import DockerfileAuditor
from mamori.analysers.interface import AnalyserSettings
from mamori.model import Skipped, Target, TargetKind

DOCKER = DockerfileAuditor(AnalyserSettings())
FAIL = example_files("dockerfile", "fail")
PASS = example_files("dockerfile", "pass")


@pytest.mark.parametrize("path", FAIL + PASS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_examples_trigger_exactly_their_manifest(path: Path) -> None:
    want = expected_ids(path)
    assert triggered(DOCKER, path.read_text(encoding="utf-8"), str(path)) == want
    assert bool(want) == (path.parent.name == "fail")


@pytest.mark.parametrize("path", FAIL, ids=lambda p: p.name)
def test_fix_contract_on_fail_examples(path: Path) -> None:
    fixed = check_fix_contract(DOCKER, path, max_lines_per_fix=1)
    assert "DOCKER-USER-ROOT" not in triggered(DOCKER, fixed)


def test_every_check_has_a_failing_example() -> None:
    seen = set().union(*(expected_ids(p) for p in FAIL))
    assert {c.id for c in DOCKER.checks} == seen


def test_user_is_inserted_before_cmd_or_after_a_late_root_user() -> None:
    text = 'FROM alpine:3.19\nRUN adduser -D svc\nCMD ["svc"]\nHEALTHCHECK NONE\n'
    fixed = DOCKER.fix_text(text, DOCKER.audit_text(text, "Dockerfile"))
    assert fixed.splitlines()[2:4] == ["USER svc", 'CMD ["svc"]']
    late = 'FROM alpine:3.19\nCMD ["x"]\nUSER 0:0\n'
    fixed = DOCKER.fix_text(late, DOCKER.audit_text(late, "Dockerfile"))
    assert fixed == late + "USER 65532\n"
    assert "DOCKER-USER-ROOT" not in triggered(DOCKER, fixed)


def test_secret_values_are_never_echoed() -> None:
    text = 'FROM alpine:3.19\nENV AWS_SECRET_ACCESS_KEY="wJalrXUtnFEMI/K7MDENG" A=1\n'
    text += "ENV DB_PASS hunter2 and more\nARG API_KEY=abc123xyz\nUSER 1000\n"
    vs = [v for v in DOCKER.audit_text(text, "Dockerfile") if v.check.id == "DOCKER-SECRET-IN-ENV"]
    assert [v.context for v in vs] == ["AWS_SECRET_ACCESS_KEY", "DB_PASS", "API_KEY"]
    for v in vs:
        shown = f"{v.message}{v.evidence}{v.context}"
        assert not any(s in shown for s in ("wJalrXUtnFEMI", "hunter2", "abc123xyz"))


def test_references_file_paths_and_public_keys_are_not_secrets() -> None:
    text = "FROM alpine:3.19\nENV DB_PASSWORD=$DB_PASSWORD TOKEN_FILE=/run/secrets/t\n"
    text += "ENV GPG_KEY=A035C8C19219BA821ECEA86B64E628F8D684696D\nARG NPM_TOKEN\nUSER app\n"
    assert "DOCKER-SECRET-IN-ENV" not in triggered(DOCKER, text)


def test_stage_names_scratch_and_variables_are_not_unpinned_images() -> None:
    text = "ARG BASE=alpine:3.19\nFROM ${BASE} AS one\nFROM one AS two\nFROM scratch\n"
    text += "FROM --platform=$BUILDPLATFORM registry:5000/team/app\nUSER 1000\n"
    vs = [v for v in DOCKER.audit_text(text, "Dockerfile") if v.check.id.endswith("UNPINNED-IMAGE")]
    assert [v.line for v in vs] == [5]


@pytest.mark.parametrize(
    ("bad", "why"),
    [
        ("FROM alpine:3.19\nRUNN echo hi\n", "line 2: unknown instruction 'RUNN'"),
        ("FROM alpine:3.19\nRUN echo \\\n", "continuation runs past the end"),
        ("FROM alpine:3.19\nRUN <<EOF\necho hi\n", "here-document 'EOF' is never closed"),
        ("# just a comment\nLABEL a=b\n", "no FROM instruction"),
        ("# escape=x\nFROM alpine\n", "invalid escape directive"),
    ],
)
def test_broken_dockerfiles_raise(bad: str, why: str) -> None:
    with pytest.raises(ValueError, match=why.replace("(", r"\(")):
        DOCKER.audit_text(bad, "Dockerfile")


def test_accepts_dockerfile_names_and_skips_bad_files(tmp_path: Path) -> None:
    for name in ("Dockerfile", "Dockerfile.prod", "api.Dockerfile", "Containerfile"):
        assert DOCKER.accepts(Target(TargetKind.FILE, f"/src/{name}", "t")), name
    assert not DOCKER.accepts(Target(TargetKind.FILE, "/src/Dockerfile.py.txt/x.yml", "t"))
    binary = tmp_path / "Dockerfile"
    binary.write_bytes(b"FROM \xff\xfe\n")
    out = list(DOCKER.analyse([Target(TargetKind.FILE, str(binary), "t")]))
    assert len(out) == 1 and isinstance(out[0], Skipped)
