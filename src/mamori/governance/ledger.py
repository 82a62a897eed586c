"""The audit ledger: an append-only, RFC 6962 Merkle-tree log in one SQLite file.

Every scan run, decision, approval and action is an *entry*: canonical JSON whose RFC 6962
leaf hash is a leaf of the tree. Appends happen in one SQLite transaction (entries + the tree
nodes they complete), so a process killed mid-append leaves the previous, verifiable state
and no partial entry. Signed tree heads (checkpoints) are recorded after each append batch.

``verify()`` recomputes every leaf and node from the entry bodies, checks every recorded
head's signature and that each head is consistent with the ones before it, and reports the
first problem it finds: bit flips, truncation, reordering, rewritten nodes, forks.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import sqlite3
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mamori.errors import MamoriError
from mamori.governance import merkle
from mamori.governance.checkpoint import Checkpoint
from mamori.governance.keys import KeyRing

log = logging.getLogger(__name__)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS entries (
  idx INTEGER PRIMARY KEY, kind TEXT NOT NULL, ts TEXT NOT NULL, body BLOB NOT NULL,
  leaf BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS nodes (
  level INTEGER NOT NULL, idx INTEGER NOT NULL, hash BLOB NOT NULL,
  PRIMARY KEY (level, idx)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS heads (
  size INTEGER PRIMARY KEY, root BLOB NOT NULL, ts TEXT NOT NULL, checkpoint TEXT NOT NULL);
"""


class LedgerError(MamoriError):
    """The ledger cannot be opened or written, or failed verification."""

    exit_code = 2


@dataclass(frozen=True, slots=True)
class Entry:
    """One ledger entry as stored."""

    index: int
    """Position in the log (0-based)."""
    kind: str
    """What happened (``scan.run``, ``approval.grant``, ``action.apply``…)."""
    ts: str
    """ISO-8601 UTC time of the append."""
    data: Mapping[str, Any]
    """The recorded facts (hashes and ids, never secrets)."""


@dataclass(frozen=True, slots=True)
class VerifyReport:
    """What ``verify`` found."""

    size: int
    """Entries checked."""
    heads: int
    """Signed heads checked."""
    problems: tuple[str, ...]
    """Each problem found, in words; empty when the ledger verifies."""

    @property
    def ok(self) -> bool:
        """True when no problem was found."""
        return not self.problems


def canonical(kind: str, ts: str, data: Mapping[str, Any]) -> bytes:
    """The exact bytes hashed into the tree for an entry."""
    body = {"kind": kind, "ts": ts, "data": data}
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


class Ledger:
    """An append-only audit log with signed heads. Open with :meth:`open`; close when done."""

    def __init__(self, conn: sqlite3.Connection, keys: KeyRing, origin: str) -> None:
        self._db = conn
        self.keys = keys
        self.origin = origin

    @classmethod
    def open(
        cls, folder: str | Path, *, origin: str = "mamori", passphrase: bytes | None = None
    ) -> Ledger:
        """Open (creating if needed) the ledger in ``folder`` with its signing keys."""
        folder = Path(folder)
        try:
            folder.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(folder / "ledger.db", isolation_level=None)
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=FULL")
            conn.executescript(_SCHEMA)
        except (OSError, sqlite3.Error) as e:
            raise LedgerError(f"cannot open ledger in {folder}: {e}") from e
        return cls(conn, KeyRing.open(folder / "keys", name=origin, passphrase=passphrase), origin)

    def close(self) -> None:
        """Close the database."""
        self._db.close()

    def __enter__(self) -> Ledger:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def connection(self) -> sqlite3.Connection:
        """The ledger's SQLite connection (governance tables live beside the log)."""
        return self._db

    # --- reading ------------------------------------------------------------------------

    @property
    def size(self) -> int:
        """Number of entries."""
        row = self._db.execute("SELECT COALESCE(MAX(idx) + 1, 0) FROM entries").fetchone()
        return int(row[0])

    def _read(self, level: int, index: int) -> merkle.Hash:
        row = self._db.execute(
            "SELECT hash FROM nodes WHERE level = ? AND idx = ?", (level, index)
        ).fetchone()
        if row is None:
            raise LedgerError(f"ledger tree node ({level}, {index}) is missing: run audit verify")
        return bytes(row[0])

    def root(self, size: int | None = None) -> merkle.Hash:
        """Tree head hash at ``size`` (default: now)."""
        return merkle.root(self._read, self.size if size is None else size)

    def entry(self, index: int) -> Entry:
        """One entry by index."""
        row = self._db.execute("SELECT kind, ts, body FROM entries WHERE idx = ?", (index,))
        found = row.fetchone()
        if found is None:
            raise LedgerError(f"no ledger entry {index} (size {self.size})")
        return Entry(index, found[0], found[1], json.loads(found[2])["data"])

    def entries(self, kind: str | None = None) -> list[Entry]:
        """All entries, optionally of one kind, in order."""
        sql = "SELECT idx, kind, ts, body FROM entries"
        rows = self._db.execute(
            sql + (" WHERE kind = ?" if kind else "") + " ORDER BY idx", (kind,) if kind else ()
        )
        return [Entry(r[0], r[1], r[2], json.loads(r[3])["data"]) for r in rows]

    def inclusion_proof(self, index: int, size: int | None = None) -> list[merkle.Hash]:
        """Audit path for entry ``index`` in the tree of ``size`` entries."""
        return merkle.inclusion_proof(self._read, index, self.size if size is None else size)

    def consistency_proof(self, old: int, new: int | None = None) -> list[merkle.Hash]:
        """Proof that the tree of ``old`` entries is a prefix of the tree of ``new``."""
        return merkle.consistency_proof(self._read, old, self.size if new is None else new)

    def leaf(self, index: int) -> merkle.Hash:
        """The stored leaf hash of entry ``index``."""
        return self._read(0, index)

    def latest_checkpoint(self) -> Checkpoint | None:
        """The most recent signed head, if any."""
        row = self._db.execute("SELECT checkpoint FROM heads ORDER BY size DESC LIMIT 1")
        found = row.fetchone()
        return Checkpoint.parse(found[0]) if found else None

    # --- writing ------------------------------------------------------------------------

    def append(self, kind: str, data: Mapping[str, Any]) -> int:
        """Append one entry, sign the new head; return the entry's index."""
        return self.append_many([(kind, data)])[0]

    def append_many(self, items: Iterable[tuple[str, Mapping[str, Any]]]) -> list[int]:
        """Append entries atomically in one transaction and sign one new head."""
        ts = dt.datetime.now(dt.UTC).isoformat(timespec="microseconds")
        cur = self._db.cursor()
        try:
            cur.execute("BEGIN IMMEDIATE")
            size = self.size
            pending: dict[tuple[int, int], merkle.Hash] = {}

            def read(level: int, index: int) -> merkle.Hash:
                return pending.get((level, index)) or self._read(level, index)

            rows = []
            for i, (kind, data) in enumerate(items):
                body = canonical(kind, ts, data)
                leaf = merkle.leaf_hash(body)
                for lv, ix, h in merkle.new_nodes(read, size + i, leaf):
                    pending[(lv, ix)] = h
                rows.append((size + i, kind, ts, body, leaf))
            cur.executemany("INSERT INTO entries VALUES (?, ?, ?, ?, ?)", rows)
            cur.executemany(
                "INSERT INTO nodes VALUES (?, ?, ?)",
                [(lv, ix, h) for (lv, ix), h in pending.items()],
            )
            new_size = size + len(rows)
            if rows:
                self._record_head(cur, new_size, merkle.root(read, new_size), ts)
            cur.execute("COMMIT")
        except BaseException:
            cur.execute("ROLLBACK")
            raise
        return [r[0] for r in rows]

    def _record_head(self, cur: sqlite3.Cursor, size: int, root: bytes, ts: str) -> None:
        cp = self.keys.sign(Checkpoint(self.origin, size, root))
        cur.execute("INSERT INTO heads VALUES (?, ?, ?, ?)", (size, root, ts, cp.text()))

    # --- verification -------------------------------------------------------------------

    def verify(self, *, expect: Checkpoint | None = None) -> VerifyReport:
        """Recompute everything from the entry bodies and check every signed head."""
        problems: list[str] = []
        rebuilt: dict[tuple[int, int], merkle.Hash] = {}
        size = self._verify_entries(rebuilt, problems)
        if not problems:
            self._verify_nodes(rebuilt, problems)
        heads = self._verify_heads(rebuilt, size, problems)
        if expect is not None:
            self._verify_expected(expect, rebuilt, size, problems)
        return VerifyReport(size, heads, tuple(problems))

    def _verify_entries(self, rebuilt: dict[tuple[int, int], bytes], problems: list[str]) -> int:
        expected = 0
        rows = self._db.execute("SELECT idx, kind, ts, body, leaf FROM entries ORDER BY idx")
        for idx, kind, ts, body, leaf in rows:
            if idx != expected:
                problems.append(f"entry {expected} is missing (next stored is {idx})")
                return expected
            body = _as_bytes(body)
            if merkle.leaf_hash(body) != _as_bytes(leaf):
                problems.append(f"entry {idx}: body does not match its leaf hash (altered)")
            elif _body_header(body) != (kind, ts):
                problems.append(f"entry {idx}: kind/time columns differ from the hashed body")

            def read(level: int, index: int) -> bytes:
                return rebuilt[(level, index)]

            for lv, ix, h in merkle.new_nodes(read, idx, merkle.leaf_hash(body)):
                rebuilt[(lv, ix)] = h
            expected += 1
        return expected

    def _verify_nodes(self, rebuilt: Mapping[tuple[int, int], bytes], problems: list[str]) -> None:
        stored = {(lv, ix): bytes(h) for lv, ix, h in self._db.execute("SELECT * FROM nodes")}
        if stored != rebuilt:
            bad = sorted(
                k for k in stored.keys() | rebuilt.keys() if stored.get(k) != rebuilt.get(k)
            )
            problems.append(f"{len(bad)} tree node(s) differ from the entries, first {bad[0]}")

    def _verify_heads(
        self, rebuilt: Mapping[tuple[int, int], bytes], size: int, problems: list[str]
    ) -> int:
        count = 0
        rows = self._db.execute("SELECT size, root, checkpoint FROM heads ORDER BY size")
        for head_size, head_root, text in rows:
            count += 1
            problems += _head_problems(self.keys, text, head_size, bytes(head_root))
            if head_size > size:
                problems.append(
                    f"signed head for size {head_size} but only {size} entries remain (truncated)"
                )
            elif merkle.root(lambda lv, ix: rebuilt[(lv, ix)], head_size) != bytes(head_root):
                problems.append(f"signed head at size {head_size} does not match the entries")
        return count

    def _verify_expected(
        self,
        expect: Checkpoint,
        rebuilt: Mapping[tuple[int, int], bytes],
        size: int,
        problems: list[str],
    ) -> None:
        if not self.keys.verify(expect):
            problems.append("the expected checkpoint's signature does not verify")
        if expect.size > size:
            problems.append(
                f"ledger has {size} entries but a checkpoint for {expect.size} was "
                "seen before (rolled back)"
            )
        elif merkle.root(lambda lv, ix: rebuilt[(lv, ix)], expect.size) != expect.root:
            problems.append(
                f"ledger disagrees with the checkpoint seen at size {expect.size} "
                "(forked or rewritten)"
            )


def _as_bytes(value: object) -> bytes:
    """Stored column as bytes, whatever type a tampered row holds (str, int, None…)."""
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value)
    return str(value).encode("utf-8", "surrogateescape")


def _body_header(body: bytes) -> tuple[str, str]:
    try:
        parsed = json.loads(body)
    except ValueError:
        return "", ""
    if not isinstance(parsed, dict):
        return "", ""
    return str(parsed.get("kind", "")), str(parsed.get("ts", ""))


def _head_problems(keys: KeyRing, text: str, size: int, root: bytes) -> Sequence[str]:
    try:
        cp = Checkpoint.parse(text)
    except ValueError as e:
        return [f"signed head at size {size} is malformed: {e}"]
    if (cp.size, cp.root) != (size, root):
        return [f"signed head at size {size} does not match its own columns"]
    if not keys.verify(cp):
        return [f"signed head at size {size} has no valid signature from a known key"]
    return []
