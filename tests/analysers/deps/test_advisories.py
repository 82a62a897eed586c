"""The local advisory database: PyPA import, idempotence, newer-wins, malformed files, queries."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from mamori.analysers.deps.advisories import (
    DB_FILENAME,
    AdvisoryDB,
    ImportSummary,
    import_advisories,
)
from mamori.errors import AdvisoryDBError
from shared_data import SHARED_DATA

PYPA_DIR = SHARED_DATA / "pypa-advisories" / "vulns"
Make = Callable[..., dict[str, Any]]
Write = Callable[..., Path]


def _raw_advisories(package: str) -> list[dict[str, Any]]:
    """The PyPA records for ``package`` as PyYAML reads them (independently of Mamori)."""
    return [yaml.safe_load(p.read_text("utf-8")) for p in sorted((PYPA_DIR / package).glob("*"))]


def test_pypa_import_counts(pypa_import: tuple[Path, ImportSummary]) -> None:
    _, summary = pypa_import
    files = [p for p in PYPA_DIR.rglob("*") if p.suffix in (".yaml", ".json") and p.is_file()]
    assert summary.total > 2000
    assert summary.added + summary.ignored + len(summary.skipped) == len(files)
    assert summary.total == summary.added
    assert str(summary.total) in str(summary)


@pytest.mark.parametrize("package", ["jinja2", "pyyaml"])
def test_pypa_known_package_matches_the_data(pypa_db: AdvisoryDB, package: str) -> None:
    raw = _raw_advisories(package)
    stored = {a.id: a for a in pypa_db.advisories_for(package.upper())}
    assert set(stored) == {r["id"] for r in raw}
    for record in raw:
        advisory = stored[record["id"]]
        assert set(advisory.aliases) == set(record.get("aliases", []))
        listed = [v for a in record["affected"] for v in a.get("versions", [])]
        assert listed and all(advisory.affects(package, str(v)) for v in listed)
        fixed = [e["fixed"] for a in record["affected"] for r in a.get("ranges", [])
                 if r["type"] == "ECOSYSTEM" for e in r["events"] if "fixed" in e]  # fmt: skip
        assert set(advisory.fixed_versions(package)) == {str(f) for f in fixed}
        assert not any(advisory.affects(package, str(f)) for f in fixed)


def test_pypa_db_metadata(pypa_db: AdvisoryDB, pypa_import: tuple[Path, ImportSummary]) -> None:
    assert not pypa_db.is_empty
    assert pypa_db.version.startswith("osv-db:")
    assert pypa_db.version.endswith(f"/{pypa_import[1].total}")
    assert pypa_db.advisories_for("no-such-package-anywhere") == []


def test_reimport_is_idempotent(tmp_path: Path, make_osv: Make, write_osv: Write) -> None:
    source = write_osv(make_osv("A-1", "alpha", [{"introduced": "0"}, {"fixed": "2"}]),
                       make_osv("A-2", "beta", [{"introduced": "0"}]))  # fmt: skip
    first = import_advisories(source, tmp_path / "db")
    second = import_advisories(source, tmp_path / "db")
    assert (first.added, first.total) == (2, 2)
    assert (second.added, second.updated, second.unchanged, second.total) == (0, 0, 2, 2)
    assert [a.id for a in AdvisoryDB(tmp_path / "db").advisories_for("alpha")] == ["A-1"]


def test_newer_modified_wins(tmp_path: Path, make_osv: Make, write_osv: Write) -> None:
    db_dir = tmp_path / "db"
    import_advisories(write_osv(make_osv("A-1", "alpha", [{"introduced": "0"}, {"fixed": "1.5"}],
                                         modified="2024-01-01T00:00:00Z")), db_dir)  # fmt: skip
    newer = make_osv("A-1", "gamma", [{"introduced": "0"}, {"fixed": "1.6"}],
                     modified="2024-06-01T00:00:00.123456Z")  # fmt: skip
    older = make_osv("A-1", "alpha", [{"introduced": "0"}, {"fixed": "1.0"}],
                     modified="2023-01-01T00:00:00Z")  # fmt: skip
    assert import_advisories(write_osv(newer), db_dir).updated == 1
    assert import_advisories(write_osv(older), db_dir).unchanged == 1
    db = AdvisoryDB(db_dir)
    assert db.advisories_for("alpha") == []  # the newer record no longer names alpha
    [stored] = db.advisories_for("gamma")
    assert stored.fixed_versions("gamma") == ("1.6",)


def test_malformed_files_are_counted_not_fatal(
    tmp_path: Path, make_osv: Make, write_osv: Write
) -> None:
    good = make_osv("GOOD-1", "alpha", [{"introduced": "0"}])
    npm = make_osv("NPM-1", "left-pad", [{"introduced": "0"}], ecosystem="npm")
    source = write_osv(good, npm)
    (source / "broken.json").write_text('{"id": "X", ', "utf-8")
    (source / "broken.yaml").write_text("id: [unclosed\n", "utf-8")
    (source / "list.yaml").write_text("- id: X\n", "utf-8")
    (source / "latin1.json").write_bytes(b'{"id": "caf\xe9"}')
    (source / "noid.json").write_text(json.dumps({"affected": []}), "utf-8")
    (source / "README.md").write_text("not an advisory", "utf-8")
    (source / ".git").mkdir()
    (source / ".git" / "x.json").write_text("{", "utf-8")
    summary = import_advisories(source, tmp_path / "db")
    assert (summary.added, summary.ignored, summary.total) == (1, 1, 1)
    assert sorted(Path(s.target).name for s in summary.skipped) == [
        "broken.json", "broken.yaml", "latin1.json", "list.yaml", "noid.json",
    ]  # fmt: skip
    assert all(s.reason.startswith("malformed advisory") for s in summary.skipped)
    assert "malformed 5" in str(summary)


def test_yaml_versions_stay_strings(tmp_path: Path) -> None:
    source = tmp_path / "src" / "pkg"
    source.mkdir(parents=True)
    (source / "Y-1.yaml").write_text(
        "id: Y-1\nmodified: 2024-01-01T00:00:00Z\n"
        "affected:\n- package: {name: pkg, ecosystem: PyPI}\n"
        "  ranges:\n  - type: ECOSYSTEM\n    events:\n    - introduced: 0\n    - fixed: 1.10\n",
        "utf-8",
    )
    import_advisories(tmp_path / "src", tmp_path / "db")
    [advisory] = AdvisoryDB(tmp_path / "db").advisories_for("pkg")
    assert advisory.fixed_versions("pkg") == ("1.10",)
    assert advisory.affects("pkg", "1.9") and not advisory.affects("pkg", "1.10")


def test_missing_database(tmp_path: Path) -> None:
    db = AdvisoryDB(tmp_path / "nowhere")
    assert db.is_empty
    with pytest.raises(AdvisoryDBError, match="does not exist") as info:
        db.advisories_for("alpha")
    assert "mamori db import" in info.value.hint


def test_corrupt_database(tmp_path: Path) -> None:
    (tmp_path / DB_FILENAME).write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(AdvisoryDBError, match="unreadable"):
        _ = AdvisoryDB(tmp_path).is_empty
    with pytest.raises(AdvisoryDBError, match="unusable"):
        import_advisories(tmp_path, tmp_path)


def test_source_must_be_a_folder(tmp_path: Path) -> None:
    with pytest.raises(AdvisoryDBError, match="not a folder"):
        import_advisories(tmp_path / "missing", tmp_path / "db")
