from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from mamori.governance import merkle
from mamori.governance.checkpoint import Checkpoint
from mamori.governance.keys import KeyRing
from mamori.governance.ledger import Ledger


@pytest.fixture
def ledger(tmp_path: Path) -> Ledger:
    led = Ledger.open(tmp_path / "ledger")
    for i in range(10):
        led.append("scan.run", {"run": i, "findings_sha256": f"{i:064x}"})
    led.append_many([("fusion.decision", {"issue": i}) for i in range(20)])
    return led


def _sql(ledger: Ledger, statement: str, *args: object) -> None:
    ledger.connection.execute(statement, args)


def test_clean_ledger_verifies_and_proves(ledger: Ledger) -> None:
    report = ledger.verify()
    assert report.ok and report.size == 30 and report.heads == 11
    root = ledger.root()
    for i in (0, 7, 29):
        proof = ledger.inclusion_proof(i)
        assert merkle.verify_inclusion(ledger.leaf(i), i, 30, proof, root)
    old_root = ledger.root(10)
    assert merkle.verify_consistency(10, 30, old_root, root, ledger.consistency_proof(10))
    assert ledger.entry(3).data["run"] == 3
    assert len(ledger.entries("fusion.decision")) == 20


def test_bit_flip_in_an_entry_is_detected(ledger: Ledger) -> None:
    body = ledger.connection.execute("SELECT body FROM entries WHERE idx = 4").fetchone()[0]
    flipped = bytearray(body)
    flipped[10] ^= 0x01
    _sql(ledger, "UPDATE entries SET body = ? WHERE idx = 4", bytes(flipped))
    assert any("entry 4" in p for p in ledger.verify().problems)


def test_rewritten_entry_with_recomputed_leaf_is_caught_by_signed_heads(ledger: Ledger) -> None:
    from mamori.governance.ledger import canonical

    row = ledger.connection.execute("SELECT kind, ts FROM entries WHERE idx = 2").fetchone()
    body = canonical(row[0], row[1], {"run": 999})
    _sql(
        ledger, "UPDATE entries SET body = ?, leaf = ? WHERE idx = 2", body, merkle.leaf_hash(body)
    )
    problems = ledger.verify().problems
    assert any("tree node" in p for p in problems)
    assert any("signed head" in p for p in problems)


def test_truncation_is_detected(ledger: Ledger) -> None:
    _sql(ledger, "DELETE FROM entries WHERE idx >= 25")
    assert any("truncated" in p for p in ledger.verify().problems)


def test_reordering_is_detected(ledger: Ledger) -> None:
    rows = ledger.connection.execute(
        "SELECT body, leaf FROM entries WHERE idx IN (3, 4) ORDER BY idx"
    )
    (b3, l3), (b4, l4) = rows.fetchall()
    _sql(ledger, "UPDATE entries SET body = ?, leaf = ? WHERE idx = 3", b4, l4)
    _sql(ledger, "UPDATE entries SET body = ?, leaf = ? WHERE idx = 4", b3, l3)
    assert not ledger.verify().ok


def test_forged_head_signature_is_detected(ledger: Ledger) -> None:
    text = ledger.connection.execute("SELECT checkpoint FROM heads WHERE size = 5").fetchone()[0]
    other = KeyRing.open(Path(ledger.keys.folder).parent / "intruder-keys")
    genuine = Checkpoint.parse(text)
    forged = other.sign(Checkpoint(genuine.origin, genuine.size, genuine.root))
    _sql(ledger, "UPDATE heads SET checkpoint = ? WHERE size = 5", forged.text())
    assert any("no valid signature" in p for p in ledger.verify().problems)


def test_rollback_to_an_older_copy_is_caught_against_a_seen_checkpoint(
    ledger: Ledger, tmp_path: Path
) -> None:
    folder = tmp_path / "ledger"
    ledger.close()
    snapshot = tmp_path / "snapshot"
    shutil.copytree(folder, snapshot)
    with Ledger.open(folder) as led:
        led.append("action.apply", {"patch": "p1"})
        seen = led.latest_checkpoint()
    assert seen is not None
    shutil.rmtree(folder)
    shutil.copytree(snapshot, folder)  # attacker restores the older ledger
    with Ledger.open(folder) as led:
        assert led.verify().ok  # internally consistent ...
        problems = led.verify(expect=seen).problems
    assert any("rolled back" in p for p in problems)


def test_fork_is_caught_against_a_seen_checkpoint(ledger: Ledger) -> None:
    seen = ledger.latest_checkpoint()
    assert seen is not None
    _sql(ledger, "DELETE FROM entries WHERE idx = 29")
    _sql(ledger, "DELETE FROM nodes")
    _sql(ledger, "DELETE FROM heads")
    # Rebuild the tree honestly over the shortened log, then add a different last entry.
    rows = ledger.connection.execute("SELECT idx, leaf FROM entries ORDER BY idx").fetchall()
    nodes: dict[tuple[int, int], bytes] = {}
    for idx, leaf in rows:
        for lv, ix, h in merkle.new_nodes(lambda lv, ix: nodes[(lv, ix)], idx, bytes(leaf)):
            nodes[(lv, ix)] = h
    ledger.connection.executemany("INSERT INTO nodes VALUES (?, ?, ?)",
                                  [(lv, ix, h) for (lv, ix), h in nodes.items()])  # fmt: skip
    ledger.append("fusion.decision", {"issue": "forged"})
    assert ledger.verify().ok
    problems = ledger.verify(expect=seen).problems
    assert any("forked or rewritten" in p for p in problems)


CRASHER = """
import sys
from mamori.governance.ledger import Ledger
led = Ledger.open(sys.argv[1])
print("ready", flush=True)
while True:
    led.append_many([("bulk", {"i": i, "pad": "x" * 200}) for i in range(2000)])
"""


def test_process_killed_during_append_leaves_a_verifiable_ledger(tmp_path: Path) -> None:
    folder = tmp_path / "ledger"
    for delay in (0.3, 0.7, 1.1):
        proc = subprocess.Popen([sys.executable, "-c", CRASHER, str(folder)],
                                stdout=subprocess.PIPE, text=True)  # fmt: skip
        assert proc.stdout is not None and proc.stdout.readline().strip() == "ready"
        time.sleep(delay)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        proc.stdout.close()
        with Ledger.open(folder) as led:
            report = led.verify()
            assert report.ok, report.problems
            assert report.size % 2000 == 0, "a partial batch was left behind"


def test_keys_are_private_rotate_and_keep_old_heads_verifiable(tmp_path: Path) -> None:
    folder = tmp_path / "ledger"
    with Ledger.open(folder) as led:
        led.append("scan.run", {"n": 1})
        assert (folder / "keys" / "active.pem").stat().st_mode & 0o777 == 0o600
        old_id = led.keys.public.id
        new = led.keys.rotate()
        assert new.id != old_id
        led.append("scan.run", {"n": 2})
        assert led.verify().ok
        assert len(led.keys.own_keys()) == 2


def test_passphrase_protects_the_key(tmp_path: Path) -> None:
    from mamori.governance.keys import KeyError_

    folder = tmp_path / "ledger"
    Ledger.open(folder, passphrase=b"correct horse").close()
    assert b"ENCRYPTED" in (folder / "keys" / "active.pem").read_bytes()
    with pytest.raises(KeyError_, match="MAMORI_LEDGER_PASSPHRASE"):
        Ledger.open(folder)
    Ledger.open(folder, passphrase=b"correct horse").close()


def test_checkpoint_text_round_trip_and_malformed_input() -> None:
    cp = Checkpoint("bank.example/log", 42, bytes(range(32)))
    parsed = Checkpoint.parse(cp.text())
    assert parsed == cp
    for bad in ["no blank line", "o\nx\nAAAA\n\n", "o\n1\n!!!\n\n", "o\n1\nAAAA\n\n— a b c d\n"]:
        with pytest.raises(ValueError):
            Checkpoint.parse(bad)


def test_sqlite_file_is_the_only_state(tmp_path: Path) -> None:
    with Ledger.open(tmp_path / "l") as led:
        led.append("x", {"a": 1})
    conn = sqlite3.connect(tmp_path / "l" / "ledger.db")
    assert conn.execute("SELECT COUNT(*) FROM entries").fetchone()[0] == 1
