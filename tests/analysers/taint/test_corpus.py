"""The labelled taint corpus: every case's verdict, and precision/recall over all of them.

A case is one ``.py`` file or one folder of modules under ``tests/corpus/taint/``. Lines marked
``# sink: <cwe>`` must be reported with that CWE; a ``# safe: <cwe>`` line must not be reported,
and a case without a sink of that CWE must have no finding of it anywhere.
"""

from __future__ import annotations

import functools
import logging
import re
from dataclasses import dataclass
from pathlib import Path

import pytest

from mamori.analysers.interface import AnalyserSettings
from mamori.analysers.taint.analyser import TaintAnalyser
from mamori.model import Finding, Target, TargetKind

CORPUS = Path(__file__).resolve().parents[2] / "corpus" / "taint"
_MARK = re.compile(r"#\s*(sink|safe):\s*(\d+)")
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Mark:
    kind: str
    cwe: int
    path: str
    line: int


def _cases() -> list[Path]:
    out: list[Path] = []
    for group in sorted(p for p in CORPUS.iterdir() if p.is_dir()):
        out.extend(sorted(p for p in group.iterdir() if p.suffix == ".py" or p.is_dir()))
    return [p for p in out if p.name != "__pycache__"]


CASES = _cases()


def _files(case: Path) -> list[Path]:
    return sorted(case.rglob("*.py")) if case.is_dir() else [case]


def _root(case: Path) -> Path:
    return case if case.is_dir() else case.parent


def marks(case: Path) -> list[Mark]:
    out = []
    for f in _files(case):
        shown = f.relative_to(_root(case)).as_posix()
        for number, text in enumerate(f.read_text().splitlines(), 1):
            out.extend(Mark(m[1], int(m[2]), shown, number) for m in _MARK.finditer(text))
    return out


@functools.cache
def findings(case: Path) -> tuple[Finding, ...]:
    settings = AnalyserSettings(root=str(_root(case)))
    targets = [Target(TargetKind.FILE, str(f), "test") for f in _files(case)]
    items = list(TaintAnalyser(settings).analyse(targets))
    assert all(isinstance(i, Finding) for i in items), items
    return tuple(i for i in items if isinstance(i, Finding))


def _key(f: Finding) -> tuple[str, int, int]:
    return f.location.path, f.location.start_line, f.cwe[0]


def test_corpus_is_large_and_labelled() -> None:
    assert len(CASES) >= 250
    kinds = {m.kind for c in CASES for m in marks(c)}
    assert kinds == {"sink", "safe"}
    assert all(marks(c) for c in CASES), [c for c in CASES if not marks(c)]


@pytest.mark.parametrize("case", CASES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_case_verdict(case: Path) -> None:
    reported = {_key(f) for f in findings(case)}
    labelled = marks(case)
    sink_cwes = {m.cwe for m in labelled if m.kind == "sink"}
    for mark in labelled:
        if mark.kind == "sink":
            assert (mark.path, mark.line, mark.cwe) in reported, (mark, reported)
        elif mark.cwe in sink_cwes:
            assert (mark.path, mark.line, mark.cwe) not in reported, (mark, reported)
        else:
            assert not any(cwe == mark.cwe for _, _, cwe in reported), (mark, reported)


def test_precision_and_recall(capsys: pytest.CaptureFixture[str]) -> None:
    tp = fp = fn = 0
    for case in CASES:
        expected = {(m.path, m.line, m.cwe) for m in marks(case) if m.kind == "sink"}
        reported = {_key(f) for f in findings(case)}
        tp += len(expected & reported)
        fn += len(expected - reported)
        fp += len(reported - expected)
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    with capsys.disabled():
        print(f"\ntaint corpus: {len(CASES)} cases, precision {precision:.3f}, recall {recall:.3f}")
    assert precision >= 0.9
    assert recall >= 0.9
