"""Shared fixtures for the dependency analyser: the real PyPA database, OSV record builders."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from mamori.analysers.deps.advisories import AdvisoryDB, ImportSummary, import_advisories
from shared_data import SHARED_DATA

PYPA_DIR = SHARED_DATA / "pypa-advisories" / "vulns"
EXAMPLES = Path(__file__).parent / "examples"


@pytest.fixture(scope="session")
def pypa_import(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, ImportSummary]:
    """The PyPA advisory folder imported once per test session: (database folder, summary)."""
    db_dir = tmp_path_factory.mktemp("pypa-db")
    return db_dir, import_advisories(PYPA_DIR, db_dir)


@pytest.fixture(scope="session")
def pypa_db(pypa_import: tuple[Path, ImportSummary]) -> AdvisoryDB:
    """Read access to the imported PyPA database."""
    return AdvisoryDB(pypa_import[0])


def _osv(
    ident: str,
    package: str,
    events: list[dict[str, str]] | None = None,
    *,
    versions: list[str] | None = None,
    modified: str = "2024-01-01T00:00:00Z",
    ecosystem: str = "PyPI",
    **extra: Any,
) -> dict[str, Any]:
    """A minimal OSV record for one package with one ECOSYSTEM range."""
    affected: dict[str, Any] = {"package": {"ecosystem": ecosystem, "name": package}}
    if events is not None:
        affected["ranges"] = [{"type": "ECOSYSTEM", "events": events}]
    if versions is not None:
        affected["versions"] = versions
    return {"id": ident, "modified": modified, "affected": [affected], **extra}


@pytest.fixture
def make_osv() -> Callable[..., dict[str, Any]]:
    """Build a minimal OSV record: ``make_osv(id, package, events, versions=..., **fields)``."""
    return _osv


@pytest.fixture
def write_osv(tmp_path: Path) -> Callable[..., Path]:
    """Write OSV records as JSON files into a fresh folder; return the folder."""
    folder = tmp_path / "osv"

    def write(*records: dict[str, Any]) -> Path:
        folder.mkdir(exist_ok=True)
        for record in records:
            (folder / f"{record['id']}.json").write_text(json.dumps(record), encoding="utf-8")
        return folder

    return write
