"""The verification ladder with the real Debian validators on the demo estate's configs."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from mamori.analysers.interface import AnalyserSettings
from mamori.analysers.registry import load
from mamori.model import Finding, PatchStatus, Target, TargetKind
from mamori.remediation import config_auditor, propose, verify

ESTATE = Path(__file__).resolve().parents[2] / "examples" / "estate"
BROKEN = {
    "sshd": "NoSuchSshdKeyword yes\n",
    "nginx": "no_such_nginx_directive on;\n",
    "postgresql": "no_such_pg_setting = on\n",
    "redis": "no-such-redis-directive yes\n",
}
CASES = [
    ("sshd", "config/sshd_config"),
    ("nginx", "config/nginx.conf"),
    ("postgresql", "config/postgresql.conf"),
    ("redis", "config/redis.conf"),
]


def _findings(aid: str, rel: str) -> list[Finding]:
    analyser = load(aid)(AnalyserSettings(root=str(ESTATE)))
    t = Target(TargetKind.FILE, str(ESTATE / rel), "test", rel)
    return [f for f in analyser.analyse([t]) if isinstance(f, Finding)]


@pytest.mark.parametrize(("aid", "rel"), CASES)
def test_demo_config_patch_passes_the_real_validator(aid: str, rel: str) -> None:
    patches = [
        p
        for p in propose(_findings(aid, rel), str(ESTATE))
        if p.status is not PatchStatus.ADVISE_ONLY
    ]
    assert len(patches) == 1
    checked = verify(patches[0], config_auditor(aid, str(ESTATE)))  # type: ignore[arg-type]
    assert checked.status is PatchStatus.VERIFIED, checked.verification
    assert "accepted the patched file" in checked.verification[-1]


@pytest.mark.parametrize(("aid", "rel"), CASES)
def test_a_patch_the_validator_rejects_is_never_verified(aid: str, rel: str) -> None:
    [patch] = [
        p
        for p in propose(_findings(aid, rel), str(ESTATE))
        if p.status is not PatchStatus.ADVISE_ONLY
    ]
    lines = patch.new_content.splitlines(keepends=True)
    insert_at = next(i for i, ln in enumerate(lines) if "http {" in ln) + 1 if aid == "nginx" else 1
    bad = dataclasses.replace(
        patch, new_content="".join([*lines[:insert_at], BROKEN[aid], *lines[insert_at:]])
    )
    checked = verify(bad, config_auditor(aid, str(ESTATE)))  # type: ignore[arg-type]
    assert checked.status is PatchStatus.FAILED
    assert "validator: FAILED" in checked.verification[-1]
    assert BROKEN[aid].split()[0] in checked.verification[-1]
