"""Migrations: they build exactly the models' schema, the same on SQLite and PostgreSQL."""

from __future__ import annotations

from importlib import resources
from typing import Any

import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory

from mamori.store import Store
from mamori.store._engine import parse_url
from mamori.store.schema import Base

STORE_TABLES = {"runs", "issues", "findings", "skipped", "analyser_runs", "suppressions"}


def _config(connection: sa.Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(resources.files("mamori.store") / "migrations"))
    config.attributes["connection"] = connection
    return config


def _with_engine(url: str, work: Any) -> Any:
    engine = sa.create_engine(parse_url(url))
    try:
        with engine.begin() as conn:
            return work(conn)
    finally:
        engine.dispose()


def _shape(conn: sa.Connection) -> dict[str, Any]:
    """The schema as data a backend cannot dress differently: columns with their Python
    types and nullability, keys, indexes and foreign keys."""
    inspector = sa.inspect(conn)
    shape: dict[str, Any] = {}
    for table in sorted(set(inspector.get_table_names()) - {"alembic_version"}):
        shape[table] = {
            "columns": [
                (c["name"], c["type"].python_type.__name__, c["nullable"])
                for c in inspector.get_columns(table)
            ],
            "pk": inspector.get_pk_constraint(table)["constrained_columns"],
            "unique": sorted(
                tuple(u["column_names"]) for u in inspector.get_unique_constraints(table)
            ),
            "indexes": sorted(
                (i["name"], tuple(i["column_names"]), bool(i["unique"]))
                for i in inspector.get_indexes(table)
                if not i.get("duplicates_constraint")  # PostgreSQL's index behind a UNIQUE
            ),
            "fks": sorted(
                (tuple(f["constrained_columns"]), f["referred_table"], f["options"].get("ondelete"))
                for f in inspector.get_foreign_keys(table)
            ),
        }
    return shape


def test_migrations_build_what_the_models_describe(store_url: str) -> None:
    Store.open(store_url).close()

    def differences(conn: sa.Connection) -> list[Any]:
        return list(compare_metadata(MigrationContext.configure(conn), Base.metadata))

    assert _with_engine(store_url, differences) == []


def test_both_backends_get_the_same_schema(sqlite_fresh: str, pg_fresh: str) -> None:
    Store.open(sqlite_fresh).close()
    Store.open(pg_fresh).close()
    lite, pg = _with_engine(sqlite_fresh, _shape), _with_engine(pg_fresh, _shape)
    assert set(lite) == STORE_TABLES
    assert lite == pg
    assert ("fingerprint", "str", False) in lite["issues"]["columns"]
    assert ("until", "date", True) in lite["suppressions"]["columns"]


def test_opening_migrates_to_head_once_and_reopening_changes_nothing(store_url: str) -> None:
    head = ScriptDirectory.from_config(_config()).get_current_head()
    assert head is not None
    version = sa.text("SELECT version_num FROM alembic_version")
    Store.open(store_url).close()
    first = _with_engine(store_url, _shape)
    Store.open(store_url).close()
    assert _with_engine(store_url, lambda c: list(c.scalars(version))) == [head]
    assert _with_engine(store_url, _shape) == first


def test_migrations_have_one_head_and_downgrade_cleanly(sqlite_fresh: str) -> None:
    assert len(ScriptDirectory.from_config(_config()).get_heads()) == 1
    Store.open(sqlite_fresh).close()

    def down(conn: sa.Connection) -> set[str]:
        command.downgrade(_config(conn), "base")
        return set(sa.inspect(conn).get_table_names())

    assert _with_engine(sqlite_fresh, down) & STORE_TABLES == set()
    Store.open(sqlite_fresh).close()
    assert STORE_TABLES <= _with_engine(
        sqlite_fresh, lambda c: set(sa.inspect(c).get_table_names())
    )
