from __future__ import annotations

from pathlib import Path

import pytest

from mamori.governance.checkpoint import Checkpoint
from mamori.governance.ledger import Ledger
from mamori.governance.witness import Witness, WitnessError


def _peer_and_witness(tmp_path: Path) -> tuple[Ledger, Witness, Ledger]:
    peer = Ledger.open(tmp_path / "peer", origin="peer-bank.example/audit")
    mine = Ledger.open(tmp_path / "mine", origin="our-bank.example/audit")
    mine.keys.trust_peer(peer.keys.public)
    return peer, Witness(mine.connection, mine.keys), mine


def test_witness_cosigns_consistent_heads(tmp_path: Path) -> None:
    peer, witness, mine = _peer_and_witness(tmp_path)
    peer.append_many([("scan.run", {"i": i}) for i in range(5)])
    first = peer.latest_checkpoint()
    assert first is not None
    result = witness.witness(first)
    assert result.previous_size == 0
    assert len(result.cosigned.signatures) == 2
    assert mine.keys.verify(result.cosigned)  # our co-signature
    peer.append_many([("scan.run", {"i": i}) for i in range(5, 12)])
    second = peer.latest_checkpoint()
    assert second is not None
    res2 = witness.witness(second, peer.consistency_proof(5))
    assert res2.previous_size == 5


def test_fork_rollback_and_missing_proof_are_refused(tmp_path: Path) -> None:
    peer, witness, _ = _peer_and_witness(tmp_path)
    peer.append_many([("scan.run", {"i": i}) for i in range(4)])
    cp4 = peer.latest_checkpoint()
    assert cp4 is not None
    witness.witness(cp4)
    # A second history with the same origin and key, diverging at size 4.
    forked = Ledger.open(tmp_path / "fork", origin=cp4.origin)
    forked.keys = peer.keys
    forked.append_many([("scan.run", {"i": i}) for i in range(3)] + [("scan.run", {"evil": 1})])
    cp_fork = forked.latest_checkpoint()
    assert cp_fork is not None and cp_fork.size == 4 and cp_fork.root != cp4.root
    with pytest.raises(WitnessError, match="FORK"):
        witness.witness(cp_fork)
    forked.append("scan.run", {"i": 9})
    cp_fork5 = forked.latest_checkpoint()
    assert cp_fork5 is not None
    with pytest.raises(WitnessError, match="consistency proof"):
        witness.witness(cp_fork5)
    with pytest.raises(WitnessError, match="FORK"):
        witness.witness(cp_fork5, forked.consistency_proof(4))
    peer.append("scan.run", {"i": 4})
    peer.append("scan.run", {"i": 5})
    cp6 = peer.latest_checkpoint()
    assert cp6 is not None
    witness.witness(cp6, peer.consistency_proof(4))
    with pytest.raises(WitnessError, match="ROLLBACK"):
        witness.witness(cp4)


def test_untrusted_signature_is_refused(tmp_path: Path) -> None:
    stranger = Ledger.open(tmp_path / "stranger", origin="stranger")
    mine = Ledger.open(tmp_path / "mine")
    stranger.append("x", {})
    cp = stranger.latest_checkpoint()
    assert cp is not None
    with pytest.raises(WitnessError, match="trusted peer"):
        Witness(mine.connection, mine.keys).witness(cp)
    unsigned = Checkpoint(cp.origin, cp.size, cp.root)
    with pytest.raises(WitnessError):
        Witness(mine.connection, mine.keys).witness(unsigned)
