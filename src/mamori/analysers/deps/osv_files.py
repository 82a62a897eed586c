"""Read OSV advisory files (JSON or YAML) from a folder or a zip, and (de)serialise stored records.

YAML is read with PyYAML's base loader, which keeps every scalar a string: an unquoted
``fixed: 1.10`` stays the version ``"1.10"`` instead of becoming the float ``1.1``, and no
Python object is ever constructed from the file.
"""

from __future__ import annotations

import json
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path, PurePosixPath
from typing import Any

import yaml

from mamori.analysers.deps.manifest import skip
from mamori.analysers.deps.osv import Advisory, OSVFormatError, advisory_to_osv, parse_advisory
from mamori.errors import AdvisoryDBError
from mamori.model import Skipped

Record = Advisory | Skipped
"""One advisory file's outcome: the advisory, or why it could not be read."""

MAX_RECORD_BYTES = 10 * 1024 * 1024
"""Advisory files larger than this are skipped (real ones are a few kB)."""

_SUFFIXES = frozenset({".json", ".yaml", ".yml"})
_YAML_LOADER = getattr(yaml, "CBaseLoader", yaml.BaseLoader)


def records_from_dir(source: Path) -> Iterator[Record]:
    """Every advisory file under ``source``, recursively, sorted; hidden folders are skipped."""
    for path in sorted(source.rglob("*")):
        relative = path.relative_to(source)
        if path.suffix.lower() not in _SUFFIXES or any(p.startswith(".") for p in relative.parts):
            continue
        if path.is_file():
            yield _read_file(path)


def _read_file(path: Path) -> Record:
    try:
        if path.stat().st_size > MAX_RECORD_BYTES:
            return skip(path, f"advisory file larger than {MAX_RECORD_BYTES} bytes")
        data = path.read_bytes()
    except OSError as e:
        return skip(path, f"cannot read advisory file: {e.strerror or e}")
    return parse_bytes(data, path.suffix, str(path))


def records_from_zip(archive: zipfile.ZipFile) -> Iterator[Record]:
    """Every advisory member of ``archive`` (members are read, never extracted to disk)."""
    for info in archive.infolist():
        suffix = PurePosixPath(info.filename).suffix
        if info.is_dir() or suffix.lower() not in _SUFFIXES:
            continue
        where = f"{archive.filename or 'archive'}:{info.filename}"
        if info.file_size > MAX_RECORD_BYTES:
            yield skip(where, f"advisory file larger than {MAX_RECORD_BYTES} bytes")
            continue
        yield _read_member(archive, info, where)


def _read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, where: str) -> Record:
    try:
        data = archive.read(info)
    except (zipfile.BadZipFile, zlib.error, OSError, EOFError) as e:
        return skip(where, f"cannot read archive member: {e}")
    return parse_bytes(data, PurePosixPath(info.filename).suffix, where)


def parse_bytes(data: bytes, suffix: str, where: str) -> Record:
    """Parse one advisory file's bytes (``suffix`` selects JSON or YAML)."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        return skip(where, f"malformed advisory: not valid UTF-8 (byte {e.start})")
    try:
        record = _load(text, suffix)
    except (ValueError, yaml.YAMLError, RecursionError) as e:
        return skip(
            where, f"malformed advisory: cannot parse {suffix.lstrip('.')}: {_first_line(e)}"
        )
    if not isinstance(record, dict):
        return skip(where, "malformed advisory: the file does not hold one OSV object")
    try:
        return parse_advisory(record)
    except OSVFormatError as e:
        return skip(where, f"malformed advisory: {e}")


def _load(text: str, suffix: str) -> Any:
    if suffix.lower() == ".json":
        return json.loads(text)
    return yaml.load(text, Loader=_YAML_LOADER)  # noqa: S506 - BaseLoader builds only str/list/dict


def _first_line(error: Exception) -> str:
    return str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__


def encode(advisory: Advisory) -> str:
    """The compact JSON stored for ``advisory``."""
    return json.dumps(advisory_to_osv(advisory), separators=(",", ":"), sort_keys=True)


def decode(text: str, *, where: str) -> Advisory:
    """The advisory stored as ``text``; AdvisoryDBError if the stored record is corrupt."""
    try:
        return parse_advisory(json.loads(text))
    except (ValueError, TypeError) as e:
        raise AdvisoryDBError(
            f"corrupt advisory record in {where}: {e}",
            hint="re-create the database with `mamori db import DIR` or `mamori db update`",
        ) from e
