"""Every fail example of every config auditor: its patch passes the whole verification ladder
(re-audit + the real validator, in a sandbox)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from mamori.analysers.interface import AnalyserSettings
from mamori.analysers.registry import CONFIG_ANALYSERS, load
from mamori.model import Finding, PatchStatus, Target, TargetKind
from mamori.remediation import config_auditor, propose, verify

EXAMPLES = Path(__file__).resolve().parents[1] / "analysers" / "config" / "examples"
# Where each auditor's files live on a real host (the auditor picks files by name/folder).
PLACE = {
    "sshd": "ssh/sshd_config", "nginx": "nginx/nginx.conf", "apache": "apache2/apache2.conf",
    "sudoers": "sudoers.d/ops", "sysctl": "sysctl.d/99-hardening.conf",
    "postgresql": "postgresql/postgresql.conf", "pg_hba": "postgresql/pg_hba.conf",
    "redis": "redis/redis.conf", "dockerfile": "app/Dockerfile",
    "compose": "app/docker-compose.yml", "kubernetes": "k8s/deployment.yaml", "dotenv": "app/.env",
}  # fmt: skip


def _cases() -> list[tuple[str, Path]]:
    out = []
    for aid in CONFIG_ANALYSERS:
        folder = EXAMPLES / aid / "fail"
        assert folder.is_dir(), f"{aid} has no labelled fail examples"
        out += [(aid, p) for p in sorted(folder.iterdir())]
    return out


@pytest.mark.parametrize(("aid", "example"), _cases(), ids=lambda v: getattr(v, "name", v))
def test_fail_example_patch_passes_the_ladder(tmp_path: Path, aid: str, example: Path) -> None:
    rel = PLACE[aid]
    if aid in ("nginx", "apache") and not re.search(r"(?m)^\s*(events|ServerRoot|LoadModule)\b",
                                                    example.read_text()):  # fmt: skip
        rel = rel.rsplit("/", 1)[0] + "/sites-enabled/" + example.name  # a fragment
    target = tmp_path / rel
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(example.read_text())
    analyser = load(aid)(AnalyserSettings(root=str(tmp_path)))
    t = Target(TargetKind.FILE, str(target), "test", rel)
    assert analyser.accepts(t), f"{aid} does not take {rel}"
    found = [f for f in analyser.analyse([t]) if isinstance(f, Finding)]
    assert found, f"{example.name} produced no finding"
    patches = [p for p in propose(found, str(tmp_path)) if p.status is not PatchStatus.ADVISE_ONLY]
    fixable = [
        f for f in found if f.properties.get("fixable") and not f.properties.get("lockout_risk")
    ]
    if not fixable:
        assert not patches
        return
    assert len(patches) == 1
    checked = verify(patches[0], config_auditor(aid, str(tmp_path)))  # type: ignore[arg-type]
    assert checked.status is PatchStatus.VERIFIED, checked.verification
