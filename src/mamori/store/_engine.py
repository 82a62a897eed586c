"""Open a database from a URL and migrate it to the newest schema, with errors that help."""

from __future__ import annotations

import logging
import threading
from importlib import resources
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.util.exc import CommandError
from sqlalchemy.engine import URL, Engine, make_url

from mamori.errors import StoreError

log = logging.getLogger(__name__)

DEFAULT_URL = "sqlite:///.mamori/mamori.db"
"""Where runs are kept when no URL is given (relative to the current directory)."""

_PG_DRIVER = "postgresql+psycopg"
_BACKENDS = ("sqlite", "postgresql")
_LOCK = 0x6D616D6F7269  # "mamori": the advisory lock key that serialises migrations
_IN_PROCESS = threading.Lock()
"""Alembic keeps its migration context in module globals: one migration per process at once."""


def parse_url(url: str | None) -> URL:
    """The SQLAlchemy URL for ``url``; plain ``postgresql://`` means the psycopg 3 driver."""
    text = DEFAULT_URL if url is None else url
    try:
        parsed = make_url(text)
    except (sa.exc.ArgumentError, ValueError) as e:
        raise StoreError(
            "the store URL is not a database URL",
            hint="use sqlite:///path/to/file.db or postgresql://user@host:5432/dbname",
        ) from e
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername=_PG_DRIVER)
    if parsed.get_backend_name() not in _BACKENDS:
        raise StoreError(
            f"unsupported store backend {parsed.get_backend_name()!r} in {parsed}",
            hint="Mamori stores runs in SQLite (default) or PostgreSQL",
        )
    if url is None:
        Path(".mamori").mkdir(exist_ok=True)
    return parsed


def create_engine(url: URL) -> Engine:
    """An engine for ``url`` that never puts statement parameters in error messages."""
    kwargs: dict[str, Any] = {"hide_parameters": True}
    if url.get_backend_name() == "postgresql":
        kwargs |= {"pool_pre_ping": True, "connect_args": {"connect_timeout": 10}}
    try:
        engine = sa.create_engine(url, **kwargs)
    except ImportError as e:
        raise StoreError(
            f"no database driver for {url.drivername}",
            hint="install the PostgreSQL extra: pip install 'mamori[postgres]'",
        ) from e
    if url.get_backend_name() == "sqlite":
        sa.event.listen(engine, "connect", _sqlite_foreign_keys)
    return engine


def _sqlite_foreign_keys(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def migrate(engine: Engine) -> None:
    """Bring the database's schema to the newest migration (a no-op when it is there)."""
    where = describe(engine.url)
    try:
        with _IN_PROCESS, engine.begin() as connection:
            if connection.dialect.name == "postgresql":  # one migrator at a time per database
                connection.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": _LOCK})
            command.upgrade(_alembic_config(connection), "head")
    except sa.exc.DBAPIError as e:
        raise StoreError(
            f"cannot open the store at {where}: {cause(e)}", hint=_hint(engine.url)
        ) from e
    except (ValueError, OSError) as e:
        raise StoreError(f"cannot open the store at {where!r}: {e}", hint=_hint(engine.url)) from e
    except (sa.exc.SQLAlchemyError, CommandError) as e:
        raise StoreError(
            f"cannot migrate the store at {where}: {cause(e)}",
            hint="a newer Mamori may have created this database; upgrade Mamori or use "
            "another --db",
        ) from e
    log.debug("store at %s is at the newest schema", where)


def _alembic_config(connection: sa.Connection) -> Config:
    config = Config()
    location = resources.files("mamori.store") / "migrations"
    config.set_main_option("script_location", str(location))
    config.attributes["connection"] = connection
    return config


def describe(url: URL) -> str:
    """Where a URL points, for messages: file path or host:port/db, never the password."""
    if url.get_backend_name() == "sqlite":
        return url.database or ":memory:"
    return f"{url.host or 'localhost'}:{url.port or 5432}/{url.database or ''}"


def cause(e: sa.exc.SQLAlchemyError | CommandError) -> str:
    """The driver's one-line reason, without SQL or parameters."""
    orig = getattr(e, "orig", None)
    text = str(orig if orig is not None else e).strip()
    return text.splitlines()[0] if text else type(e).__name__


def _hint(url: URL) -> str:
    if url.get_backend_name() == "sqlite":
        return (
            "check that the path is a Mamori SQLite file (or new) in a folder that exists and "
            "you may write to, or pass another --db"
        )
    return (
        "check that PostgreSQL is running and reachable, that the database exists and the "
        "user may connect (see pg_hba.conf), or pass another --db"
    )
