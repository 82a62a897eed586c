"""Opening stores: the default location, URL forms, and errors that say what to do."""

from __future__ import annotations

import socket
import threading
import time
from pathlib import Path

import pytest
import sqlalchemy as sa

from mamori.model import Skipped
from mamori.store import DEFAULT_URL, Store, StoreError
from mamori.store._engine import parse_url
from store.store_samples import result


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
    return port


def test_default_store_lives_in_dot_mamori_of_the_current_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    saved = result("a")
    with Store.open() as store:
        store.save(saved)
    assert DEFAULT_URL.endswith(".mamori/mamori.db")
    assert (tmp_path / ".mamori" / "mamori.db").is_file()
    with Store.open(None) as store:
        assert store.load("latest") == saved


@pytest.mark.parametrize(
    ("given", "driver"),
    [
        ("postgresql://u@db.example:5433/mamori", "postgresql+psycopg"),
        ("postgres://u@db.example/mamori", "postgresql+psycopg"),
        ("postgresql+psycopg://u@db.example/mamori", "postgresql+psycopg"),
        ("sqlite:///x.db", "sqlite"),
    ],
)
def test_url_forms_map_to_the_drivers_mamori_uses(given: str, driver: str) -> None:
    assert parse_url(given).drivername == driver


def test_plain_postgresql_url_opens_a_real_server(pg_fresh: str) -> None:
    plain = sa.make_url(pg_fresh).set(drivername="postgresql").render_as_string(False)
    assert plain.startswith("postgresql://")
    with Store.open(plain) as store:
        run_id = store.save(result("a"))
        assert [r.run_id for r in store.runs()] == [run_id]


@pytest.mark.parametrize("url", ["not a url", "://", "sqlite:////\x00"])
def test_a_malformed_url_raises_store_error_with_hint(url: str) -> None:
    with pytest.raises(StoreError) as caught:
        Store.open(url)
    assert caught.value.hint


def test_an_unsupported_backend_is_refused() -> None:
    with pytest.raises(StoreError, match="unsupported store backend 'mysql'") as caught:
        Store.open("mysql://u@127.0.0.1/db")
    assert "PostgreSQL" in caught.value.hint


def test_an_unreachable_server_names_where_and_never_the_password() -> None:
    port = _closed_port()
    with pytest.raises(StoreError) as caught:
        Store.open(f"postgresql://mamori:s3cr3t-pw@127.0.0.1:{port}/mamori")
    text = str(caught.value)
    assert f"127.0.0.1:{port}/mamori" in text
    assert "PostgreSQL is running" in caught.value.hint
    assert "s3cr3t-pw" not in text and "s3cr3t-pw" not in repr(caught.value.__cause__)


def test_a_missing_folder_raises_store_error(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="cannot open the store") as caught:
        Store.open(f"sqlite:///{tmp_path / 'no' / 'such' / 'folder' / 'm.db'}")
    assert "folder" in caught.value.hint


def test_a_file_that_is_not_a_database_raises_store_error(tmp_path: Path) -> None:
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8)
    with pytest.raises(StoreError, match="cannot open the store") as caught:
        Store.open(f"sqlite:///{junk}")
    assert "SQLite" in caught.value.hint


def test_a_database_from_a_newer_mamori_is_refused(store_url: str) -> None:
    with Store.open(store_url):
        pass
    engine = sa.create_engine(parse_url(store_url))
    with engine.begin() as conn:
        conn.execute(sa.text("UPDATE alembic_version SET version_num = '9999'"))
    engine.dispose()
    with pytest.raises(StoreError, match="cannot migrate") as caught:
        Store.open(store_url)
    assert "newer Mamori" in caught.value.hint


def _connections(url: str) -> int:
    engine = sa.create_engine(url, poolclass=sa.NullPool)
    with engine.connect() as conn:
        count: int = conn.scalar(
            sa.text(
                "SELECT count(*) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
        )
    engine.dispose()
    return count


def test_closing_releases_every_server_connection(pg_fresh: str) -> None:
    with Store.open(pg_fresh) as store:
        store.save(result("a"))
        assert _connections(pg_fresh) >= 1
    assert _connections(pg_fresh) == 0


def _open_at_once(url: str, openers: int) -> list[object]:
    """Open ``url`` from several threads released together; each returns its run count or
    the error it met. Daemon threads, so a hang fails the test instead of the suite."""
    start, outcomes = threading.Barrier(openers), [None] * openers

    def open_and_count(n: int) -> None:
        start.wait()
        try:
            with Store.open(url) as store:
                outcomes[n] = len(store.runs())
        except Exception as e:  # reported through outcomes
            outcomes[n] = e

    threads = [
        threading.Thread(target=open_and_count, args=(n,), daemon=True) for n in range(openers)
    ]
    for t in threads:
        t.start()
    deadline = time.monotonic() + 60
    for t in threads:
        t.join(timeout=max(0.0, deadline - time.monotonic()))
    assert not any(t.is_alive() for t in threads), "opening concurrently hung"
    return list(outcomes)


def test_opening_a_new_database_from_many_threads_at_once_works(store_url: str) -> None:
    assert _open_at_once(store_url, 4) == [0, 0, 0, 0]


def test_database_errors_never_carry_the_values_being_written(sqlite_fresh: str) -> None:
    store = Store.open(sqlite_fresh)
    engine = sa.create_engine(sqlite_fresh)
    with engine.begin() as conn:
        conn.execute(sa.text("DROP TABLE skipped"))
    engine.dispose()
    leaky = result("a", skipped=(Skipped("config.py", "token=ghp_SECRETVALUE123"),))
    with pytest.raises(StoreError, match="no such table: skipped") as caught:
        store.save(leaky)
    store.close()
    for text in (str(caught.value), str(caught.value.__cause__)):
        assert "ghp_SECRETVALUE123" not in text
