"""Benchmark: detection quality of Mamori's ``taint`` analyser vs. Bandit and Semgrep (with
Mamori's rule pack) on the labelled taint corpus ``tests/corpus/taint/``, per weakness class.

    .venv/bin/python bench/taint_quality.py [--json FILE] [--errors]

Labels (the same as ``tests/analysers/taint/test_corpus.py``): a case is one ``.py`` file or
one folder of modules under ``tests/corpus/taint/<group>/``; a line marked ``# sink: <cwe>``
must be reported with that CWE, a line marked ``# safe: <cwe>`` must not be.

Method. Related CWEs are one class (``CLASSES``, printed); every CWE the corpus marks falls in
one row. The unit is a (case, class) pair:

* positive (P): the case has a ``# sink:`` line of the class; negative (N): it has none;
* true positive (TP): a positive pair where at least one finding of the class overlaps a
  sink line of the class — the finding's line range meets the sink's statement (the sink line,
  or for a statement spanning several lines, all of them; a compound statement's header only);
* false positive (FP): a negative pair with any finding of the class anywhere in the case;
* TPR = TP/P, FPR = FP/N, precision = TP/(TP+FP); score = mean over classes of TPR − FPR.

Line-level counts are printed too (sink lines found; ``# safe:`` lines flagged), because the
pair unit cannot see a missed second sink or a flagged safe line in a positive case; so is the
FP count over look-alike negatives only (negative pairs whose case has a ``# safe:`` line of
the class), since N is mostly cases about other weaknesses and keeps every FPR small.

All three analysers run through Mamori's own wrappers, so findings carry CWE ids and line
ranges. Taint runs once per case, with the case as its scan root (as the tests do); Bandit
and Semgrep run once over the whole corpus. Where Bandit's CWE is a generic or mislabelled
one, its test id decides the class (``BANDIT_RULE_CWE``, printed), and Bandit's import
checks (B4xx) are left out: they flag an ``import`` line, never a use. Findings of classes
the corpus does not mark (timeouts, asserts, ...) are ignored by every analyser.
"""

from __future__ import annotations

import argparse
import ast
import json
import re
import shutil
import sys
import time
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

from mamori.analysers import registry
from mamori.analysers.interface import Analyser, AnalyserError, AnalyserSettings
from mamori.model import Finding, Skipped, Target, TargetKind

CORPUS = Path(__file__).resolve().parents[1] / "tests" / "corpus" / "taint"
ANALYSERS = ("taint", "bandit", "semgrep")
MARK = re.compile(r"#\s*(sink|safe):\s*(\d+)")

CLASSES: tuple[tuple[str, frozenset[int]], ...] = (
    ("code injection", frozenset({94, 95, 1336})),  # CWE-1336 (template injection) is a CWE-94
    ("OS command injection", frozenset({77, 78, 88})),
    ("XXE", frozenset({611, 776})),
    ("weak hash / crypto", frozenset({327, 328, 916})),
    ("weak random", frozenset({330, 338})),
    ("path traversal", frozenset({22, 23, 36, 73})),
    ("XSS", frozenset({79, 80})),
    ("SQL injection", frozenset({89, 564})),
    ("insecure cookie", frozenset({614, 1004})),
)
"""Related CWEs counted as one class; every other CWE is a class of its own."""

BANDIT_RULE_CWE: dict[str, int] = {
    "B102": 94,  # exec_used: Bandit says CWE-78
    "B307": 95,  # eval: Bandit says CWE-78
    "B310": 918,  # urllib urlopen, "audit url open for permitted schemes": Bandit says CWE-22
    **dict.fromkeys(("B313", "B314", "B315", "B316", "B317", "B318", "B319", "B320"), 611),
    "B506": 502,  # yaml_load: Bandit says CWE-20
}
"""Bandit tests whose class is decided by the test id (Bandit's CWE is generic or mislabelled;
B313-B320 are its untrusted-XML-parser calls, CWE-20 in Bandit)."""


def cwe_class(cwe: int) -> frozenset[int]:
    """The class (set of equivalent CWEs) ``cwe`` belongs to."""
    return next((members for _, members in CLASSES if cwe in members), frozenset({cwe}))


# --- the labelled corpus -----------------------------------------------------------------


@dataclass(frozen=True)
class Mark:
    """One ``# sink:`` or ``# safe:`` label."""

    kind: str
    """``sink`` or ``safe``."""
    cwe: int
    """The CWE the label names."""
    path: Path
    """Absolute path of the file."""
    span: tuple[int, int]
    """Lines of the statement the label is on (first, last)."""


@dataclass(frozen=True)
class Case:
    """One corpus case: a file, or a folder of modules analysed together."""

    path: Path
    """The ``.py`` file or the folder."""
    root: Path
    """Scan root used for taint: the folder itself, or the file's group folder."""
    files: tuple[Path, ...]
    """Every ``.py`` file of the case."""
    marks: tuple[Mark, ...]
    """Its labels."""

    @property
    def name(self) -> str:
        """``group/case`` as shown in reports."""
        return f"{self.path.parent.name}/{self.path.name}"


def load_cases(corpus: Path) -> list[Case]:
    """Every case of ``corpus``, with the same selection rules as the corpus tests."""
    paths = [
        p
        for group in sorted(g for g in corpus.iterdir() if g.is_dir())
        for p in sorted(group.iterdir())
        if (p.suffix == ".py" or p.is_dir()) and p.name != "__pycache__"
    ]
    cases = []
    for p in paths:
        files = tuple(sorted(p.rglob("*.py"))) if p.is_dir() else (p,)
        marks = tuple(m for f in files for m in _marks(f))
        cases.append(Case(p, p if p.is_dir() else p.parent, files, marks))
    return cases


def _marks(path: Path) -> Iterable[Mark]:
    text = path.read_text()
    spans = _statement_spans(ast.parse(text))
    for number, line in enumerate(text.splitlines(), 1):
        for m in MARK.finditer(line):
            around = [s for s in spans if s[0] <= number <= s[1]]
            yield Mark(m[1], int(m[2]), path, min(around, key=_width, default=(number, number)))


def _statement_spans(tree: ast.Module) -> list[tuple[int, int]]:
    """Line spans of statements; a compound statement counts its header lines only."""
    spans = []
    for node in ast.walk(tree):
        if isinstance(node, ast.stmt):
            body = getattr(node, "body", None)
            if isinstance(body, list) and body and isinstance(body[0], ast.stmt):
                end = max(node.lineno, body[0].lineno - 1)
            else:
                end = node.end_lineno or node.lineno
            spans.append((node.lineno, end))
    return spans


def _width(span: tuple[int, int]) -> int:
    return span[1] - span[0]


# --- running the analysers ---------------------------------------------------------------


@dataclass(frozen=True)
class Hit:
    """One finding reduced to what scoring needs."""

    path: Path
    """Absolute path of the flagged file."""
    lines: tuple[int, int]
    """Flagged line range."""
    cls: frozenset[int]
    """Class of the finding's CWE."""
    rule: str
    """Rule or test id (for ``--errors``)."""


@dataclass
class Run:
    """What one analyser reported over the corpus."""

    hits: list[Hit] = field(default_factory=list)
    """Findings of classes the corpus marks."""
    skipped: list[Skipped] = field(default_factory=list)
    """Targets the analyser could not scan."""
    ignored: int = 0
    """Findings left out: no CWE or line, a class the corpus does not mark, Bandit B4xx."""
    seconds: float = 0.0
    """Wall time of the analyser's runs."""


def run_analyser(
    name: str, cases: Sequence[Case], classes: set[frozenset[int]], corpus: Path = CORPUS
) -> Run:
    """Run ``name`` over ``cases`` and keep the findings whose class is in ``classes``."""
    run = Run()
    batches = [(c.root, c.files) for c in cases]
    if name != "taint":  # one run over the whole corpus
        batches = [(corpus, tuple(f for c in cases for f in c.files))]
    for root, files in batches:
        analyser = _analyser(name, AnalyserSettings(root=str(root), options={"jobs": 2}))
        targets = [Target(TargetKind.FILE, str(f), "bench") for f in files]
        start = time.perf_counter()
        items = list(analyser.analyse(targets))
        run.seconds += time.perf_counter() - start
        for item in items:
            if isinstance(item, Skipped):
                run.skipped.append(item)
            elif (hit := _hit(name, item, root)) is not None and hit.cls in classes:
                run.hits.append(hit)
            else:
                run.ignored += 1
    return run


def _analyser(name: str, settings: AnalyserSettings) -> Analyser:
    return registry.load(name)(settings)


def _hit(analyser: str, f: Finding, root: Path) -> Hit | None:
    if analyser == "bandit" and re.fullmatch(r"B4\d\d", f.rule_id):
        return None
    cwes = [BANDIT_RULE_CWE[f.rule_id]] if f.rule_id in BANDIT_RULE_CWE else list(f.cwe)
    if not cwes or not f.location.start_line:
        return None
    path = Path(f.location.path)
    path = path if path.is_absolute() else root / path
    return Hit(path.resolve(), f.location.lines, cwe_class(cwes[0]), f.rule_id)


# --- scoring -------------------------------------------------------------------------------


@dataclass
class Tally:
    """Counts for one class and one analyser: (case, class) pairs ``p``, ``n``, ``tp``,
    ``fp``; labelled lines ``sink_lines`` (``_found``), ``safe_lines`` (``_flagged``); negative
    pairs with a ``# safe:`` line of the class, ``lookalikes`` (``_flagged``); and one line per
    missed sink or false positive in ``errors``."""

    p: int = 0
    n: int = 0
    tp: int = 0
    fp: int = 0
    sink_lines: int = 0
    sink_lines_found: int = 0
    safe_lines: int = 0
    safe_lines_flagged: int = 0
    lookalikes: int = 0
    lookalikes_flagged: int = 0
    errors: list[str] = field(default_factory=list)

    def rates(self) -> dict[str, float | None]:
        """TPR, FPR and precision (None when undefined)."""
        return {
            "tpr": self.tp / self.p if self.p else None,
            "fpr": self.fp / self.n if self.n else None,
            "precision": self.tp / (self.tp + self.fp) if self.tp + self.fp else None,
        }


def score(cases: Sequence[Case], run: Run, classes: list[frozenset[int]]) -> dict[str, Tally]:
    """One :class:`Tally` per class label for ``run`` over ``cases``."""
    tallies = {label(c): Tally() for c in classes}
    for case in cases:
        files = set(case.files)
        hits = [h for h in run.hits if h.path in files]
        for cls in classes:
            _score_case(case, cls, [h for h in hits if h.cls == cls], tallies[label(cls)])
    return tallies


def _score_case(case: Case, cls: frozenset[int], hits: list[Hit], t: Tally) -> None:
    marks = [m for m in case.marks if m.cwe in cls]
    sinks = [m for m in marks if m.kind == "sink"]
    found = [m for m in sinks if _covered(m, hits)]
    flagged = [m for m in marks if m.kind == "safe" and _covered(m, hits)]
    t.sink_lines += len(sinks)
    t.sink_lines_found += len(found)
    t.safe_lines += len(marks) - len(sinks)
    t.safe_lines_flagged += len(flagged)
    if sinks:
        t.p += 1
        t.tp += bool(found)
        missed = [f"{m.path.name}:{m.span[0]}" for m in sinks if m not in found]
        if missed:
            t.errors.append(f"FN {case.name}: sink not found at {', '.join(missed)}")
        if flagged:
            lines = ", ".join(f"{m.path.name}:{m.span[0]}" for m in flagged)
            t.errors.append(f"FP {case.name}: safe line flagged at {lines}")
    else:
        t.n += 1
        t.fp += bool(hits)
        t.lookalikes += bool(marks)
        t.lookalikes_flagged += bool(marks and hits)
        if hits:
            shown = ", ".join(f"{h.path.name}:{h.lines[0]} ({h.rule})" for h in hits)
            t.errors.append(f"FP {case.name}: {shown}")


def _covered(mark: Mark, hits: list[Hit]) -> bool:
    return any(
        h.path == mark.path and h.lines[0] <= mark.span[1] and mark.span[0] <= h.lines[1]
        for h in hits
    )


def label(cls: frozenset[int]) -> str:
    """A class's row label: its CWE ids joined with ``/``."""
    return "/".join(str(c) for c in sorted(cls))


def summary(tallies: dict[str, Tally]) -> dict[str, float]:
    """Score (mean TPR − FPR over classes) and micro-averaged precision."""
    rates = [t.rates() for t in tallies.values() if t.p and t.n]
    tp = sum(t.tp for t in tallies.values())
    fp = sum(t.fp for t in tallies.values())
    return {
        "score": sum((r["tpr"] or 0) - (r["fpr"] or 0) for r in rates) / len(rates),
        "precision": tp / (tp + fp) if tp + fp else 0.0,
        "tpr": sum(r["tpr"] or 0 for r in rates) / len(rates),
        "fpr": sum(r["fpr"] or 0 for r in rates) / len(rates),
    }


# --- output --------------------------------------------------------------------------------


def _fmt(value: float | None) -> str:
    return "    -" if value is None else f"{value:5.3f}"


def print_report(
    cases: Sequence[Case],
    runs: dict[str, Run],
    tallies: dict[str, dict[str, Tally]],
    corpus: Path = CORPUS,
) -> None:
    """Print the method, the class mapping, the per-class table and the totals."""
    marks = sum(len(c.marks) for c in cases)
    print(f"corpus: {corpus} — {len(cases)} cases, {marks} labels")
    print("unit: one (case, class) pair; P = the case has a '# sink:' line of the class,")
    print("  TP = a finding of the class on one of those sink statements,")
    print("  FP = a finding of the class anywhere in a case without a sink of the class;")
    print("  TPR = TP/P, FPR = FP/N, prec = TP/(TP+FP); score = mean over classes of TPR-FPR")
    print("CWE classes: " + "; ".join(f"{n} = {label(m)}" for n, m in CLASSES))
    rules = ", ".join(f"{r}→{c}" for r, c in BANDIT_RULE_CWE.items())
    print(f"Bandit by test id: {rules}; Bandit import checks B4xx ignored\n")
    head = f"{'CWE':<14}{'P':>4}{'N':>5}" + "".join(f" | {a:^17}" for a in runs)
    print(head)
    print(f"{'':<23}" + " | TPR   FPR   prec " * len(runs))
    print("-" * len(head))
    for row in next(iter(tallies.values())):
        first = tallies[ANALYSERS[0]][row]
        cells = ""
        for name in runs:
            r = tallies[name][row].rates()
            cells += f" | {_fmt(r['tpr'])} {_fmt(r['fpr'])} {_fmt(r['precision'])}"
        print(f"{row:<14}{first.p:>4}{first.n:>5}{cells}")
    print("-" * len(head))
    for name, run in runs.items():
        _print_totals(name, run, tallies[name])


def _print_totals(name: str, run: Run, tallies: dict[str, Tally]) -> None:
    s = summary(tallies)
    counts = [k for k in asdict(Tally()) if k != "errors"]
    total = {k: sum(getattr(t, k) for t in tallies.values()) for k in counts}
    print(
        f"{name:<8} score {s['score']:.3f} (mean TPR {s['tpr']:.3f} - mean FPR {s['fpr']:.3f}),"
        f" precision {s['precision']:.3f}, wall time {run.seconds:.1f} s\n"
        f"{'':<9}sink lines found {total['sink_lines_found']}/{total['sink_lines']},"
        f" safe lines flagged {total['safe_lines_flagged']}/{total['safe_lines']},"
        f" look-alike negatives flagged {total['lookalikes_flagged']}/{total['lookalikes']};"
        f" findings: {len(run.hits)} scored, {run.ignored} ignored; {len(run.skipped)} skipped"
    )
    for skip in run.skipped:
        print(f"    skipped {skip.target}: {skip.reason}")


def print_errors(tallies: dict[str, dict[str, Tally]]) -> None:
    """Every missed sink and false positive, per analyser and class."""
    for name, by_class in tallies.items():
        print(f"\n{name} errors:")
        for row, t in by_class.items():
            for error in t.errors:
                print(f"  [{row}] {error}")


def as_json(
    runs: dict[str, Run], tallies: dict[str, dict[str, Tally]], corpus: Path = CORPUS
) -> dict[str, object]:
    """The numbers, for ``--json``."""
    return {
        "schema_version": 1,
        "corpus": str(corpus),
        "classes": {n: sorted(m) for n, m in CLASSES},
        "bandit_rule_cwe": BANDIT_RULE_CWE,
        "analysers": {
            name: {
                "seconds": round(run.seconds, 3),
                "findings_scored": len(run.hits),
                "findings_ignored": run.ignored,
                "skipped": len(run.skipped),
                **summary(tallies[name]),
                "per_class": {row: {**asdict(t), **t.rates()} for row, t in tallies[name].items()},
            }
            for name, run in runs.items()
        },
    }


# --- main ----------------------------------------------------------------------------------


def _check_tools() -> None:
    """Mamori's wrappers run ``bandit`` from this venv and ``semgrep`` from it or PATH."""
    beside = Path(sys.executable).parent
    for tool, found in (("bandit", False), ("semgrep", bool(shutil.which("semgrep")))):
        if not ((beside / tool).is_file() or found):
            raise SystemExit(
                f"{tool} is missing from {beside}; install Mamori's dependencies into this "
                "environment (.venv/bin/pip install -e .) and run again"
            )


def main(argv: Sequence[str] | None = None) -> int:
    """Run the three analysers over the corpus and print (and optionally save) the scores."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", type=Path, metavar="FILE", help="also write the numbers here")
    parser.add_argument("--errors", action="store_true", help="list every FN and FP per case")
    parser.add_argument(
        "--corpus",
        type=Path,
        default=CORPUS,
        help="labelled corpus folder (default: tests/corpus/taint; the blind held-out set is "
        "tests/corpus/taint_holdout)",
    )
    args = parser.parse_args(argv)
    _check_tools()
    corpus = args.corpus.resolve()
    if not corpus.is_dir():
        raise SystemExit(f"no corpus folder at {corpus}")
    cases = load_cases(corpus)
    classes = sorted({cwe_class(m.cwe) for c in cases for m in c.marks}, key=min)
    runs: dict[str, Run] = {}
    for name in ANALYSERS:
        try:
            runs[name] = run_analyser(name, cases, set(classes), corpus)
        except AnalyserError as e:
            raise SystemExit(f"{name} failed: {e}") from e
    tallies = {name: score(cases, run, classes) for name, run in runs.items()}
    print_report(cases, runs, tallies, corpus)
    if args.errors:
        print_errors(tallies)
    if args.json:
        args.json.write_text(json.dumps(as_json(runs, tallies, corpus), indent=2) + "\n")
        print(f"\nwrote {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
