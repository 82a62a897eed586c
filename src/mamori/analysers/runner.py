"""Run analysers in parallel worker processes, each under its own time limit.

Each analyser runs in a fresh process (``spawn``) that leads its own process group, so a
timeout kills the analyser *and* any engine it started (Semgrep, Bandit). Results come back
through a pickle file, not a pipe, so a large result cannot deadlock the parent. A crash, a
non-zero exit or a timeout becomes a :class:`~mamori.model.Skipped` for that analyser and the
scan goes on.
"""

from __future__ import annotations

import logging
import multiprocessing as mp
import os
import pickle  # noqa: S403 - only our own worker's output, from a private temp dir
import signal
import tempfile
import time
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mamori.analysers.interface import AnalyserSettings
from mamori.analysers.registry import load_path, resolve
from mamori.model import AnalyserRun, Finding, Skipped, Target

log = logging.getLogger(__name__)

DEFAULT_TIMEOUT = 900.0
"""Seconds an analyser may run before it is killed."""

ProgressHook = Callable[[str, str], None]
"""Called as ``hook(analyser_id, event)``; event is start, ok, failed or timeout."""


@dataclass(frozen=True, slots=True)
class Job:
    """One analyser and the targets it should see."""

    analyser: str
    """Registry id."""
    targets: tuple[Target, ...]
    """Targets the analyser accepted."""
    timeout: float = DEFAULT_TIMEOUT
    """Seconds before the worker is killed."""


@dataclass(frozen=True, slots=True)
class Outcome:
    """What all analysers produced together."""

    findings: tuple[Finding, ...]
    """Every finding, in job order."""
    skipped: tuple[Skipped, ...]
    """Every skip, including analysers that failed or timed out."""
    runs: tuple[AnalyserRun, ...]
    """How each analyser fared."""
    versions: dict[str, str] = field(default_factory=dict)
    """Analyser id → version string."""


def plan(analyser_ids: Sequence[str], targets: Sequence[Target], settings: AnalyserSettings,
         timeout: float = DEFAULT_TIMEOUT) -> list[Job]:  # fmt: skip
    """Build one job per analyser holding the targets it accepts (in the parent, cheaply)."""
    jobs = []
    for aid in analyser_ids:
        analyser = load_path(resolve(aid))(settings)
        accepted = tuple(t for t in targets if analyser.accepts(t))
        jobs.append(Job(aid, accepted, timeout))
    return jobs


def run(jobs: Sequence[Job], settings: AnalyserSettings, *, workers: int | None = None,
        hook: ProgressHook | None = None) -> Outcome:  # fmt: skip
    """Run ``jobs`` with at most ``workers`` at once; never raises for an analyser's failure."""
    idle = [j for j in jobs if not j.targets]  # nothing to look at: no process needed
    busy = [j for j in jobs if j.targets]
    workers = max(1, workers or min(len(busy), 2 * (os.cpu_count() or 2)) or 1)
    with tempfile.TemporaryDirectory(prefix="mamori-run-") as tmp:
        pending = [_Running.prepare(job, Path(tmp)) for job in busy]
        for job in idle:
            _notify(hook, job.analyser, "start")
            _notify(hook, job.analyser, "ok")
        done: list[_Running] = []
        running: list[_Running] = []
        while pending or running:
            while pending and len(running) < workers:
                r = pending.pop(0)
                r.start(settings)
                running.append(r)
                _notify(hook, r.job.analyser, "start")
            for r in list(running):
                if r.poll():
                    running.remove(r)
                    done.append(r)
                    _notify(hook, r.job.analyser, r.status)
            time.sleep(0.02)
        done.sort(key=lambda r: [j.analyser for j in jobs].index(r.job.analyser))
        out = _gather(done)
    idle_runs = tuple(AnalyserRun(j.analyser, "", "ok", 0.0, 0, 0) for j in idle)
    return Outcome(out.findings, out.skipped, out.runs + idle_runs, out.versions)


def _notify(hook: ProgressHook | None, aid: str, event: str) -> None:
    if hook is not None:
        hook(aid, event)


@dataclass
class _Running:
    """Book-keeping for one worker process (mutable, private to the runner loop)."""

    job: Job
    out: Path
    proc: Any = None
    started: float = 0.0
    seconds: float = 0.0
    status: str = "pending"
    payload: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def prepare(cls, job: Job, tmp: Path) -> _Running:
        return cls(job, tmp / f"{job.analyser}.pickle")

    def start(self, settings: AnalyserSettings) -> None:
        ctx = mp.get_context("spawn")
        args = (resolve(self.job.analyser), settings, self.job.targets, str(self.out))
        self.proc = ctx.Process(target=_worker, args=args, name=f"mamori-{self.job.analyser}")
        self.started = time.monotonic()
        self.proc.start()

    def poll(self) -> bool:
        """Advance this worker's state; True once it has finished one way or another."""
        elapsed = time.monotonic() - self.started
        if self.proc.exitcode is None and elapsed <= self.job.timeout:
            return False
        if self.proc.exitcode is None:
            _kill_group(self.proc.pid)
            self.proc.join(5)
            self.status = "timeout"
        else:
            self.proc.join()
            self.payload = _read_payload(self.out)
            self.status = "ok" if self.proc.exitcode == 0 and "items" in self.payload else "failed"
        self.seconds = elapsed
        return True

    def result(self) -> tuple[list[Finding], list[Skipped], AnalyserRun]:
        aid = self.job.analyser
        version = str(self.payload.get("version", ""))
        if self.status == "ok":
            items = self.payload["items"]
            findings = [i for i in items if isinstance(i, Finding)]
            skipped = [i for i in items if isinstance(i, Skipped)]
            run = AnalyserRun(
                aid, version, "ok", self.seconds, len(findings), len(self.job.targets)
            )
            return findings, skipped, run
        if self.status == "timeout":
            error = f"timed out after {self.job.timeout:g}s and was stopped"
        else:
            error = self.payload.get("error") or f"worker exited with code {self.proc.exitcode}"
        log.warning("analyser %s %s: %s", aid, self.status, error)
        run = AnalyserRun(aid, version, self.status, self.seconds, 0, len(self.job.targets), error)
        return [], [Skipped(aid, f"analyser {self.status}: {error}", aid)], run


def _gather(done: Sequence[_Running]) -> Outcome:
    findings: list[Finding] = []
    skipped: list[Skipped] = []
    runs: list[AnalyserRun] = []
    for r in done:
        f, s, run_ = r.result()
        findings += f
        skipped += s
        runs.append(run_)
    return Outcome(
        tuple(findings), tuple(skipped), tuple(runs), {r.analyser: r.version for r in runs}
    )


def _read_payload(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as fh:
            data = pickle.load(fh)  # noqa: S301 - written by our own worker into our temp dir
    except (OSError, EOFError, pickle.UnpicklingError):
        return {}
    return data if isinstance(data, dict) else {}


def _kill_group(pid: int) -> None:
    try:
        os.killpg(pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


def _worker(import_path: str, settings: AnalyserSettings, targets: tuple[Target, ...],
            out: str) -> None:  # fmt: skip
    """Worker entry point: run one analyser and pickle what it yields (or why it failed)."""
    os.setpgrp()  # lead a process group so a timeout kills the engines we start too
    _configure_worker_logging()
    payload: dict[str, Any] = {}
    try:
        analyser = load_path(import_path)(settings)
        payload["version"] = analyser.version
        payload["items"] = list(analyser.analyse(targets))
    except BaseException as e:  # noqa: BLE001 - reported to the parent as data, never lost
        payload.pop("items", None)
        payload["error"] = f"{type(e).__name__}: {e}"
        payload["traceback"] = traceback.format_exc(limit=8)
    tmp = out + ".part"
    with open(tmp, "wb") as fh:
        pickle.dump(payload, fh, protocol=pickle.HIGHEST_PROTOCOL)
    os.replace(tmp, out)
    if "error" in payload:
        raise SystemExit(1)


def _configure_worker_logging() -> None:
    level = os.environ.get("MAMORI_LOGLEVEL", "WARNING").upper()
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s")
