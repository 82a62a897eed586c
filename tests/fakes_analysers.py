"""Fake analysers for runner and pipeline tests (imported by path inside worker processes)."""

from __future__ import annotations

import os
import subprocess
import time
from collections.abc import Iterable, Sequence

from mamori.analysers.interface import Analyser, read_lines
from mamori.model import (
    Confidence,
    CweId,
    Finding,
    Location,
    Severity,
    Skipped,
    Target,
    line_fingerprint,
    weakness_class,
)


def _finding(analyser: str, target: Target, line: int, cwe: int, conf: Confidence) -> Finding:
    lines = read_lines(target.locator)
    fp = line_fingerprint(weakness_class((CweId(cwe),), "X"), target.name, lines, line)
    return Finding(
        analyser=analyser, analyser_version="1", rule_id=f"{analyser}-{cwe}", title="fake",
        message="fake finding", severity=Severity.HIGH, confidence=conf,
        location=Location(path=target.name, start_line=line, end_line=line),
        fingerprint=fp, cwe=(CweId(cwe),),
    )  # fmt: skip


class MarkerAnalyser(Analyser):
    """Reports CWE-89 on every line containing 'SQLI', and skips files containing 'SKIPME'."""

    id = "marker"
    cwes = frozenset({CweId(89)})

    def analyse(self, targets: Sequence[Target]) -> Iterable[Finding | Skipped]:
        for t in targets:
            lines = read_lines(t.locator)
            if any("SKIPME" in ln for ln in lines):
                yield Skipped(t.name, "asked to skip", self.id)
                continue
            for i, ln in enumerate(lines, 1):
                if "SQLI" in ln:
                    yield _finding(self.id, t, i, 89, Confidence.HIGH)


class SecondMarkerAnalyser(MarkerAnalyser):
    """Same as MarkerAnalyser under another id (an independent second opinion)."""

    id = "marker2"


class CrashingAnalyser(Analyser):
    """Raises on every run."""

    id = "crashing"

    def analyse(self, targets: Sequence[Target]) -> Iterable[Finding | Skipped]:
        raise RuntimeError("engine exploded on purpose")


class HangingAnalyser(Analyser):
    """Starts a child process that writes its pid, then hangs forever."""

    id = "hanging"

    def analyse(self, targets: Sequence[Target]) -> Iterable[Finding | Skipped]:
        child = subprocess.Popen(["sleep", "300"])  # noqa: S603,S607
        pidfile = os.environ.get("MAMORI_TEST_PIDFILE")
        if pidfile:
            with open(pidfile, "w") as fh:
                fh.write(str(child.pid))
        time.sleep(300)
        return []


class ExitingAnalyser(Analyser):
    """Kills its own process without a word (like an OOM kill)."""

    id = "exiting"

    def analyse(self, targets: Sequence[Target]) -> Iterable[Finding | Skipped]:
        os._exit(9)


class LightMarkerAnalyser(MarkerAnalyser):
    """A lightweight (shared-process) marker analyser."""

    id = "lightmarker"
    lightweight = True


class LightCrashingAnalyser(CrashingAnalyser):
    """A lightweight analyser that crashes, sharing the process with others."""

    id = "lightcrashing"
    lightweight = True
