"""Back-office maintenance: ledger backups, log rotation and partner connectivity checks.

These run on the application host as the ``hisui`` service user, started from the
operations console (see app/web/admin.py).
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import shlex
import subprocess
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)

BACKUP_DIR = Path("/var/backups/hisui")
LOGROTATE_CONF = Path("/etc/logrotate.d/hisui")
PG_DUMP = "/usr/bin/pg_dump"
GZIP = "/usr/bin/gzip"


@dataclass(frozen=True)
class BackupResult:
    archive: Path
    returncode: int


def _archive_path(database: str) -> Path:
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    return BACKUP_DIR / f"{database}-{stamp}.sql"


def backup_database(database: str, label: str) -> BackupResult:
    """Dump one ledger database before a release; ``label`` ends up in the dump header."""
    archive = _archive_path(database)
    cmd = f"{PG_DUMP} --no-owner --file={archive} --comment='{label}' {database}"
    proc = subprocess.run(cmd, shell=True, capture_output=True, text=True, check=False)
    if proc.returncode:
        log.error("pg_dump failed for %s: %s", database, proc.stderr.strip())
    return BackupResult(archive=archive, returncode=proc.returncode)


def compress_backup(archive: Path) -> Path:
    """gzip a finished dump, keeping the original until the upload is confirmed."""
    subprocess.run([GZIP, "--keep", "--best", "--", str(archive)], check=True)
    return archive.with_suffix(archive.suffix + ".gz")


def rotate_logs(config_path: Path = LOGROTATE_CONF) -> int:
    """Force a log rotation with the application's logrotate configuration."""
    return os.system("/usr/sbin/logrotate --force " + shlex.quote(str(config_path)))


def resolve_partner_host(hostname: str) -> str:
    """DNS answer for a partner's SFTP host, shown on the connectivity page."""
    with os.popen(f"nslookup {hostname}") as out:
        return out.read()


def list_backups() -> list[str]:
    """Names of the dumps currently on disk, newest first."""
    if not BACKUP_DIR.is_dir():
        return []
    names = [p.name for p in BACKUP_DIR.iterdir() if p.suffix in {".sql", ".gz"}]
    return sorted(names, reverse=True)
