from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from mamori.analysers.interface import AnalyserSettings
from mamori.analysers.runner import Job, plan, run
from mamori.model import Target, TargetKind


def _targets(tmp_path: Path) -> tuple[Target, ...]:
    (tmp_path / "a.py").write_text("q = 'SQLI'\n")
    (tmp_path / "b.py").write_text("# SKIPME\n")
    return tuple(
        Target(TargetKind.FILE, str(p), "test", p.name) for p in sorted(tmp_path.glob("*.py"))
    )


def test_findings_and_skips_come_back_from_workers(
    tmp_path: Path, fake_analysers: dict[str, str]
) -> None:
    targets = _targets(tmp_path)
    settings = AnalyserSettings(root=str(tmp_path))
    events: list[tuple[str, str]] = []
    out = run(
        plan(["marker"], targets, settings), settings, hook=lambda a, e: events.append((a, e))
    )
    assert [f.location.path for f in out.findings] == ["a.py"]
    assert [(s.target, s.analyser) for s in out.skipped] == [("b.py", "marker")]
    assert out.runs[0].status == "ok" and out.runs[0].findings == 1
    assert events == [("marker", "start"), ("marker", "ok")]


def test_crash_and_silent_exit_become_skips_and_scan_completes(
    tmp_path: Path, fake_analysers: dict[str, str]
) -> None:
    targets = _targets(tmp_path)
    settings = AnalyserSettings(root=str(tmp_path))
    out = run(plan(["crashing", "marker", "exiting"], targets, settings), settings, workers=3)
    status = {r.analyser: r.status for r in out.runs}
    assert status == {"crashing": "failed", "marker": "ok", "exiting": "failed"}
    reasons = {s.target: s.reason for s in out.skipped if s.analyser in ("crashing", "exiting")}
    assert "engine exploded on purpose" in reasons["crashing"]
    assert "exited with code 9" in reasons["exiting"]
    assert len(out.findings) == 1


def test_timeout_kills_the_analyser_and_its_children(
    tmp_path: Path, fake_analysers: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    pidfile = tmp_path / "child.pid"
    monkeypatch.setenv("MAMORI_TEST_PIDFILE", str(pidfile))
    targets = _targets(tmp_path)
    settings = AnalyserSettings(root=str(tmp_path))
    jobs = [Job("hanging", targets, timeout=3.0), Job("marker", targets, timeout=30)]
    started = time.monotonic()
    out = run(jobs, settings, workers=2)
    assert time.monotonic() - started < 20
    assert {r.analyser: r.status for r in out.runs} == {"hanging": "timeout", "marker": "ok"}
    assert any("timed out after 3s" in s.reason for s in out.skipped)
    child = int(pidfile.read_text())
    deadline = time.monotonic() + 5
    while _alive(child) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _alive(child), "the analyser's child process survived the timeout"


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().split()[2] != "Z"
    except FileNotFoundError:
        return False
    finally:
        try:
            os.waitpid(pid, os.WNOHANG)
        except ChildProcessError:
            pass


def test_lightweight_analysers_share_a_worker_and_fail_alone(
    tmp_path: Path, fake_analysers: dict[str, str]
) -> None:
    targets = _targets(tmp_path)
    settings = AnalyserSettings(root=str(tmp_path))
    jobs = plan(["lightcrashing", "lightmarker", "marker"], targets, settings)
    assert [j.lightweight for j in jobs] == [True, True, False]
    events: list[tuple[str, str]] = []
    out = run(jobs, settings, hook=lambda a, e: events.append((a, e)))
    status = {r.analyser: r.status for r in out.runs}
    assert status == {"lightcrashing": "failed", "lightmarker": "ok", "marker": "ok"}
    assert [r.analyser for r in out.runs] == ["lightcrashing", "lightmarker", "marker"]
    assert sorted(f.analyser for f in out.findings) == ["lightmarker", "marker"]
    assert ("lightmarker", "ok") in events and ("lightcrashing", "failed") in events
