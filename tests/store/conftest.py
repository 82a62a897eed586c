"""Store fixtures: a throw-away PostgreSQL server, and a fresh database per test per backend.

The server is real: ``initdb`` into a temporary folder, ``pg_ctl start`` listening only on
127.0.0.1 (and a unix socket in that folder), one database created, everything stopped and
deleted at the end of the session. As root it runs as the ``postgres`` system user, since
PostgreSQL refuses to run as root. Set ``MAMORI_TEST_PG_URL`` to use an existing server.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
import sqlalchemy as sa

from mamori.store import Store
from mamori.store.schema import Base

PG_ENV = "MAMORI_TEST_PG_URL"
_MISSING = (
    "PostgreSQL server binaries (initdb, pg_ctl) were not found on PATH or in "
    "/usr/lib/postgresql/*/bin. The store tests need a real PostgreSQL: "
    "apt-get install postgresql; `make test` does this "
    f"(or set {PG_ENV} to a server you have)."
)
_DB = "mamori_test"


def _pg_bindir() -> Path:
    """The folder holding initdb and pg_ctl: PATH first, then the newest Debian version."""
    on_path = shutil.which("initdb")
    candidates = [Path(on_path).resolve().parent] if on_path else []
    versions = glob.glob("/usr/lib/postgresql/*/bin")
    candidates += sorted((Path(v) for v in versions), key=_version, reverse=True)
    for folder in candidates:
        if (folder / "initdb").is_file() and (folder / "pg_ctl").is_file():
            return folder
    pytest.fail(_MISSING, pytrace=False)


def _version(bindir: Path) -> int:
    name = bindir.parent.name
    return int(name) if name.isdigit() else 0


def _as_owner(cmd: list[str]) -> list[str]:
    """``cmd`` run as the ``postgres`` user when we are root (PostgreSQL refuses root)."""
    if os.geteuid() != 0:
        return cmd
    if shutil.which("runuser"):
        return ["runuser", "-u", "postgres", "--", *cmd]
    return ["setpriv", "--reuid=postgres", "--regid=postgres", "--init-groups", *cmd]


def _run(cmd: list[str], what: str) -> None:
    proc = subprocess.run(_as_owner(cmd), capture_output=True, text=True, timeout=120)
    if proc.returncode != 0:
        pytest.fail(f"{what} failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _owned_tempdir() -> Path:
    """A fresh folder the server's user owns (pytest's tmp folders are root-only)."""
    folder = Path(tempfile.mkdtemp(prefix="mamori-pg-"))
    if os.geteuid() == 0:
        try:
            user = pwd.getpwnam("postgres")
        except KeyError:
            shutil.rmtree(folder)
            pytest.fail("running as root but there is no `postgres` user. " + _MISSING)
        os.chown(folder, user.pw_uid, user.pw_gid)
    return folder


def _start(bindir: Path, folder: Path) -> int:
    """Start the server; return its port. Retries a port another process grabbed first."""
    data, log = folder / "data", folder / "server.log"
    for _attempt in range(3):
        port = _free_port()
        options = (
            f"-h 127.0.0.1 -p {port} -k {folder} "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        )
        cmd = [str(bindir / "pg_ctl"), "-D", str(data), "-l", str(log), "-w", "-t", "60"]
        proc = subprocess.run(
            _as_owner([*cmd, "-o", options, "start"]), capture_output=True, text=True, timeout=90
        )
        if proc.returncode == 0:
            return port
    tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
    pytest.fail(f"PostgreSQL did not start:\n{proc.stdout}\n{proc.stderr}\n{tail}")


@pytest.fixture(scope="session")
def pg_url() -> Iterator[str]:
    """URL of a PostgreSQL database for this session (``MAMORI_TEST_PG_URL`` if set)."""
    if os.environ.get(PG_ENV):
        yield os.environ[PG_ENV]
        return
    bindir = _pg_bindir()
    folder = _owned_tempdir()
    started = False
    try:
        _run(
            [str(bindir / "initdb"), "-D", str(folder / "data"), "-U", "postgres", "-A", "trust",
             "-E", "UTF8", "--locale=C", "--no-sync"],
            "initdb",
        )  # fmt: skip
        port = _start(bindir, folder)
        started = True
        with psycopg.connect(
            host="127.0.0.1", port=port, user="postgres", dbname="postgres", autocommit=True
        ) as conn:
            conn.execute(f"CREATE DATABASE {_DB}")
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}/{_DB}"
    finally:
        if started:
            stop = [str(bindir / "pg_ctl"), "-D", str(folder / "data"), "-m", "immediate", "stop"]
            subprocess.run(_as_owner(stop), capture_output=True, timeout=60, check=False)
        shutil.rmtree(folder, ignore_errors=True)


def _drop_store_tables(url: str) -> None:
    """Remove the store's tables (and only those) so each test starts from nothing."""
    engine = sa.create_engine(sa.make_url(url).set(drivername="postgresql+psycopg"))
    try:
        with engine.begin() as conn:
            conn.execute(sa.text("SET lock_timeout = '10s'"))
            Base.metadata.drop_all(conn)
            conn.execute(sa.text("DROP TABLE IF EXISTS alembic_version"))
    finally:
        engine.dispose()


@pytest.fixture
def pg_fresh(pg_url: str) -> Iterator[str]:
    """The session's PostgreSQL database, emptied of store tables before and after the test."""
    _drop_store_tables(pg_url)
    yield pg_url
    _drop_store_tables(pg_url)


@pytest.fixture
def sqlite_fresh(tmp_path: Path) -> str:
    """A new SQLite file URL."""
    return f"sqlite:///{tmp_path / 'mamori.db'}"


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request: pytest.FixtureRequest) -> str:
    """A fresh, empty database URL on each backend in turn."""
    fixture = {"sqlite": "sqlite_fresh", "postgresql": "pg_fresh"}[request.param]
    url: str = request.getfixturevalue(fixture)
    return url


@pytest.fixture
def store(store_url: str) -> Iterator[Store]:
    """An open store on a fresh database, on each backend in turn."""
    with Store.open(store_url) as opened:
        yield opened
