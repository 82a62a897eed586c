"""What the engine knows of objects besides their taint: their types and their fields.

The type of an object (:attr:`.values.Value.cls`) is a project class's qualified name or, for
what a library call returns, the library callable's qualified name (``httpx.AsyncClient``) when
a rule names one of its methods (``httpx.AsyncClient.get``). The interpreter carries types with
values; where no value is at hand, a type is read off how a name is assigned:

* a module-level name assigned once, from a call (``directory = CustomerDirectory()``), when
  read in the same module (the call is evaluated for its type and tags, not its taint);
* ``self.attr`` assigned from a call in a method of the class or of its project bases
  (``self.conn = Connection(...)``), when every such assignment agrees (``None`` aside).

A field is named after the root of its class's project hierarchy (``pkg.mod.Base#attr``), so
what a subclass's ``__init__`` stores is what a base class's method reads.
"""

from __future__ import annotations

import ast
import re
from functools import cached_property
from typing import TYPE_CHECKING

from mamori.analysers.taint.facts import dotted_or_unknown, statements

if TYPE_CHECKING:
    from mamori.analysers.taint.callgraph import ClassInfo, ModuleInfo, Program

__all__ = ["ObjectTypes"]

_MAX_DEPTH = 16
"""Longest chain of project base classes followed."""
_GLOB = re.compile(r"[*?\[]")


class ObjectTypes:
    """Types of names and fields read off assignments, and field names (cached per program)."""

    def __init__(self, program: Program) -> None:
        self._program = program
        self._globals: dict[str, dict[str, ast.Call]] = {}
        self._fields: dict[str, dict[str, str]] = {}
        self._roots: dict[str, str] = {}
        self._methods: dict[str, list[str]] | None = None
        self._readers: dict[str, list[str]] = {}

    def call_type(self, mod: ModuleInfo, call: ast.Call) -> str:
        """Type of what ``call`` returns, when known without analysing it: a project class
        constructed, or a library callable called by an imported name."""
        text = dotted_or_unknown(call.func)
        name = self._program.text_name(mod, text)[0]
        klass = self._program.klass(name)
        if klass is not None:
            return klass.qname
        return self.library_name(mod, text, name)

    def library_name(self, mod: ModuleInfo, text: str, name: str) -> str:
        """``name`` when it is a library type some rule names a method of (``httpx.Client``
        for ``httpx.Client.get``) and the dotted ``text`` it resolves from is rooted at an
        imported name; else ``""`` (other library types would only cost time)."""
        if name not in self._ruled or text.partition(".")[0] not in mod.imports:
            return ""
        if self._program.function(name) or self._program.klass(name):
            return ""
        return name

    @cached_property
    def _ruled(self) -> frozenset[str]:
        """Library types whose methods rules name exactly."""
        rules = self._program.rules
        calls = (
            r.call
            for group in (rules.sinks, rules.sanitisers, rules.propagators, rules.tags)
            for r in group
        )
        return frozenset(c.rpartition(".")[0] for c in calls if not _GLOB.search(c))

    def global_call(self, mod: ModuleInfo, name: str) -> ast.Call | None:
        """The call module-level ``name`` of ``mod`` is assigned from, when it is assigned
        once (its value's type and tags are the call's: :meth:`.expressions.ExprEvaluator`)."""
        known = self._globals.get(mod.name)
        if known is None:
            known = self._globals[mod.name] = self._module_calls(mod)
        return known.get(name)

    def _module_calls(self, mod: ModuleInfo) -> dict[str, ast.Call]:
        counts: dict[str, int] = {}
        calls: dict[str, ast.Call] = {}
        for node in _top_level(self._program.tree(mod.name).body):
            targets = _targets(node)
            for target in targets:
                for n in ast.walk(target):
                    if isinstance(n, ast.Name):
                        counts[n.id] = counts.get(n.id, 0) + 1
            value = getattr(node, "value", None)
            if isinstance(value, ast.Call) and len(targets) == 1:
                if isinstance(targets[0], ast.Name):
                    calls[targets[0].id] = value
        return {n: c for n, c in calls.items() if counts.get(n) == 1}

    def field_type(self, cls: str, attr: str) -> str:
        """Type of ``self.<attr>`` in methods of project class ``cls``."""
        known = self._fields.get(cls)
        if known is None:
            known = self._fields[cls] = self._class_fields(cls)
        return known.get(attr, "")

    def _class_fields(self, cls: str) -> dict[str, str]:
        program = self._program
        seen: dict[str, set[str]] = {}
        for info in self._hierarchy(cls):
            for qname in info.methods.values():
                fn = program.functions.get(qname)
                if fn is None or not fn.params:
                    continue
                mod = program.modules[fn.module]
                node = program.node(fn)
                assert not isinstance(node, ast.Module)  # noqa: S101 - methods have a def
                for stmt in statements(node.body):
                    for attr, value in _self_stores(stmt, fn.params[0]):
                        kind = self.call_type(mod, value) if isinstance(value, ast.Call) else ""
                        seen.setdefault(attr, set()).add(kind)
        return {a: next(iter(k)) for a, k in seen.items() if len(k) == 1 and "" not in k}

    def field_name(self, cls: str, attr: str) -> str:
        """The field ``attr`` of instances of project class ``cls`` (see the module docs)."""
        return f"{self.root(cls)}#{attr}"

    def root(self, cls: str) -> str:
        """The topmost project class above ``cls`` along first bases."""
        root = self._roots.get(cls)
        if root is None:
            root = self._roots[cls] = self._hierarchy(cls)[-1].qname
        return root

    def _hierarchy(self, cls: str) -> list[ClassInfo]:
        out: list[ClassInfo] = []
        info = self._program.klass(cls)
        while info is not None and info not in out and len(out) < _MAX_DEPTH:
            out.append(info)
            info = self._program.klass(info.bases[0]) if info.bases else None
        return out

    def readers(self, field: str) -> list[str]:
        """Methods that may read ``field``: those of a class whose instances have it that
        mention its attribute name."""
        if self._methods is None:
            self._methods = {}
            for cls, info in self._program.classes.items():
                self._methods.setdefault(self.root(cls), []).extend(info.methods.values())
        found = self._readers.get(field)
        if found is None:
            root, _, attr = field.partition("#")
            functions = self._program.functions
            word = f" {attr} "
            found = self._readers[field] = [
                q
                for q in self._methods.get(root, ())
                if q in functions and word in f" {functions[q].idents_text} "
            ]
        return found


_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)


def _top_level(body: list[ast.stmt]) -> list[ast.stmt]:
    """Statements of module scope: nested blocks included, function and class bodies not."""
    out: list[ast.stmt] = []
    for stmt in body:
        if isinstance(stmt, _SCOPES):
            continue
        out.append(stmt)
        for name in ("body", "orelse", "finalbody"):
            out.extend(_top_level(getattr(stmt, name, None) or []))
        for handler in getattr(stmt, "handlers", None) or []:
            out.extend(_top_level(handler.body))
    return out


def _targets(node: ast.stmt) -> list[ast.expr]:
    if isinstance(node, ast.Assign):
        return node.targets
    if isinstance(node, ast.AnnAssign | ast.AugAssign | ast.For | ast.AsyncFor):
        return [node.target]
    return []


def _self_stores(stmt: ast.stmt, me: str) -> list[tuple[str, ast.expr]]:
    """``(attr, value)`` for each ``<me>.attr = value`` in ``stmt`` (``None`` values left out)."""
    value = getattr(stmt, "value", None)
    if value is None or (isinstance(value, ast.Constant) and value.value is None):
        return []
    return [
        (t.attr, value)
        for t in _targets(stmt)
        if isinstance(t, ast.Attribute) and isinstance(t.value, ast.Name) and t.value.id == me
    ]
