"""Monthly PDF statements (archived to S3) and CSV exports for the back office."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import logging
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from app.repositories import transactions
from app.util.money import display

log = logging.getLogger(__name__)

CSV_HEADER = ("booked_at", "counterparty", "memo", "amount")


@dataclass(frozen=True)
class StatementFile:
    path: Path
    etag: str
    sha256: str


def month_bounds(year: int, month: int) -> tuple[dt.date, dt.date]:
    """First day of the month and first day of the next month."""
    start = dt.date(year, month, 1)
    end = dt.date(year + (month == 12), month % 12 + 1, 1)
    return start, end


def statement_name(account_id: int, year: int, month: int) -> str:
    """File name of a monthly statement, e.g. ``1042-2026-03.csv``."""
    return f"{account_id}-{year:04d}-{month:02d}.csv"


def _write_rows(fh: IO[str], account_id: int, start: dt.date, end: dt.date) -> None:
    writer = csv.writer(fh)
    writer.writerow(CSV_HEADER)
    for e in transactions.between(account_id, start, end):
        writer.writerow((e.booked_at.isoformat(), e.counterparty, e.memo, display(e.amount, "JPY")))


def _describe(path: Path) -> StatementFile:
    data = path.read_bytes()
    etag = hashlib.md5(data, usedforsecurity=False).hexdigest()
    return StatementFile(path=path, etag=etag, sha256=hashlib.sha256(data).hexdigest())


def write_statement(statement_dir: Path, account_id: int, year: int, month: int) -> StatementFile:
    """Render one monthly statement into ``statement_dir`` atomically."""
    start, end = month_bounds(year, month)
    target = statement_dir / statement_name(account_id, year, month)
    fd, tmp_name = tempfile.mkstemp(dir=statement_dir, suffix=".partial")
    with os.fdopen(fd, "w", newline="", encoding="utf-8") as fh:
        _write_rows(fh, account_id, start, end)
    os.replace(tmp_name, target)
    return _describe(target)


def export_for_back_office(account_id: int, year: int, month: int) -> Path:
    """A CSV the back office downloads from the console (deleted by the nightly cleaner)."""
    start, end = month_bounds(year, month)
    export_path = tempfile.mktemp(prefix=f"export-{account_id}-", suffix=".csv")
    with open(export_path, "w", newline="", encoding="utf-8") as fh:
        _write_rows(fh, account_id, start, end)
    log.info("back-office export for account %s written", account_id)
    return Path(export_path)


def export_for_auditors(account_id: int, year: int, month: int) -> Path:
    """A CSV for the external auditors' secure file transfer."""
    start, end = month_bounds(year, month)
    with tempfile.NamedTemporaryFile("w", suffix=".csv", delete=False, newline="") as fh:
        _write_rows(fh, account_id, start, end)
    return Path(fh.name)
