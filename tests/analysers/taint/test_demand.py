"""Demand-driven pruning: the same flows as analysing every function, from far fewer."""

from __future__ import annotations

import sysconfig
from pathlib import Path

import pytest

from mamori.analysers.taint import engine
from mamori.analysers.taint.callgraph import Program
from mamori.analysers.taint.demand import Demand
from mamori.analysers.taint.facts import read_module
from mamori.analysers.taint.rules import load_rules

CORPUS = Path(__file__).resolve().parents[2] / "corpus" / "taint"
STDLIB = Path(sysconfig.get_paths()["stdlib"])


def _program(root: Path, files: list[Path]) -> Program:
    program = Program(load_rules())
    for f in files:
        shown = f.relative_to(root).as_posix()
        text = f.read_text(encoding="utf-8")
        program.add(read_module(shown, text), text)
    program.index()
    return program


def _source(tmp_path: Path, files: dict[str, str]) -> Program:
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    return _program(tmp_path, sorted(tmp_path.rglob("*.py")))


def _flows(program: Program, prune: bool) -> list[tuple[str, int, int]]:
    return [(f.sink.path, f.sink.start_line, f.cwe) for f in engine.solve(program, prune=prune)[0]]


def _cases() -> list[Path]:
    return sorted(
        p
        for g in CORPUS.iterdir()
        if g.is_dir()
        for p in g.iterdir()
        if p.suffix == ".py" or (p.is_dir() and p.name != "__pycache__")
    )


def test_every_corpus_case_gives_the_same_flows_pruned_or_not() -> None:
    differ = []
    total = 0
    for case in _cases():
        root = case if case.is_dir() else case.parent
        files = sorted(case.rglob("*.py")) if case.is_dir() else [case]
        program = _program(root, files)
        pruned, full = _flows(program, True), _flows(program, False)
        total += len(full)
        if pruned != full:
            differ.append(case.name)
    assert not differ
    assert total > 150  # the corpus has real flows to lose


def test_a_library_without_sources_is_not_analysed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    program = _source(
        tmp_path,
        {
            "lib/run.py": (
                "import os\n\ndef run(cmd):\n    return os.system(helper(cmd))\n\n"
                "def helper(x):\n    return x\n"
            ),
            "lib/cli.py": "from lib.run import run\n\ndef main(args):\n    run(args[0])\n",
        },
    )
    analysed: list[str] = []
    real = engine._analyse

    def spy(program: Program, fn, table, options):  # type: ignore[no-untyped-def]
        analysed.append(fn.qname)
        return real(program, fn, table, options)

    monkeypatch.setattr(engine, "_analyse", spy)
    assert engine.solve(program)[0] == []
    assert analysed == []


def test_callers_of_a_source_returning_helper_are_analysed(tmp_path: Path) -> None:
    program = _source(
        tmp_path,
        {
            "app/get.py": "import sys\n\ndef arg():\n    return sys.argv[1]\n",
            "app/use.py": (
                "import os\nfrom app.get import arg as fetch\n\n"
                "def go():\n    os.system(fetch())  # the sink\n"
            ),
            "app/other.py": "import os\n\ndef quiet(x):\n    os.system(x)\n",
        },
    )
    demand = Demand(program, frozenset())
    assert demand.seeds == {"app.get.arg"}
    assert "app.use.go" in demand.callers_of({"app.get.arg"})
    assert _flows(program, True) == [("app/use.py", 5, 78)] == _flows(program, False)
    assert "app.other.quiet" not in demand.down(demand.seeds | {"app.use.go"})


def test_an_aliased_source_import_is_a_seed(tmp_path: Path) -> None:
    program = _source(
        tmp_path,
        {
            "app/v.py": (
                "import os\nfrom flask import request as rq\n\n"
                "def v():\n    os.system(rq.args['c'])\n"
            )
        },
    )
    assert "app.v.v" in Demand(program, frozenset()).seeds
    assert _flows(program, True) == [("app/v.py", 5, 78)]


def test_the_standard_library_gives_the_same_flows_pruned_or_not() -> None:
    files = [
        f for d in ("http", "urllib", "json", "logging") for f in sorted((STDLIB / d).rglob("*.py"))
    ]
    program = _program(STDLIB, files)
    demand = Demand(program, frozenset())
    assert len(demand.seeds) < len(program.functions) / 5
    assert _flows(program, True) == _flows(program, False)
