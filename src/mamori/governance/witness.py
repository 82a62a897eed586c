"""Witnessing: verify and co-sign another institution's checkpoint, and catch forks.

A witness remembers the latest checkpoint it co-signed for each origin. A new checkpoint is
co-signed only if (a) it carries a valid signature from a trusted peer key, and (b) it is
consistent with the last one seen: same size ⇒ same root; larger size ⇒ a valid RFC 6962
consistency proof from the old size; smaller size ⇒ a rollback. Anything else is a fork and is
reported with both heads as evidence.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass

from mamori.errors import MamoriError
from mamori.governance import merkle
from mamori.governance.checkpoint import Checkpoint
from mamori.governance.keys import KeyRing

_SCHEMA = """
CREATE TABLE IF NOT EXISTS witnessed (
  origin TEXT PRIMARY KEY, size INTEGER NOT NULL, root BLOB NOT NULL, checkpoint TEXT NOT NULL);
"""


class WitnessError(MamoriError):
    """A checkpoint was refused: bad signature, fork, rollback or missing proof."""

    exit_code = 2


@dataclass(frozen=True, slots=True)
class WitnessResult:
    """A co-signed checkpoint and what it was checked against."""

    cosigned: Checkpoint
    """The peer's checkpoint with our signature added."""
    previous_size: int
    """Size of the last checkpoint we had seen from that origin (0 if none)."""


class Witness:
    """Co-signs peers' checkpoints after checking signatures and consistency."""

    def __init__(self, conn: sqlite3.Connection, keys: KeyRing) -> None:
        self._db = conn
        self.keys = keys
        self._db.executescript(_SCHEMA)

    def last_seen(self, origin: str) -> Checkpoint | None:
        """The latest checkpoint we co-signed for ``origin``."""
        row = self._db.execute("SELECT checkpoint FROM witnessed WHERE origin = ?", (origin,))
        found = row.fetchone()
        return Checkpoint.parse(found[0]) if found else None

    def witness(self, cp: Checkpoint, proof: Sequence[bytes] = ()) -> WitnessResult:
        """Check ``cp`` (and a consistency proof from the last seen size) and co-sign it."""
        if not self.keys.verify(cp, peers=True):
            raise WitnessError(
                f"checkpoint for {cp.origin} has no valid signature from a trusted peer key",
                hint="add the peer's key with `mamori audit trust KEY`",
            )
        old = self.last_seen(cp.origin)
        if old is not None:
            _check_consistent(old, cp, proof)
        cosigned = self.keys.sign(_unsigned_by(cp, self.keys.public.id))
        self._db.execute(
            "INSERT OR REPLACE INTO witnessed VALUES (?, ?, ?, ?)",
            (cp.origin, cp.size, cp.root, cp.text()),
        )
        return WitnessResult(cosigned, old.size if old else 0)


def _unsigned_by(cp: Checkpoint, key_id: bytes) -> Checkpoint:
    return Checkpoint(
        cp.origin, cp.size, cp.root, tuple(s for s in cp.signatures if s.key_id != key_id)
    )


def _check_consistent(old: Checkpoint, new: Checkpoint, proof: Sequence[bytes]) -> None:
    if new.size == old.size and new.root != old.root:
        raise WitnessError(
            f"FORK: {new.origin} has two different heads at size {new.size}:\n"
            f"{old.text()}\n{new.text()}"
        )
    if new.size < old.size:
        raise WitnessError(
            f"ROLLBACK: {new.origin} presents size {new.size} after we saw "
            f"{old.size}:\n{old.text()}"
        )
    if new.size > old.size:
        if not proof:
            raise WitnessError(
                f"a consistency proof from size {old.size} is needed",
                hint=f"ask the peer for `mamori audit prove --from {old.size}`",
            )
        if not merkle.verify_consistency(old.size, new.size, old.root, new.root, proof):
            raise WitnessError(
                f"FORK: {new.origin} size {new.size} is not consistent with the "
                f"head we saw at size {old.size}:\n{old.text()}\n{new.text()}"
            )
