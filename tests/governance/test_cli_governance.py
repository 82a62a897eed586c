from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from mamori.cli import main
from mamori.governance.approvals import Gate
from mamori.governance.ledger import Ledger
from mamori.governance.policy import ActionRequest, Policy


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    capsys.readouterr()
    code = main(list(argv))
    return code, capsys.readouterr().out


def test_verify_prove_checkpoint_and_tamper(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    led_dir = str(tmp_path / "ledger")
    with Ledger.open(led_dir) as led:
        led.append_many([("scan.run", {"i": i}) for i in range(9)])
    code, text = run(capsys, "audit", "verify", "--ledger", led_dir)
    assert code == 0 and "9 entries" in text
    code, text = run(capsys, "audit", "prove", "4", "--ledger", led_dir)
    doc = json.loads(text)
    assert code == 0 and doc["type"] == "inclusion" and doc["tree_size"] == 9 and doc["proof"]
    code, cp_text = run(capsys, "audit", "checkpoint", "--ledger", led_dir)
    assert code == 0 and cp_text.splitlines()[1] == "9"
    (tmp_path / "seen.cp").write_text(cp_text)
    conn = sqlite3.connect(tmp_path / "ledger" / "ledger.db")
    conn.execute("UPDATE entries SET body = replace(body, '\"i\":3', '\"i\":4') WHERE idx = 3")
    conn.commit()
    conn.close()
    code, text = run(capsys, "audit", "verify", "--ledger", led_dir, "--expect",
                     str(tmp_path / "seen.cp"))  # fmt: skip
    assert code == 1 and "TAMPERED" in text and "entry 3" in text


def test_witness_between_two_institutions(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    peer, mine = str(tmp_path / "peer"), str(tmp_path / "mine")
    with Ledger.open(peer) as led:
        led.append_many([("scan.run", {"i": i}) for i in range(3)])
    _, key = run(capsys, "audit", "key", "--ledger", peer)
    assert run(capsys, "audit", "trust", key.strip(), "--ledger", mine)[0] == 0
    _, cp = run(capsys, "audit", "checkpoint", "--ledger", peer)
    (tmp_path / "cp1").write_text(cp)
    code, cosigned = run(capsys, "audit", "witness", str(tmp_path / "cp1"), "--ledger", mine)
    assert code == 0 and cosigned.count("\u2014 ") == 2
    with Ledger.open(peer) as led:
        led.append("scan.run", {"i": 3})
    _, cp2 = run(capsys, "audit", "checkpoint", "--ledger", peer)
    (tmp_path / "cp2").write_text(cp2)
    _, proof = run(capsys, "audit", "prove", "--from", "3", "--ledger", peer)
    (tmp_path / "proof.json").write_text(proof)
    assert main(["audit", "witness", str(tmp_path / "cp2"), "--ledger", mine]) == 2  # no proof
    code, _ = run(capsys, "audit", "witness", str(tmp_path / "cp2"), "--proof",
                  str(tmp_path / "proof.json"), "--ledger", mine)  # fmt: skip
    assert code == 0


def test_approvals_cli_two_person(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    policy = tmp_path / "policy.yaml"
    policy.write_text("asset_classes: [payments]\n"
                      "grants: [{action: '*', asset_class: payments, level: 2}]\n"
                      "two_person: [payments]\n")  # fmt: skip
    led_dir = str(tmp_path / "ledger")
    with Ledger.open(led_dir) as led:
        decision = Gate(Policy.load(policy), led).check(
            ActionRequest("apply-config-patch", "payments"), {"patch": "nginx-tls"}
        )
    assert decision.pending is not None
    aid = decision.pending.id
    common = ["--ledger", led_dir, "--policy", str(policy)]
    code, text = run(capsys, "approvals", "list", *common)
    assert code == 0 and aid in text and "pending" in text
    assert (
        run(capsys, "approvals", "approve", aid, "--by", "aiko", "--reason", "ok", *common)[0] == 0
    )
    assert main(["approvals", "approve", aid, "--by", "aiko", "--reason", "again", *common]) == 2
    code, text = run(capsys, "approvals", "approve", aid, "--by", "ren", "--reason", "ok", *common)
    assert code == 0 and "approved" in text
    code, text = run(capsys, "approvals", "show", aid, *common)
    assert json.loads(text)["status"] == "approved"
    assert run(capsys, "audit", "verify", "--ledger", led_dir)[0] == 0
