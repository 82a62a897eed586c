"""DependencyAnalyser: labelled examples against the PyPA data, skips, and a run through workers."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from mamori.analysers.deps.advisories import DB_FILENAME, AdvisoryDB, import_advisories
from mamori.analysers.deps.analyser import DependencyAnalyser
from mamori.analysers.deps.parsers import parse_manifest
from mamori.analysers.interface import AnalyserSettings
from mamori.analysers.runner import plan, run
from mamori.model import (
    Confidence,
    CweId,
    Finding,
    Severity,
    Skipped,
    Target,
    TargetKind,
    make_fingerprint,
)

EXAMPLES = Path(__file__).parent / "examples"
LABELS: dict[str, list[str]] = yaml.safe_load((EXAMPLES / "labels.yaml").read_text("utf-8"))
Make = Callable[..., dict[str, Any]]
Write = Callable[..., Path]
CRITICAL = [{"type": "CVSS_V3", "score": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"}]


def _target(path: Path, root: Path) -> Target:
    return Target(TargetKind.FILE, str(path.resolve()), "test", path.relative_to(root).as_posix())


def _analyse(paths: list[Path], root: Path, db_dir: Path) -> list[Finding | Skipped]:
    settings = AnalyserSettings(root=str(root), options={"advisory_db": str(db_dir)})
    return list(DependencyAnalyser(settings).analyse([_target(p, root) for p in paths]))


def _findings(items: list[Finding | Skipped]) -> list[Finding]:
    return [i for i in items if isinstance(i, Finding)]


@pytest.fixture(scope="module")
def pypa_dir(pypa_db: AdvisoryDB) -> Path:
    return pypa_db.path.parent


@pytest.mark.parametrize("example", sorted(LABELS))
def test_labelled_example(example: str, pypa_dir: Path, pypa_db: AdvisoryDB) -> None:
    items = _analyse([EXAMPLES / example], EXAMPLES, pypa_dir)
    assert [i for i in items if isinstance(i, Skipped)] == []
    findings = _findings(items)
    assert {f.properties["package"] for f in findings} == set(LABELS[example])
    for finding in findings:
        _check_finding(finding, pypa_db)


def _check_finding(finding: Finding, db: AdvisoryDB) -> None:
    """Each claim is backed by the database and carries everything the brief promises."""
    props = finding.properties
    package, version = props["package"], props["version"]
    known = db.advisories_for(package)
    [advisory] = [a for a in known if a.id == finding.rule_id]
    assert advisory.affects(package, version)
    assert finding.title == f"Vulnerable dependency {package} {version}"
    assert finding.cwe[0] == CweId(1395) and finding.weakness == "vulnerable-dependency"
    assert finding.confidence is Confidence.HIGH
    assert finding.severity is advisory.severity
    assert finding.fingerprint == make_fingerprint(
        "vulnerable-dependency", finding.location.path, package, advisory.id
    )
    assert props["aliases"] == list(advisory.aliases)
    assert props["fixed_versions"] == list(advisory.fixed_versions(package))
    assert advisory.id in finding.message
    assert all(a in finding.message for a in advisory.aliases if a.startswith("CVE-"))
    if props["minimal_upgrade"]:
        assert props["minimal_upgrade"] in finding.message
        assert not any(a.affects(package, props["minimal_upgrade"]) for a in known)
    json.dumps(dict(props))  # JSON-safe
    manifest = (EXAMPLES / finding.location.path).resolve()
    [dep] = [d for d in parse_manifest(manifest).dependencies if d.name == package]
    assert finding.location.start_line == dep.line > 0


def test_included_file_is_reported_once_at_its_own_path(pypa_dir: Path) -> None:
    folder = EXAMPLES / "vulnerable/requirements"
    items = _analyse([folder / "requirements.txt", folder / "base.txt"], EXAMPLES, pypa_dir)
    pyyaml = [f for f in _findings(items) if f.properties["package"] == "pyyaml"]
    assert pyyaml and {f.location.path for f in pyyaml} == {"vulnerable/requirements/base.txt"}
    assert len({f.fingerprint for f in pyyaml}) == len(pyyaml)


def test_empty_or_missing_database_gives_one_skip(tmp_path: Path) -> None:
    manifest = tmp_path / "requirements.txt"
    manifest.write_text("jinja2==2.10\n", "utf-8")
    (tmp_path / "empty").mkdir()
    import_advisories(tmp_path / "empty", tmp_path / "empty-db")
    for db_dir in (tmp_path / "missing", tmp_path / "empty-db"):
        items = _analyse([manifest], tmp_path, db_dir)
        assert len(items) == 1 and isinstance(items[0], Skipped)
        assert items[0].target == "advisory database" and items[0].analyser == "deps"
        assert "mamori db import" in items[0].reason and "mamori db update" in items[0].reason


def test_corrupt_database_is_a_skip(tmp_path: Path) -> None:
    (tmp_path / "db").mkdir()
    (tmp_path / "db" / DB_FILENAME).write_bytes(b"\x00garbage" * 64)
    manifest = tmp_path / "requirements.txt"
    manifest.write_text("jinja2==2.10\n", "utf-8")
    [item] = _analyse([manifest], tmp_path, tmp_path / "db")
    assert isinstance(item, Skipped) and "unreadable" in item.reason


def test_end_to_end_on_a_temp_project(tmp_path: Path, make_osv: Make, write_osv: Write) -> None:
    source = write_osv(
        make_osv("DEMO-1", "Acme_Lib", [{"introduced": "0"}, {"fixed": "1.4"}],
                 aliases=["CVE-2031-0001"], severity=CRITICAL,
                 database_specific={"cwe_ids": ["CWE-502"]}),
        make_osv("DEMO-2", "acme-lib", [{"introduced": "1.4"}, {"fixed": "1.4.2"}]),
    )  # fmt: skip
    import_advisories(source, tmp_path / "db")
    project = tmp_path / "project"
    (project / "requirements").mkdir(parents=True)
    (project / "requirements" / "prod.txt").write_text("acme.lib==1.2\nother==1.0\n", "utf-8")
    (project / "pyproject.toml").write_text("[project\n", "utf-8")
    targets = [_target(p, project) for p in sorted(project.rglob("*")) if p.is_file()]
    settings = AnalyserSettings(root=str(project), options={"advisory_db": str(tmp_path / "db")})
    outcome = run(plan(["deps"], targets, settings), settings)
    [finding] = outcome.findings
    assert finding.rule_id == "DEMO-1" and finding.severity is Severity.CRITICAL
    assert finding.cwe == (CweId(1395), CweId(502))
    assert str(finding.location) == "requirements/prod.txt:1"
    assert finding.properties["minimal_upgrade"] == "1.4.2"  # 1.4 is hit by DEMO-2
    assert "CVE-2031-0001" in finding.message
    assert finding.analyser_version.endswith("/2") and "osv-db:" in finding.analyser_version
    assert [(s.target, s.analyser) for s in outcome.skipped] == [("pyproject.toml", "deps")]
    assert outcome.runs[0].status == "ok"


def test_accepts_manifests_only(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # the default database folder is relative to the cwd
    analyser = DependencyAnalyser(AnalyserSettings(root=str(tmp_path)))

    def target(name: str) -> Target:
        return Target(TargetKind.FILE, str(tmp_path / name), "test")

    assert analyser.accepts(target("requirements-dev.txt"))
    assert analyser.accepts(target("uv.lock"))
    assert not analyser.accepts(target("app.py"))
    assert not analyser.accepts(Target(TargetKind.HOST, "db.bank.local:5432", "test"))
    assert analyser.cwes == frozenset({CweId(1395)})
    assert analyser.version.endswith("osv-db:none")  # no database in the working directory
