"""The local OSV advisory database: import a folder or the OSV PyPI archive, query per package.

The database is one SQLite file (``advisories.sqlite3``) in the database folder: a table of
advisories (id, modified, compact OSV JSON restricted to PyPI entries), an index from normalised
package name to advisory id, and a small metadata table. A query for one package reads only that
package's advisories. Importing is idempotent: an advisory id is stored once and a record
replaces the stored one only when its ``modified`` time is newer. Malformed advisory files are
counted and reported as :class:`Skipped`, never fatal.
"""

from __future__ import annotations

import logging
import sqlite3
import tempfile
import urllib.error
import urllib.request
import zipfile
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass
from datetime import UTC, datetime
from http.client import HTTPException
from pathlib import Path
from urllib.parse import urlsplit

from mamori.analysers.deps.manifest import normalise_name
from mamori.analysers.deps.osv import Advisory, minimal_upgrade
from mamori.analysers.deps.osv_files import (
    Record,
    decode,
    encode,
    records_from_dir,
    records_from_zip,
)
from mamori.errors import AdvisoryDBError
from mamori.model import Skipped

__all__ = [
    "DB_FILENAME",
    "DEFAULT_OSV_URL",
    "Advisory",
    "AdvisoryDB",
    "ImportSummary",
    "import_advisories",
    "minimal_upgrade",
    "update_advisories",
]

log = logging.getLogger(__name__)

DEFAULT_OSV_URL = "https://osv-vulnerabilities.storage.googleapis.com/PyPI/all.zip"
"""OSV's bulk archive of every PyPI advisory."""

DB_FILENAME = "advisories.sqlite3"
"""Name of the SQLite file inside the database folder."""

SCHEMA_VERSION = "1"
"""Bumped whenever the stored layout changes; older databases must be re-imported."""

MAX_DOWNLOAD_BYTES = 1 << 30
"""Refuse archives larger than this (1 GiB); OSV's PyPI archive is a few tens of MB."""

_REIMPORT_HINT = "re-create it with `mamori db import DIR` or `mamori db update`"
_OFFLINE_HINT = "no network? use `mamori db import DIR` with a local copy of the OSV advisories"
_SCHEMA = """
CREATE TABLE IF NOT EXISTS advisory (
    id TEXT PRIMARY KEY, modified TEXT NOT NULL, record TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS affects (
    package TEXT NOT NULL, advisory_id TEXT NOT NULL, PRIMARY KEY (package, advisory_id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""


@dataclass(frozen=True, slots=True)
class ImportSummary:
    """What one import did to the database."""

    added: int
    """Advisories that were not stored before."""
    updated: int
    """Stored advisories replaced by a newer ``modified`` record."""
    unchanged: int
    """Records that were not newer than the stored advisory."""
    ignored: int
    """Valid advisories without any PyPI entry."""
    skipped: tuple[Skipped, ...]
    """Malformed advisory files, with reasons."""
    total: int
    """Advisories in the database after the import."""

    def __str__(self) -> str:
        text = (
            f"{self.total} advisories (added {self.added}, updated {self.updated}, "
            f"unchanged {self.unchanged}, not PyPI {self.ignored}, malformed {len(self.skipped)})"
        )
        examples = "; ".join(f"{s.target}: {s.reason}" for s in self.skipped[:3])
        return f"{text}; e.g. {examples}" if examples else text


# --- import ----------------------------------------------------------------------------


def import_advisories(source_dir: str | Path, db_dir: str | Path) -> ImportSummary:
    """Import every OSV ``.json``/``.yaml``/``.yml`` file under ``source_dir`` (recursively)."""
    source = Path(source_dir)
    if not source.is_dir():
        raise AdvisoryDBError(
            f"advisory source {source} is not a folder",
            hint="pass a folder of OSV advisories, e.g. a checkout of pypa/advisory-database",
        )
    return _import(records_from_dir(source), Path(db_dir), source=str(source.resolve()))


def update_advisories(
    db_dir: str | Path, url: str = DEFAULT_OSV_URL, timeout: float = 60.0
) -> ImportSummary:
    """Download the OSV PyPI archive from ``url`` and import it into ``db_dir``."""
    shown = _redact_url(url)
    if urlsplit(url).scheme not in ("http", "https"):
        raise AdvisoryDBError(f"refusing to download {shown}", hint="use an http(s) URL")
    with tempfile.TemporaryDirectory(prefix="mamori-osv-") as tmp:
        archive = Path(tmp) / "osv.zip"
        _download(url, archive, timeout)
        if not zipfile.is_zipfile(archive):
            raise AdvisoryDBError(
                f"{shown} did not return a zip archive", hint=f"check the URL; {_OFFLINE_HINT}"
            )
        try:
            with zipfile.ZipFile(archive) as zf:
                return _import(records_from_zip(zf), Path(db_dir), source=shown)
        except zipfile.BadZipFile as e:
            raise AdvisoryDBError(f"{shown} returned a corrupt zip: {e}", hint=_OFFLINE_HINT) from e


def _download(url: str, dest: Path, timeout: float) -> None:
    log.info("downloading advisories from %s", _redact_url(url))
    received = 0
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response, dest.open("wb") as out:  # noqa: S310 - scheme checked
            while chunk := response.read(1 << 20):
                received += len(chunk)
                if received > MAX_DOWNLOAD_BYTES:
                    raise AdvisoryDBError(
                        f"{_redact_url(url)} sent more than {MAX_DOWNLOAD_BYTES} bytes",
                        hint="check the URL",
                    )
                out.write(chunk)
    except (urllib.error.URLError, HTTPException, OSError) as e:
        if isinstance(e, urllib.error.HTTPError):
            e.close()  # it holds the open response
        raise AdvisoryDBError(
            f"cannot download advisories from {_redact_url(url)}: {e}", hint=_OFFLINE_HINT
        ) from e


def _redact_url(url: str) -> str:
    """``url`` without user name, password, query or fragment (they may hold credentials)."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    try:
        port = f":{parts.port}" if parts.port else ""
    except ValueError:
        port = ""
    return f"{parts.scheme}://{host}{port}{parts.path}"


def _import(records: Iterator[Record], db_dir: Path, *, source: str) -> ImportSummary:
    try:
        db_dir.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise AdvisoryDBError(
            f"cannot create {db_dir}: {e}", hint="choose a writable folder"
        ) from e
    counts = {"added": 0, "updated": 0, "unchanged": 0, "ignored": 0}
    skipped: list[Skipped] = []
    try:
        with closing(sqlite3.connect(db_dir / DB_FILENAME)) as conn, conn:
            _prepare(conn)
            for record in records:
                if isinstance(record, Skipped):
                    skipped.append(record)
                elif not record.affected:
                    counts["ignored"] += 1
                else:
                    counts[_upsert(conn, record)] += 1
            total = _stamp(conn, source)
    except sqlite3.Error as e:
        raise AdvisoryDBError(
            f"advisory database {db_dir} is unusable: {e}", hint=_REIMPORT_HINT
        ) from e
    summary = ImportSummary(**counts, skipped=tuple(skipped), total=total)
    log.info("advisory import from %s: %s", source, summary)
    return summary


def _prepare(conn: sqlite3.Connection) -> None:
    conn.executescript(_SCHEMA)
    row = conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    if row is not None and row[0] != SCHEMA_VERSION:
        raise AdvisoryDBError(
            f"advisory database has schema {row[0]}, this Mamori needs {SCHEMA_VERSION}",
            hint="delete the database folder and import again",
        )


def _upsert(conn: sqlite3.Connection, advisory: Advisory) -> str:
    """Store ``advisory`` unless a record at least as new is stored; say which happened."""
    row = conn.execute("SELECT modified FROM advisory WHERE id = ?", (advisory.id,)).fetchone()
    if row is not None and not _is_newer(advisory.modified, row[0]):
        return "unchanged"
    conn.execute(
        "INSERT OR REPLACE INTO advisory (id, modified, record) VALUES (?, ?, ?)",
        (advisory.id, advisory.modified, encode(advisory)),
    )
    conn.execute("DELETE FROM affects WHERE advisory_id = ?", (advisory.id,))
    conn.executemany(
        "INSERT INTO affects (package, advisory_id) VALUES (?, ?)",
        [(name, advisory.id) for name in sorted(advisory.packages)],
    )
    return "added" if row is None else "updated"


def _is_newer(candidate: str, stored: str) -> bool:
    """Whether RFC 3339 time ``candidate`` is later than ``stored`` (text order as fallback)."""
    try:
        return _parse_time(candidate) > _parse_time(stored)
    except ValueError:
        return candidate > stored


def _parse_time(text: str) -> datetime:
    parsed = datetime.fromisoformat(text.strip())
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _stamp(conn: sqlite3.Connection, source: str) -> int:
    total = int(conn.execute("SELECT COUNT(*) FROM advisory").fetchone()[0])
    meta = {
        "schema_version": SCHEMA_VERSION,
        "imported_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "source": source,
        "count": str(total),
    }
    conn.executemany("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", meta.items())
    return total


# --- query -----------------------------------------------------------------------------


class AdvisoryDB:
    """Read access to a database folder made by :func:`import_advisories`."""

    def __init__(self, db_dir: str | Path) -> None:
        self.path = Path(db_dir) / DB_FILENAME
        """The SQLite file."""

    @property
    def is_empty(self) -> bool:
        """True when the database is missing or holds no advisory."""
        if not self.path.is_file():
            return True
        return self._meta().get("count", "0") == "0"

    @property
    def version(self) -> str:
        """``osv-db:<import date>/<advisory count>``, recorded in findings."""
        meta = self._meta()
        return f"osv-db:{meta.get('imported_at', '?')[:10]}/{meta.get('count', '0')}"

    def advisories_for(self, name: str) -> list[Advisory]:
        """Every stored advisory that names package ``name`` (any spelling), sorted by id."""
        query = (
            "SELECT a.id, a.record FROM affects f JOIN advisory a ON a.id = f.advisory_id"
            " WHERE f.package = ? ORDER BY a.id"
        )
        rows = self._query(query, (normalise_name(name),))
        return [decode(str(record), where=f"{self.path} ({ident})") for ident, record in rows]

    def _meta(self) -> dict[str, str]:
        return {str(k): str(v) for k, v in self._query("SELECT key, value FROM meta", ())}

    def _query(self, sql: str, params: tuple[str, ...]) -> list[tuple[object, ...]]:
        if not self.path.is_file():
            raise AdvisoryDBError(
                f"advisory database {self.path} does not exist", hint=_REIMPORT_HINT
            )
        try:
            with closing(
                sqlite3.connect(f"{self.path.resolve().as_uri()}?mode=ro", uri=True)
            ) as conn:
                return list(conn.execute(sql, params).fetchall())
        except sqlite3.Error as e:
            raise AdvisoryDBError(
                f"advisory database {self.path} is unreadable: {e}", hint=_REIMPORT_HINT
            ) from e
