"""The taint facts cache: reuse by content hash, misses on edits, and tampered entries refused."""

from __future__ import annotations

import hashlib
import os
import pickle
from pathlib import Path

import pytest

from mamori.analysers.interface import AnalyserSettings
from mamori.analysers.taint import analyser as taint_analyser
from mamori.analysers.taint import engine
from mamori.analysers.taint.analyser import TaintAnalyser
from mamori.analysers.taint.cache import FactsCache
from mamori.analysers.taint.facts import read_module
from mamori.model import Finding, Target, TargetKind

VIEW = (
    "from flask import request\nfrom app.db import find\n\n"
    "def show():\n    return find(request.args['id'])\n"
)
DB = "def find(key):\n    return cursor.execute('SELECT * FROM t WHERE id=' + key)\n"
SAFE_DB = "def find(key):\n    return cursor.execute('SELECT * FROM t WHERE id=?', (key,))\n"


def _estate(tmp_path: Path) -> Path:
    root = tmp_path / "src"
    (root / "app").mkdir(parents=True)
    (root / "app" / "views.py").write_text(VIEW)
    (root / "app" / "db.py").write_text(DB)
    (root / "app" / "util.py").write_text("def helper(x):\n    return x.strip()\n")
    return root


def _scan(root: Path, cache: Path) -> list[tuple[str, int, tuple[int, ...]]]:
    settings = AnalyserSettings(root=str(root), options={"cache_dir": str(cache)})
    targets = [Target(TargetKind.FILE, str(f), "test") for f in sorted(root.rglob("*.py"))]
    found = [i for i in TaintAnalyser(settings).analyse(targets) if isinstance(i, Finding)]
    return [(f.location.path, f.location.start_line, f.cwe) for f in found]


@pytest.fixture
def extracted(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Display paths the analyser parsed and extracted (cache misses)."""
    seen: list[str] = []

    def counting(display: str, text: str):  # type: ignore[no-untyped-def]
        seen.append(display)
        return read_module(display, text)

    monkeypatch.setattr(taint_analyser, "read_module", counting)
    return seen


def test_a_rescan_reuses_every_module_and_finds_the_same(
    tmp_path: Path, extracted: list[str]
) -> None:
    root, cache = _estate(tmp_path), tmp_path / "cache"
    first = _scan(root, cache)
    assert first == [("app/db.py", 2, (89,))]
    assert sorted(extracted) == ["app/db.py", "app/util.py", "app/views.py"]
    extracted.clear()
    assert _scan(root, cache) == first
    assert extracted == []


def test_an_edited_module_is_extracted_again_and_its_change_counts(
    tmp_path: Path, extracted: list[str]
) -> None:
    root, cache = _estate(tmp_path), tmp_path / "cache"
    _scan(root, cache)
    extracted.clear()
    (root / "app" / "db.py").write_text(SAFE_DB)
    assert _scan(root, cache) == []
    assert extracted == ["app/db.py"]


def test_the_same_text_at_another_path_is_not_reused(tmp_path: Path) -> None:
    cache = FactsCache(tmp_path / "c", "k")
    digest = hashlib.sha256(DB.encode()).hexdigest()
    cache.put("a/db.py", digest, read_module("a/db.py", DB))
    assert cache.get("a/db.py", digest) is not None
    assert cache.get("b/db.py", digest) is None


def test_a_tampered_entry_is_a_miss_and_runs_nothing(tmp_path: Path) -> None:
    cache = FactsCache(tmp_path / "c", "k")
    digest = hashlib.sha256(DB.encode()).hexdigest()
    cache.put("db.py", digest, read_module("db.py", DB))
    entry = next((tmp_path / "c").rglob("*.pickle"))
    marker = tmp_path / "pwned"

    class Evil:
        def __reduce__(self):  # type: ignore[no-untyped-def]
            return (os.system, (f"touch {marker}",))

    entry.write_bytes(pickle.dumps(Evil()))
    assert cache.get("db.py", digest) is None
    assert not marker.exists()


def test_an_unusable_cache_folder_only_costs_time(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    root = _estate(tmp_path)
    assert _scan(root, blocker / "cache") == [("app/db.py", 2, (89,))]


def test_a_rescan_analyses_only_what_the_edit_reaches(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root, cache = _estate(tmp_path), tmp_path / "cache"
    (root / "app" / "other.py").write_text(
        "import os\nfrom flask import request\n\ndef run():\n    os.system(request.args['c'])\n"
    )
    analysed: list[str] = []
    real = engine._analyse

    def spy(program, fn, table, options):  # type: ignore[no-untyped-def]
        analysed.append(fn.qname)
        return real(program, fn, table, options)

    monkeypatch.setattr(engine, "_analyse", spy)
    first = _scan(root, cache)
    assert {"app.views.show", "app.db.find", "app.other.run"} <= set(analysed)
    analysed.clear()
    assert _scan(root, cache) == first
    assert analysed == []
    (root / "app" / "db.py").write_text(SAFE_DB)
    assert _scan(root, cache) == [("app/other.py", 5, (78,))]
    assert set(analysed) == {"app.db.find", "app.views.show"}


def test_changing_the_rules_does_not_reuse_results(tmp_path: Path) -> None:
    root, cache = _estate(tmp_path), tmp_path / "cache"
    (root / "app" / "audit.py").write_text(
        "import auditlib\nfrom flask import request\n\n"
        "def record():\n    auditlib.log(request.args['q'])\n"
    )
    assert _scan(root, cache) == [("app/db.py", 2, (89,))]
    rules = tmp_path / "extra.yaml"
    rules.write_text("sinks:\n  - {call: auditlib.log, cwe: 117, arg: 0}\n")
    settings = AnalyserSettings(
        root=str(root), options={"cache_dir": str(cache), "taint_rules": [str(rules)]}
    )
    targets = [Target(TargetKind.FILE, str(f), "test") for f in sorted(root.rglob("*.py"))]
    found = [i for i in TaintAnalyser(settings).analyse(targets) if isinstance(i, Finding)]
    assert sorted((f.location.path, f.location.start_line, f.cwe) for f in found) == [
        ("app/audit.py", 5, (117,)),
        ("app/db.py", 2, (89,)),
    ]


RUN = (
    "import os\nfrom flask import request\nfrom app import tools\n\n"
    "def go():\n    os.system(tools.prep(request.args['c']))\n"
)
TOOLS_SANITISING = (
    "import shlex\n\ndef other():\n    return 1\n\ndef prep(x):\n    return shlex.quote(x)\n"
)


def _helper_estate(tmp_path: Path) -> tuple[Path, Path]:
    """run.py calls tools.prep, which tools.py does not define yet (unresolved: tainted)."""
    root, cache = tmp_path / "src", tmp_path / "cache"
    (root / "app").mkdir(parents=True)
    (root / "app" / "run.py").write_text(RUN)
    (root / "app" / "tools.py").write_text("def other():\n    return 1\n")
    assert _scan(root, cache) == [("app/run.py", 6, (78,))]
    return root, cache


def test_a_new_function_elsewhere_is_seen_by_unchanged_callers(tmp_path: Path) -> None:
    root, cache = _helper_estate(tmp_path)
    (root / "app" / "tools.py").write_text(TOOLS_SANITISING)
    assert _scan(root, cache) == []
    (root / "app" / "tools.py").write_text(
        "import shlex\n\ndef other():\n    return 1\n\ndef prep(x):\n    return x\n"
    )
    assert _scan(root, cache) == [("app/run.py", 6, (78,))]


def test_a_rebinding_edit_without_the_earlier_facts_rebuilds_the_call_graph(
    tmp_path: Path,
) -> None:
    root, cache = _helper_estate(tmp_path)
    for entry in (cache / "taint").glob("??/*.pickle"):
        entry.unlink()  # facts evicted; the results file stays
    (root / "app" / "tools.py").write_text(TOOLS_SANITISING)
    assert _scan(root, cache) == []
