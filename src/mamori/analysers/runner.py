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
    lightweight: bool = False
    """Shares one worker process with the other lightweight jobs."""


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
        jobs.append(Job(aid, accepted, timeout, type(analyser).lightweight))
    return jobs


def run(jobs: Sequence[Job], settings: AnalyserSettings, *, workers: int | None = None,
        hook: ProgressHook | None = None) -> Outcome:  # fmt: skip
    """Run ``jobs`` with at most ``workers`` processes at once; never raises for an analyser's
    failure. Heavy analysers get a process each; lightweight ones share one."""
    idle = [j for j in jobs if not j.targets]  # nothing to look at: no process needed
    heavy = [(j,) for j in jobs if j.targets and not j.lightweight]
    light = tuple(j for j in jobs if j.targets and j.lightweight)
    groups = heavy + ([light] if light else [])
    workers = max(1, workers or min(len(groups), 2 * (os.cpu_count() or 2)) or 1)
    with tempfile.TemporaryDirectory(prefix="mamori-run-") as tmp:
        pending = [_Running(g, Path(tmp)) for g in groups]
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
                for job in r.jobs:
                    _notify(hook, job.analyser, "start")
            for r in list(running):
                if r.poll():
                    running.remove(r)
                    done.append(r)
                    for job, status in zip(r.jobs, r.statuses(), strict=True):
                        _notify(hook, job.analyser, status)
            time.sleep(0.02)
        out = _gather(done)
    order = [j.analyser for j in jobs]
    runs = sorted(out.runs + tuple(AnalyserRun(j.analyser, "", "ok", 0.0, 0, 0) for j in idle),
                  key=lambda r: order.index(r.analyser))  # fmt: skip
    return Outcome(out.findings, out.skipped, tuple(runs), out.versions)


def _notify(hook: ProgressHook | None, aid: str, event: str) -> None:
    if hook is not None:
        hook(aid, event)


class _Running:
    """One worker process running one or more jobs in turn (private to the runner loop)."""

    def __init__(self, jobs: tuple[Job, ...], tmp: Path) -> None:
        self.jobs = jobs
        self.folder = tmp / "-".join(j.analyser for j in jobs)
        self.folder.mkdir()
        self.timeout = sum(j.timeout for j in jobs) if len(jobs) > 1 else jobs[0].timeout
        self.proc: Any = None
        self.started = 0.0
        self.seconds = 0.0
        self.timed_out = False
        self.payloads: dict[str, dict[str, Any]] = {}

    def start(self, settings: AnalyserSettings) -> None:
        ctx = mp.get_context("spawn")
        work = [(j.analyser, resolve(j.analyser), j.targets) for j in self.jobs]
        name = f"mamori-{self.folder.name}"
        self.proc = ctx.Process(target=_worker, args=(work, settings, str(self.folder)), name=name)
        self.started = time.monotonic()
        self.proc.start()

    def poll(self) -> bool:
        """Advance this worker's state; True once it has finished one way or another."""
        elapsed = time.monotonic() - self.started
        if self.proc.exitcode is None and elapsed <= self.timeout:
            return False
        if self.proc.exitcode is None:
            _kill_group(self.proc.pid)
            self.proc.join(5)
            self.timed_out = True
        else:
            self.proc.join()
        self.payloads = {j.analyser: _read_payload(self.folder / f"{j.analyser}.pickle")
                         for j in self.jobs}  # fmt: skip
        self.seconds = elapsed
        return True

    def statuses(self) -> list[str]:
        """``ok``, ``failed`` or ``timeout`` per job, in job order."""
        out = []
        for j in self.jobs:
            payload = self.payloads.get(j.analyser, {})
            if "items" in payload:
                out.append("ok")
            elif "error" in payload or not self.timed_out:
                out.append("failed")
            else:
                out.append("timeout")
        return out

    def results(self) -> list[tuple[list[Finding], list[Skipped], AnalyserRun]]:
        return [self._result(j, s) for j, s in zip(self.jobs, self.statuses(), strict=True)]

    def _result(self, job: Job, status: str) -> tuple[list[Finding], list[Skipped], AnalyserRun]:
        aid = job.analyser
        payload = self.payloads.get(aid, {})
        version = str(payload.get("version", ""))
        seconds = float(payload.get("seconds", self.seconds))
        if status == "ok":
            items = payload["items"]
            findings = [i for i in items if isinstance(i, Finding)]
            skipped = [i for i in items if isinstance(i, Skipped)]
            return findings, skipped, AnalyserRun(aid, version, "ok", seconds, len(findings),
                                                  len(job.targets))  # fmt: skip
        if status == "timeout":
            error = f"timed out after {self.timeout:g}s and was stopped"
        else:
            error = payload.get("error") or f"worker exited with code {self.proc.exitcode}"
        log.warning("analyser %s %s: %s", aid, status, error)
        run = AnalyserRun(aid, version, status, seconds, 0, len(job.targets), error)
        return [], [Skipped(aid, f"analyser {status}: {error}", aid)], run


def _gather(done: Sequence[_Running]) -> Outcome:
    findings: list[Finding] = []
    skipped: list[Skipped] = []
    runs: list[AnalyserRun] = []
    for r in done:
        for f, s, run_ in r.results():
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


def _worker(work: list[tuple[str, str, tuple[Target, ...]]], settings: AnalyserSettings,
            folder: str) -> None:  # fmt: skip
    """Worker entry point: run each analyser in turn, pickling what it yields (or why it
    failed) to ``<folder>/<id>.pickle`` as soon as it is done."""
    os.setpgrp()  # lead a process group so a timeout kills the engines we start too
    _configure_worker_logging()
    failed = False
    for aid, import_path, targets in work:
        payload: dict[str, Any] = {}
        started = time.monotonic()
        try:
            analyser = load_path(import_path)(settings)
            payload["version"] = analyser.version
            payload["items"] = list(analyser.analyse(targets))
        except BaseException as e:  # noqa: BLE001 - reported to the parent as data, never lost
            payload.pop("items", None)
            payload["error"] = f"{type(e).__name__}: {e}"
            payload["traceback"] = traceback.format_exc(limit=8)
            failed = True
        payload["seconds"] = time.monotonic() - started
        out = os.path.join(folder, f"{aid}.pickle")
        with open(out + ".part", "wb") as fh:
            pickle.dump(payload, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(out + ".part", out)
    if failed and len(work) == 1:
        raise SystemExit(1)


def _configure_worker_logging() -> None:
    level = os.environ.get("MAMORI_LOGLEVEL", "WARNING").upper()
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s")
