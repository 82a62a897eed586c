"""Flows through objects: object types, fields, and what a re-scan must analyse again."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from mamori.analysers.interface import AnalyserSettings
from mamori.analysers.taint import engine
from mamori.analysers.taint.analyser import TaintAnalyser
from mamori.analysers.taint.callgraph import Program
from mamori.analysers.taint.facts import read_module
from mamori.analysers.taint.rules import load_rules
from mamori.analysers.taint.summaries import FieldWrite, Summary, SummaryTable
from mamori.analysers.taint.values import Label
from mamori.model import Finding, Target, TargetKind

MODELS = """\
import logging

import httpx
from httpx import Client


class Base:
    def __init__(self, url):
        self.url = url
        self.conn = Client(base_url=url)
        self.log = logging.getLogger(url)
        self.cache = None


class Child(Base):
    def reset(self):
        self.cache = {}
        self.conn = httpx.Client()


CLIENT = httpx.Client()
TWICE = httpx.Client()
TWICE = httpx.AsyncClient()
"""


def _program(files: dict[str, str]) -> Program:
    program = Program(load_rules())
    for name, text in files.items():
        program.add(read_module(name, text), text)
    program.index()
    return program


def test_types_are_read_off_assignments() -> None:
    program = _program({"app/models.py": MODELS})
    objects, mod = program.objects, program.modules["app.models"]
    assert objects.field_type("app.models.Child", "conn") == "httpx.Client"
    assert objects.field_type("app.models.Child", "log") == ""  # no rule names its methods
    assert objects.field_type("app.models.Base", "url") == ""  # not from a call
    assert objects.field_type("app.models.Child", "cache") == ""  # a dict call is no type
    call = objects.global_call(mod, "CLIENT")
    assert call is not None and objects.call_type(mod, call) == "httpx.Client"
    assert objects.global_call(mod, "TWICE") is None  # assigned twice


def test_a_field_is_named_after_the_root_of_its_hierarchy() -> None:
    program = _program({"app/models.py": MODELS})
    assert program.objects.field_name("app.models.Child", "url") == "app.models.Base#url"
    assert program.objects.readers("app.models.Base#url") == ["app.models.Base.__init__"]
    assert program.objects.readers("app.models.Base#cache") == [
        "app.models.Base.__init__",
        "app.models.Child.reset",
    ]


def test_a_field_write_stores_a_label_or_a_type() -> None:
    with pytest.raises(ValueError, match="a label or a type"):
        FieldWrite("m.C#x", None)
    with pytest.raises(ValueError, match="a label or a type"):
        FieldWrite("m.C#x", Label(0, "x"), "m.D")


def test_readers_run_again_only_when_what_is_stored_changes() -> None:
    table = SummaryTable()
    assert table.read_field("m.C#url", "m.C.send") == frozenset()
    source = Label(-1, "request.args")
    writes = Summary(fields=(FieldWrite("m.C#url", source), FieldWrite("m.C#db", None, "m.Db")))
    assert table.update("m.view", writes, []) == ["m.C.send"]
    assert table.read_field("m.C#url", "m.C.send") == {source}
    assert table.field_kind("m.C#db") == "m.Db"
    assert table.update("m.view", writes, []) == []
    assert table.update("m.view", Summary(), []) == ["m.C.send"]
    assert table.read_field("m.C#url", "m.C.send") == frozenset()


NOTIFIER = """\
import requests


class Notifier:
    def __init__(self, url):
        self.url = url

    def send(self, body):
        return requests.post(self.url, data=body)
"""
VIEW = """\
from flask import request
from app.notifier import Notifier


def hook():
    return Notifier({arg}).send(b"ping")
"""


def _tree(root: Path, arg: str) -> None:
    (root / "app").mkdir(parents=True, exist_ok=True)
    (root / "app" / "notifier.py").write_text(NOTIFIER)
    (root / "app" / "view.py").write_text(VIEW.format(arg=arg))


def _scan(root: Path, cache: Path) -> list[tuple[str, int, tuple[int, ...]]]:
    settings = AnalyserSettings(root=str(root), options={"cache_dir": str(cache)})
    targets = [Target(TargetKind.FILE, str(f), "test") for f in sorted(root.rglob("*.py"))]
    found = [i for i in TaintAnalyser(settings).analyse(targets) if isinstance(i, Finding)]
    return [(f.location.path, f.location.start_line, f.cwe) for f in found]


@pytest.mark.parametrize(
    ("before", "after"),
    [("request.form['url']", "'https://fixed.example'"), ("'https://x'", "request.args['u']")],
)
def test_a_rescan_sees_what_an_edit_elsewhere_stores_in_a_field(
    tmp_path: Path, before: str, after: str, caplog: pytest.LogCaptureFixture
) -> None:
    root, cache = tmp_path / "src", tmp_path / "cache"
    _tree(root, before)
    cold = _scan(root, cache)
    _tree(root, after)
    with caplog.at_level(logging.DEBUG, logger="mamori.analysers.taint"):
        rescan = _scan(root, cache)
    assert "unreadable results cache" not in caplog.text  # field writes are cached
    _tree(tmp_path / "fresh", after)
    assert rescan == _scan(tmp_path / "fresh", tmp_path / "cache2")
    flagged = [("app/notifier.py", 9, (918,))]
    assert (cold, rescan) == ((flagged, []) if "request" in before else ([], flagged))


def test_a_call_resolved_through_a_type_is_analysed_even_when_pruned(tmp_path: Path) -> None:
    program = _program(
        {
            "app/repo.py": (
                "class Repo:\n"
                "    def __init__(self, db):\n        self.db = db\n"
                "    def find(self, key):\n"
                "        return self.db.execute('SELECT ' + key)\n"
            ),
            "app/view.py": (
                "import sqlite3\nfrom flask import request\nfrom app.repo import Repo\n\n"
                "def make():\n    return Repo(sqlite3.connect('x'))\n\n"
                "def show():\n    repo = make()\n    return repo.find(request.args['k'])\n"
            ),
        }
    )
    flows = [(f.sink.path, f.sink.start_line) for f in engine.solve(program)[0]]
    assert flows == [("app/repo.py", 5)]
    assert [(f.sink.path, f.sink.start_line) for f in engine.solve(program, prune=False)[0]] == (
        flows
    )
