"""The store's tables as typed SQLAlchemy 2 models. Alembic migrations create exactly these.

::

    runs ─┬─< issues ──< findings      (trace, cwe and properties are JSON columns)
          ├─< skipped
          └─< analyser_runs
    suppressions                       (keyed by fingerprint, independent of runs)

Child rows carry a ``position`` so a loaded :class:`~mamori.model.ScanResult` keeps the
order it was saved in. Every text column is :class:`SafeText`, which stores any Python
string — including NUL characters and the lone surrogates that undecodable file names turn
into — reversibly on both SQLite and PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

_ESCAPE = "\x01"
"""Marks a stored string as JSON-escaped; kept below any printable character on purpose."""


def encode_text(value: str) -> str:
    """A form of ``value`` every backend accepts: unchanged unless it holds NUL, a lone
    surrogate, or starts with the escape marker; then the marker plus ASCII JSON."""
    if "\x00" in value or value.startswith(_ESCAPE) or not _is_utf8_encodable(value):
        return _ESCAPE + json.dumps(value)
    return value


def decode_text(stored: str) -> str:
    """Undo :func:`encode_text`."""
    if stored.startswith(_ESCAPE):
        decoded: str = json.loads(stored[1:])
        return decoded
    return stored


def _is_utf8_encodable(value: str) -> bool:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


class SafeText(sa.TypeDecorator[str]):
    """``TEXT`` that round-trips every Python string (see :func:`encode_text`)."""

    impl = sa.Text
    cache_ok = True

    def process_bind_param(self, value: str | None, dialect: Dialect) -> str | None:
        return None if value is None else encode_text(value)

    def process_result_value(self, value: str | None, dialect: Dialect) -> str | None:
        return None if value is None else decode_text(value)


NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
"""Constraint names, so migrations name them the same on every backend."""


class Base(DeclarativeBase):
    """Declarative base of the store's tables."""

    metadata = sa.MetaData(naming_convention=NAMING)
    type_annotation_map = {str: SafeText(), float: sa.Double(), dt.date: sa.Date()}


class RunRow(Base):
    """One stored scan run."""

    __tablename__ = "runs"

    pk: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[str] = mapped_column(unique=True)
    started_at: Mapped[str]
    finished_at: Mapped[str]
    roots: Mapped[list[str]] = mapped_column(sa.JSON)
    target_count: Mapped[int]
    mamori_version: Mapped[str]

    issues: Mapped[list[IssueRow]] = relationship(
        cascade="all, delete-orphan", order_by="IssueRow.position"
    )
    skipped: Mapped[list[SkippedRow]] = relationship(
        cascade="all, delete-orphan", order_by="SkippedRow.position"
    )
    analysers: Mapped[list[AnalyserRunRow]] = relationship(
        cascade="all, delete-orphan", order_by="AnalyserRunRow.position"
    )


class IssueRow(Base):
    """One fused issue of a run."""

    __tablename__ = "issues"

    pk: Mapped[int] = mapped_column(primary_key=True)
    run_pk: Mapped[int] = mapped_column(sa.ForeignKey("runs.pk", ondelete="CASCADE"), index=True)
    position: Mapped[int]
    fingerprint: Mapped[str] = mapped_column(index=True)
    severity: Mapped[int]
    fused_confidence: Mapped[float]
    decision: Mapped[str]
    reason: Mapped[str]
    agreeing: Mapped[list[str]] = mapped_column(sa.JSON)
    dissenting: Mapped[list[str]] = mapped_column(sa.JSON)
    suppression: Mapped[dict[str, str] | None] = mapped_column(sa.JSON(none_as_null=True))

    findings: Mapped[list[FindingRow]] = relationship(
        cascade="all, delete-orphan", order_by="FindingRow.position"
    )


class FindingRow(Base):
    """One analyser claim inside an issue."""

    __tablename__ = "findings"

    pk: Mapped[int] = mapped_column(primary_key=True)
    issue_pk: Mapped[int] = mapped_column(
        sa.ForeignKey("issues.pk", ondelete="CASCADE"), index=True
    )
    position: Mapped[int]
    analyser: Mapped[str]
    analyser_version: Mapped[str]
    rule_id: Mapped[str]
    title: Mapped[str]
    message: Mapped[str]
    severity: Mapped[int]
    confidence: Mapped[int]
    path: Mapped[str]
    start_line: Mapped[int]
    end_line: Mapped[int]
    start_column: Mapped[int]
    host: Mapped[str]
    port: Mapped[int]
    fingerprint: Mapped[str]
    cwe: Mapped[list[int]] = mapped_column(sa.JSON)
    evidence: Mapped[str]
    trace: Mapped[list[dict[str, Any]]] = mapped_column(sa.JSON)
    help_uri: Mapped[str]
    properties: Mapped[dict[str, Any]] = mapped_column(sa.JSON)


class SkippedRow(Base):
    """A target or analyser a run could not scan."""

    __tablename__ = "skipped"

    pk: Mapped[int] = mapped_column(primary_key=True)
    run_pk: Mapped[int] = mapped_column(sa.ForeignKey("runs.pk", ondelete="CASCADE"), index=True)
    position: Mapped[int]
    target: Mapped[str]
    reason: Mapped[str]
    analyser: Mapped[str]


class AnalyserRunRow(Base):
    """How one analyser fared in a run."""

    __tablename__ = "analyser_runs"

    pk: Mapped[int] = mapped_column(primary_key=True)
    run_pk: Mapped[int] = mapped_column(sa.ForeignKey("runs.pk", ondelete="CASCADE"), index=True)
    position: Mapped[int]
    analyser: Mapped[str]
    version: Mapped[str]
    status: Mapped[str]
    seconds: Mapped[float]
    findings: Mapped[int]
    targets: Mapped[int]
    error: Mapped[str]


class SuppressionRow(Base):
    """An operator's suppression of one fingerprint, valid across runs until ``until``."""

    __tablename__ = "suppressions"

    fingerprint: Mapped[str] = mapped_column(primary_key=True)
    reason: Mapped[str]
    until: Mapped[dt.date | None]
    created_by: Mapped[str]
    created_at: Mapped[str]
