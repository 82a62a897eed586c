from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from fakes_config import KeyValueAuditor
from fakes_config import kv_findings as findings
from mamori.actions import apply_patch, rollback
from mamori.analysers.interface import AnalyserSettings
from mamori.governance.approvals import Gate
from mamori.governance.ledger import Ledger
from mamori.governance.policy import Policy
from mamori.model import PatchStatus
from mamori.remediation import FixStore, RemediationError, propose, verify

POLICY = """
asset_classes: [lab, internal, core-banking]
grants:
  - {action: "*", asset_class: lab, level: 4}
  - {action: "*", asset_class: internal, level: 2}
  - {action: "*", asset_class: core-banking, level: 4}
deny:
  - {action: "*", asset_class: core-banking, max_level: 1, reason: "hands off core banking"}
"""


@pytest.fixture
def fixes(estate: Path, tmp_path: Path, kv_auditors: None) -> FixStore:
    store = FixStore(tmp_path / "fixes")
    patches = propose(findings(estate), str(estate))
    auditor = KeyValueAuditor(AnalyserSettings(root=str(estate)))
    store.save_patches([verify(p, auditor) for p in patches])
    return store


@pytest.fixture
def gate(tmp_path: Path) -> Gate:
    (tmp_path / "policy.yaml").write_text(POLICY)
    return Gate(Policy.load(tmp_path / "policy.yaml"), Ledger.open(tmp_path / "ledger"))


def _verified(store: FixStore) -> str:
    return next(p.id for p in store.patches() if p.status is PatchStatus.VERIFIED)


def test_apply_and_rollback_restore_exact_bytes_mode_and_owner(
    estate: Path, fixes: FixStore
) -> None:
    path = estate / "svc" / "app.kv"
    before = path.read_bytes()
    record = fixes.apply(fixes.patch(_verified(fixes)), "test")
    assert b"debug = off   # TODO turn off" in path.read_bytes()
    assert path.stat().st_mode & 0o777 == 0o640
    assert not list(path.parent.glob("*.mamori-tmp"))
    fixes.rollback(record.id)
    assert path.read_bytes() == before
    assert path.stat().st_mode & 0o777 == 0o640
    with pytest.raises(RemediationError, match="already rolled back"):
        fixes.rollback(record.id)


def test_refuses_unverified_stale_and_modified(estate: Path, fixes: FixStore) -> None:
    advise = next(p for p in fixes.patches() if p.status is PatchStatus.ADVISE_ONLY)
    with pytest.raises(RemediationError, match="not verified"):
        fixes.apply(advise, "test")
    path = estate / "svc" / "app.kv"
    patch = fixes.patch(_verified(fixes))
    path.write_text(path.read_text() + "# edited by a human\n")
    with pytest.raises(RemediationError, match="changed since the patch was made"):
        fixes.apply(patch, "test")


def test_rollback_refuses_when_file_changed_after_apply(estate: Path, fixes: FixStore) -> None:
    record = fixes.apply(fixes.patch(_verified(fixes)), "test")
    path = estate / "svc" / "app.kv"
    path.write_text(path.read_text() + "tweak = 1\n")
    with pytest.raises(RemediationError, match="changed after the patch was applied"):
        fixes.rollback(record.id)
    fixes.rollback(record.id, force=True)
    assert "tweak" not in path.read_text()


def test_failed_write_leaves_original_and_no_temp(
    estate: Path, fixes: FixStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = estate / "svc" / "app.kv"
    before = path.read_bytes()

    def boom(src: object, dst: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", boom)
    with pytest.raises(OSError, match="disk full"):
        fixes.apply(fixes.patch(_verified(fixes)), "test")
    assert path.read_bytes() == before
    assert not list(path.parent.glob("*.mamori-tmp"))


KILLER = """
import sys
from mamori.remediation.apply import _atomic_write
from pathlib import Path
big_a, big_b = b"A" * 5_000_000, b"B" * 5_000_000
print("ready", flush=True)
i = 0
while True:
    _atomic_write(Path(sys.argv[1]), big_a if i % 2 else big_b)
    i += 1
"""


def test_killed_writer_never_leaves_a_half_written_file(tmp_path: Path) -> None:
    target = tmp_path / "victim.conf"
    target.write_bytes(b"A" * 5_000_000)
    good = {
        hashlib.sha256(b"A" * 5_000_000).hexdigest(),
        hashlib.sha256(b"B" * 5_000_000).hexdigest(),
    }
    for delay in (0.05, 0.2, 0.45):
        proc = subprocess.Popen([sys.executable, "-c", KILLER, str(target)], stdout=subprocess.PIPE)
        assert proc.stdout is not None and proc.stdout.readline().strip() == b"ready"
        time.sleep(delay)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        proc.stdout.close()
        assert hashlib.sha256(target.read_bytes()).hexdigest() in good


def test_policy_allows_lab_and_records_in_ledger(estate: Path, fixes: FixStore, gate: Gate) -> None:
    out = apply_patch(fixes, gate, _verified(fixes), "lab", analyser_root=str(estate))
    assert out.done and out.action is not None
    kinds = [e.kind for e in gate.ledger.entries()]
    assert kinds == ["policy.verdict", "patch.apply"]
    back = rollback(fixes, gate, out.action.id, "lab")
    assert back.done
    assert [e.kind for e in gate.ledger.entries()][-1] == "patch.rollback"
    assert gate.ledger.verify().ok


def test_policy_needs_approval_then_applies(estate: Path, fixes: FixStore, gate: Gate) -> None:
    pid = _verified(fixes)
    first = apply_patch(fixes, gate, pid, "internal", analyser_root=str(estate))
    assert not first.done and first.pending_id
    assert "debug = on" in (estate / "svc" / "app.kv").read_text()
    gate.vote(first.pending_id, "mika", approve=True, reason="diff reviewed")
    second = apply_patch(fixes, gate, pid, "internal", approval=first.pending_id,
                         analyser_root=str(estate))  # fmt: skip
    assert second.done
    assert gate.get(first.pending_id).status == "done"
    assert "approval.grant" in [e.kind for e in gate.ledger.entries()]


def test_policy_denial_names_the_rule(estate: Path, fixes: FixStore, gate: Gate) -> None:
    with pytest.raises(RemediationError, match="hands off core banking"):
        apply_patch(fixes, gate, _verified(fixes), "core-banking", analyser_root=str(estate))
    assert "debug = on" in (estate / "svc" / "app.kv").read_text()
