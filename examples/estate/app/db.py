"""Connections to the ledger database."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg2
from psycopg2.extensions import connection as Connection
from psycopg2.extras import RealDictCursor

from app.settings import Settings

log = logging.getLogger(__name__)

_settings: Settings | None = None


def configure(settings: Settings) -> None:
    """Remember the settings used to open connections (called once by create_app)."""
    global _settings
    _settings = settings


@contextmanager
def connect() -> Iterator[Connection]:
    """A connection in a transaction: committed on success, rolled back on error."""
    if _settings is None:
        raise RuntimeError("db.configure() was not called")
    conn = psycopg2.connect(
        _settings.database_dsn,
        password=_settings.database_password,
        cursor_factory=RealDictCursor,
        application_name="hisui-web",
    )
    try:
        yield conn
        conn.commit()
    except Exception:
        log.exception("rolling back ledger transaction")
        conn.rollback()
        raise
    finally:
        conn.close()
