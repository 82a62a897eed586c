"""Initial schema: runs with their issues, findings, skips and analyser runs; suppressions.

Revision ID: 0001
Revises:
Create Date: 2026-11-23
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _text(name: str) -> sa.Column[Any]:
    return sa.Column(name, sa.Text(), nullable=False)


def _int(name: str) -> sa.Column[Any]:
    return sa.Column(name, sa.Integer(), nullable=False)


def _json(name: str, *, nullable: bool = False) -> sa.Column[Any]:
    return sa.Column(name, sa.JSON(none_as_null=nullable), nullable=nullable)


def _child(table: str, parent: str, fk: str, *columns: sa.Column[Any]) -> None:
    """A table whose rows belong to ``parent`` (deleted with it), kept in ``position`` order."""
    op.create_table(
        table,
        _int("pk"),
        _int(fk),
        _int("position"),
        *columns,
        sa.ForeignKeyConstraint(
            [fk], [f"{parent}.pk"], name=op.f(f"fk_{table}_{fk}_{parent}"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("pk", name=op.f(f"pk_{table}")),
    )
    op.create_index(op.f(f"ix_{table}_{fk}"), table, [fk])


def upgrade() -> None:
    op.create_table(
        "runs",
        _int("pk"),
        _text("run_id"),
        _text("started_at"),
        _text("finished_at"),
        _json("roots"),
        _int("target_count"),
        _text("mamori_version"),
        sa.PrimaryKeyConstraint("pk", name=op.f("pk_runs")),
        sa.UniqueConstraint("run_id", name=op.f("uq_runs_run_id")),
    )
    op.create_table(
        "suppressions",
        _text("fingerprint"),
        _text("reason"),
        sa.Column("until", sa.Date(), nullable=True),
        _text("created_by"),
        _text("created_at"),
        sa.PrimaryKeyConstraint("fingerprint", name=op.f("pk_suppressions")),
    )
    _child(
        "analyser_runs", "runs", "run_pk",
        _text("analyser"), _text("version"), _text("status"),
        sa.Column("seconds", sa.Double(), nullable=False),
        _int("findings"), _int("targets"), _text("error"),
    )  # fmt: skip
    _child("skipped", "runs", "run_pk", _text("target"), _text("reason"), _text("analyser"))
    _child(
        "issues", "runs", "run_pk",
        _text("fingerprint"), _int("severity"),
        sa.Column("fused_confidence", sa.Double(), nullable=False),
        _text("decision"), _text("reason"), _json("agreeing"), _json("dissenting"),
        _json("suppression", nullable=True),
    )  # fmt: skip
    op.create_index(op.f("ix_issues_fingerprint"), "issues", ["fingerprint"])
    _child(
        "findings", "issues", "issue_pk",
        _text("analyser"), _text("analyser_version"), _text("rule_id"), _text("title"),
        _text("message"), _int("severity"), _int("confidence"),
        _text("path"), _int("start_line"), _int("end_line"), _int("start_column"),
        _text("host"), _int("port"),
        _text("fingerprint"), _json("cwe"), _text("evidence"), _json("trace"),
        _text("help_uri"), _json("properties"),
    )  # fmt: skip


def downgrade() -> None:
    for table in ("findings", "issues", "skipped", "analyser_runs", "suppressions", "runs"):
        op.drop_table(table)
