"""The result store: scan runs, diffs between them, and operator suppressions, in SQL.

SQLite is the default (``sqlite:///.mamori/mamori.db``); PostgreSQL works through psycopg 3.
The schema is migrated to the newest Alembic revision whenever a store is opened.

Run references accepted wherever a run is named: a full run id, a unique prefix of one (at
least four characters), ``latest`` (the most recently saved run) and ``latest~N`` (the Nth
run saved before it).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import re
from collections.abc import Iterator
from types import TracebackType

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, selectinload, sessionmaker

from mamori.model import Decision, Fingerprint, RunId, ScanResult, Suppression
from mamori.store import _engine
from mamori.store._convert import row_to_run, run_to_row
from mamori.store.interface import RunDiff, RunSummary, StoreError
from mamori.store.schema import FindingRow, IssueRow, RunRow, SkippedRow, SuppressionRow

log = logging.getLogger(__name__)

_LATEST = re.compile(r"latest(?:~(\d+))?")
_MIN_PREFIX = 4
_REF_HINT = "name a run by its id, a unique id prefix, latest or latest~N (see `mamori runs`)"


class Store:
    """A database of scan runs and suppressions. Open with :meth:`open`; close when done."""

    def __init__(self, engine: Engine) -> None:
        """Wrap an engine whose database is already migrated (use :meth:`open`)."""
        self._engine = engine
        self._sessions = sessionmaker(engine, expire_on_commit=False)
        self._where = _engine.describe(engine.url)

    @classmethod
    def open(cls, url: str | None = None) -> Store:
        """Open (creating and migrating as needed) the store at ``url``.

        ``None`` means ``sqlite:///.mamori/mamori.db`` under the current directory. Raises
        :class:`StoreError` for a bad URL, an unreachable server or a database it may not use.
        """
        engine = _engine.create_engine(_engine.parse_url(url))
        try:
            _engine.migrate(engine)
        except StoreError:
            engine.dispose()
            raise
        log.info("opened store at %s", _engine.describe(engine.url))
        return cls(engine)

    def close(self) -> None:
        """Release every connection; the store cannot be used afterwards."""
        self._engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    # --- runs ---------------------------------------------------------------------------

    def save(self, result: ScanResult) -> RunId:
        """Store a whole scan result; raise :class:`StoreError` if its run id is taken."""
        row = run_to_row(result)
        with self._session("save run") as session:
            taken = session.scalar(sa.select(RunRow.pk).where(RunRow.run_id == result.run_id))
            if taken is not None:
                raise StoreError(
                    f"run {result.run_id} is already stored in {self._where}",
                    hint="each scan gets a fresh run id; do not save the same result twice",
                )
            session.add(row)
        log.info("saved run %s (%d issues)", result.run_id, len(result.issues))
        return result.run_id

    def load(self, run_ref: str) -> ScanResult:
        """The scan result a run reference names (see the module docstring)."""
        with self._session("load run") as session:
            return row_to_run(self._load_row(session, run_ref))

    def runs(self, limit: int = 20) -> list[RunSummary]:
        """The ``limit`` most recently saved runs, newest first, with their counts."""
        if limit < 0:
            raise StoreError(f"cannot list {limit} runs", hint="give a limit of 0 or more")
        with self._session("list runs") as session:
            rows = session.scalars(sa.select(RunRow).order_by(RunRow.pk.desc()).limit(limit))
            return _summaries(session, list(rows))

    def diff(self, a_ref: str, b_ref: str) -> RunDiff:
        """What changed from run A to run B: new, fixed and unchanged issues by fingerprint."""
        with self._session("compare runs") as session:
            a = row_to_run(self._load_row(session, a_ref))
            b = row_to_run(self._load_row(session, b_ref))
        in_a = {i.fingerprint for i in a.issues}
        in_b = {i.fingerprint for i in b.issues}
        return RunDiff(
            a=a.run_id,
            b=b.run_id,
            new=tuple(i for i in b.issues if i.fingerprint not in in_a),
            fixed=tuple(i for i in a.issues if i.fingerprint not in in_b),
            unchanged=tuple(i for i in b.issues if i.fingerprint in in_a),
        )

    def _load_row(self, session: Session, run_ref: str) -> RunRow:
        query = (
            sa.select(RunRow)
            .where(RunRow.pk == _resolve(session, run_ref))
            .options(
                selectinload(RunRow.issues).selectinload(IssueRow.findings),
                selectinload(RunRow.skipped),
                selectinload(RunRow.analysers),
            )
        )
        return session.scalars(query).one()

    # --- suppressions -------------------------------------------------------------------

    def suppress(
        self, fingerprint: Fingerprint, reason: str, until: dt.date | None, by: str
    ) -> Suppression:
        """Record (or replace) the suppression of ``fingerprint`` until ``until`` inclusive.

        A unique prefix of a stored issue's fingerprint is expanded to the full one.
        """
        if not reason.strip():
            raise StoreError(
                f"suppressing {fingerprint or '(no fingerprint)'} needs a reason",
                hint="say why it is accepted risk or a false alarm; the reason is in every report",
            )
        if not fingerprint.strip():
            raise StoreError("cannot suppress an empty fingerprint", hint=_FP_HINT)
        if until is not None and until < dt.date.today():
            log.warning("suppression of %s lapsed already on %s", fingerprint, until)
        with self._session("save suppression") as session:
            row = SuppressionRow(
                fingerprint=_expand(session, IssueRow.fingerprint, fingerprint.strip()),
                reason=reason.strip(),
                until=until,
                created_by=by,
                created_at=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            )
            session.merge(row)
        log.info("suppressed %s until %s", row.fingerprint, until or "further notice")
        return _to_suppression(row)

    def unsuppress(self, fingerprint: Fingerprint) -> bool:
        """Remove the suppression of ``fingerprint`` (or a unique prefix); False if none."""
        with self._session("remove suppression") as session:
            full = _expand(session, SuppressionRow.fingerprint, fingerprint.strip())
            row = session.get(SuppressionRow, full)
            if row is None:
                return False
            session.delete(row)
        log.info("removed suppression of %s", full)
        return True

    def suppressions(self, active_on: dt.date | None = None) -> dict[Fingerprint, Suppression]:
        """Every suppression by fingerprint; only those not lapsed on ``active_on`` if given."""
        query = sa.select(SuppressionRow).order_by(SuppressionRow.fingerprint)
        if active_on is not None:
            query = query.where(
                sa.or_(SuppressionRow.until.is_(None), SuppressionRow.until >= active_on)
            )
        with self._session("read suppressions") as session:
            return {Fingerprint(r.fingerprint): _to_suppression(r) for r in session.scalars(query)}

    # --- plumbing -----------------------------------------------------------------------

    @contextlib.contextmanager
    def _session(self, action: str) -> Iterator[Session]:
        """A transaction; database failures become :class:`StoreError` naming ``action``."""
        try:
            with self._sessions.begin() as session:
                yield session
        except sa.exc.SQLAlchemyError as e:
            raise StoreError(
                f"could not {action} in the store at {self._where}: {_engine.cause(e)}",
                hint="check that the database is reachable and writable; run `mamori runs` "
                "to test the connection",
            ) from e


_FP_HINT = "copy the fingerprint (or a unique prefix) from a report or `mamori diff`"


def _resolve(session: Session, ref: str) -> int:
    """The primary key of the run ``ref`` names; :class:`StoreError` when none or several."""
    ref = ref.strip()
    latest = _LATEST.fullmatch(ref)
    if latest:
        back = int(latest.group(1) or 0)
        query = sa.select(RunRow.pk).order_by(RunRow.pk.desc()).offset(back).limit(1)
        pk: int | None = session.scalar(query)
        if pk is None:
            count = session.scalar(sa.select(sa.func.count()).select_from(RunRow))
            raise StoreError(f"no run {ref!r}: the store holds {count} run(s)", hint=_REF_HINT)
        return pk
    exact = session.scalar(sa.select(RunRow.pk).where(RunRow.run_id == ref))
    if exact is not None:
        return exact
    if len(ref) >= _MIN_PREFIX:
        prefix = RunRow.run_id.startswith(ref, autoescape=True)
        candidates = sa.select(RunRow.pk, RunRow.run_id).where(prefix).limit(3)
        found = session.execute(candidates).all()
        if len(found) == 1:
            return found[0][0]
        if found:
            ids = ", ".join(run_id for _, run_id in found[:2])
            raise StoreError(f"run prefix {ref!r} is ambiguous: {ids}, …", hint=_REF_HINT)
    raise StoreError(f"no stored run matches {ref!r}", hint=_REF_HINT)


def _expand(session: Session, column: sa.orm.InstrumentedAttribute[str], fp: str) -> str:
    """``fp`` itself if ``column`` holds it or no value starts with it; else the one value
    it is a prefix of. Several candidates raise :class:`StoreError`."""
    if session.scalar(sa.select(column).where(column == fp).limit(1)) is not None:
        return fp
    query = sa.select(column).where(column.startswith(fp, autoescape=True)).distinct().limit(3)
    found = list(session.scalars(query))
    if len(found) > 1:
        raise StoreError(f"fingerprint prefix {fp!r} matches several issues", hint=_FP_HINT)
    if not found:
        log.warning("fingerprint %s is not in any stored run; keeping it as given", fp)
        return fp
    return found[0]


def _to_suppression(row: SuppressionRow) -> Suppression:
    return Suppression(
        fingerprint=Fingerprint(row.fingerprint),
        reason=row.reason,
        until=row.until.isoformat() if row.until else "",
        created_by=row.created_by,
        created_at=row.created_at,
    )


def _summaries(session: Session, rows: list[RunRow]) -> list[RunSummary]:
    pks = [r.pk for r in rows]
    decisions: dict[int, dict[Decision, int]] = {pk: dict.fromkeys(Decision, 0) for pk in pks}
    by_decision = (
        sa.select(IssueRow.run_pk, IssueRow.decision, sa.func.count())
        .where(IssueRow.run_pk.in_(pks))
        .group_by(IssueRow.run_pk, IssueRow.decision)
    )
    for pk, decision, count in session.execute(by_decision):
        decisions[pk][Decision(decision)] = count
    findings_by_run = (
        sa.select(IssueRow.run_pk, sa.func.count())
        .join(FindingRow)
        .where(IssueRow.run_pk.in_(pks))
        .group_by(IssueRow.run_pk)
    )
    skipped_by_run = (
        sa.select(SkippedRow.run_pk, sa.func.count())
        .where(SkippedRow.run_pk.in_(pks))
        .group_by(SkippedRow.run_pk)
    )
    findings = dict(session.execute(findings_by_run).all())
    skipped = dict(session.execute(skipped_by_run).all())
    return [
        RunSummary(
            run_id=RunId(r.run_id),
            started_at=r.started_at,
            finished_at=r.finished_at,
            roots=tuple(r.roots),
            issues=sum(decisions[r.pk].values()),
            findings=findings.get(r.pk, 0),
            skipped=skipped.get(r.pk, 0),
            decisions=decisions[r.pk],
        )
        for r in rows
    ]
