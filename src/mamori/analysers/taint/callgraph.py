"""The program under analysis: modules, imports, classes and functions, and name resolution.

Module names come from paths relative to the scan root (``app/views.py`` -> ``app.views``,
``pkg/__init__.py`` -> ``pkg``); an import that names a module by a shorter dotted suffix
(``src/`` layouts) still resolves when the suffix is unique. ``import x as z``,
``from x import y`` and relative imports bind local names to qualified names; re-exports
through a package ``__init__`` are followed. Functions are keyed by qualified name
(``app.views.show``, ``app.db.Repo.find``); nested functions by ``outer.inner``.

The program is built from each module's :class:`~.facts.ModuleFacts`; syntax trees are parsed
again only when a function of the module is analysed (:meth:`Program.node`).
"""

from __future__ import annotations

import ast
import builtins
import logging
import re
from dataclasses import dataclass, field
from functools import cached_property
from typing import Literal

from mamori.analysers.taint.facts import (
    FunctionFacts,
    ModuleFacts,
    module_name,
    parse,
    statements,
)
from mamori.analysers.taint.objects import ObjectTypes
from mamori.analysers.taint.rules import CallRule, RulePack, Sink, name_matches

__all__ = ["ClassInfo", "FunctionInfo", "ModuleInfo", "Program", "module_name"]

log = logging.getLogger(__name__)

FuncNode = ast.FunctionDef | ast.AsyncFunctionDef
_BUILTINS = frozenset(dir(builtins))
_MAX_HOPS = 8
CallKind = Literal["sanitisers", "tags", "propagators"]


@dataclass(slots=True, eq=False)
class FunctionInfo:
    """One function or method, or a module's top-level code."""

    qname: str
    """Qualified name (``pkg.mod.Class.method``; ``pkg.mod.<module>`` for top-level code)."""
    module: str
    """Qualified name of the module it is defined in."""
    position: tuple[int, int] | None = None
    """Line and column of its ``def``; None for a module's top-level code."""
    cls: str = ""
    """Qualified name of the class it is a method of, if any."""
    params: tuple[str, ...] = ()
    """Positional-or-keyword parameter names, ``self`` included."""
    route: bool = False
    """Whether a web-framework route decorator marks its parameters as untrusted."""
    nested: dict[str, str] = field(default_factory=dict)
    """Functions defined inside it, by local name."""
    typed_params: frozenset[str] = frozenset()
    """Route parameters the framework converts to a number/UUID before the call (untainted):
    Flask/Werkzeug ``<int:x>``-style converters, or FastAPI ``{x}`` params annotated int/float/
    bool/UUID."""
    idents_text: str = ""
    """Names, attributes and parameter names in it, nested functions included, space-separated
    (see :attr:`idents`)."""
    calls_text: str = ""
    """What its calls call, as written (:func:`.facts.dotted_or_unknown`), space-separated."""

    @property
    def idents(self) -> frozenset[str]:
        """Names, attributes and parameter names in it: a superset of what it can read, for
        pruning (:mod:`.demand`)."""
        return frozenset(self.idents_text.split())

    @property
    def calls(self) -> frozenset[str]:
        """What its calls call, as written."""
        return frozenset(self.calls_text.split())

    @property
    def is_module(self) -> bool:
        """Whether this is a module's top-level code."""
        return self.position is None


@dataclass(frozen=True, slots=True)
class ClassInfo:
    """One class: its bases and methods."""

    qname: str
    """Qualified name."""
    bases: tuple[str, ...]
    """Qualified names of its bases (as written, resolved through imports)."""
    methods: dict[str, str]
    """Method name -> qualified function name."""


@dataclass(slots=True)
class ModuleInfo:
    """One module: its facts, and its text for parsing it again when needed."""

    facts: ModuleFacts
    """What it defines and imports."""
    text: str
    """Its source text."""
    digest: str = ""
    """Digest of its bytes (what incremental re-analysis compares)."""

    @property
    def name(self) -> str:
        """Qualified module name."""
        return self.facts.name

    @property
    def path(self) -> str:
        """Display path."""
        return self.facts.path

    @property
    def imports(self) -> dict[str, str]:
        """Local name -> qualified name it was imported as."""
        return self.facts.imports

    @property
    def module_aliases(self) -> set[str]:
        """Local names bound by ``import x``."""
        return self.facts.module_aliases

    @property
    def defs(self) -> dict[str, str]:
        """Top-level function and class names -> qualified names."""
        return self.facts.defs

    @property
    def consts(self) -> dict[str, object]:
        """Top-level names assigned a constant exactly once."""
        return self.facts.consts


class Program:
    """Every module of one scan, with resolution helpers."""

    def __init__(self, rules: RulePack) -> None:
        self.rules = rules
        self.modules: dict[str, ModuleInfo] = {}
        self.functions: dict[str, FunctionInfo] = {}
        self.classes: dict[str, ClassInfo] = {}
        self._suffixes: dict[str, list[ModuleInfo]] | None = None
        self._nodes: dict[str, dict[tuple[int, int], FuncNode]] = {}
        self._trees: dict[str, ast.Module] = {}
        self._matching: dict[tuple[str, str, bool, str], tuple[Sink | CallRule, ...]] = {}

    @cached_property
    def objects(self) -> ObjectTypes:
        """Types of names and fields read off assignments (built once :meth:`index` ran)."""
        return ObjectTypes(self)

    # --- building ------------------------------------------------------------------------

    def add(
        self, facts: ModuleFacts, text: str, tree: ast.Module | None = None, digest: str = ""
    ) -> ModuleInfo:
        """Register a module's facts and text (and its tree, when it is already parsed)."""
        info = ModuleInfo(facts, text, digest)
        self.modules[facts.name] = info
        self._suffixes = None
        if tree is not None:
            self._trees[facts.name] = tree
        return info

    def index(self) -> None:
        """Resolve every registered module's classes and functions against the others."""
        self.__dict__.pop("objects", None)  # types read off the previous index
        for mod in self.modules.values():
            top = FunctionInfo(
                f"{mod.name}.<module>",
                mod.name,
                idents_text=mod.facts.top_idents,
                calls_text=mod.facts.top_calls,
            )
            self.functions[top.qname] = top
            for c in mod.facts.classes:
                bases = tuple(self.text_name(mod, b)[0] for b in c.bases)
                self.classes[c.qname] = ClassInfo(c.qname, bases, c.methods)
            for f in mod.facts.functions:
                if f.inner:
                    self.functions.setdefault(f.qname, self._function(mod, f))
                else:
                    self.functions[f.qname] = self._function(mod, f)

    def _function(self, mod: ModuleInfo, f: FunctionFacts) -> FunctionInfo:
        routes = [path for deco, path in f.decorators if self._is_route(mod, deco)]
        typed = _typed_route_params(routes, f.annotations) if routes else frozenset()
        return FunctionInfo(
            f.qname,
            mod.name,
            (f.lineno, f.col),
            f.cls,
            f.params,
            bool(routes),
            f.nested,
            typed,
            f.idents,
            f.calls,
        )

    def _is_route(self, mod: ModuleInfo, deco: str) -> bool:
        name, on_object = self.text_name(mod, deco)
        return any(name_matches(p, name, on_object) for p in self.rules.route_decorators)

    # --- syntax trees ----------------------------------------------------------------------

    def tree(self, module: str) -> ast.Module:
        """The syntax tree of a module (parsed again from its text on first use)."""
        tree = self._trees.get(module)
        if tree is None:
            mod = self.modules[module]
            tree = self._trees[module] = parse(mod.text, mod.path)
        return tree

    def node(self, fn: FunctionInfo) -> FuncNode | ast.Module:
        """The syntax tree of a function (its module's, for top-level code)."""
        tree = self.tree(fn.module)
        if fn.position is None:
            return tree
        nodes = self._nodes.get(fn.module)
        if nodes is None:
            nodes = self._nodes[fn.module] = {
                (n.lineno, n.col_offset): n
                for n in statements(tree.body)
                if isinstance(n, FuncNode)
            }
        return nodes[fn.position]

    # --- resolution ------------------------------------------------------------------------

    def expr_name(self, mod: ModuleInfo, node: ast.expr) -> tuple[str, bool]:
        """Dotted qualified name of a ``a.b.c`` expression and whether its root is an object.

        Roots bound by ``import`` are modules; ``from`` imports, definitions and local variables
        are objects. Anything that is not a plain dotted name gets a ``?`` root.
        """
        parts: list[str] = []
        while isinstance(node, ast.Attribute):
            parts.append(node.attr)
            node = node.value
        if not isinstance(node, ast.Name):
            return ".".join(["?", *reversed(parts)]), True
        return self._resolve(mod, node.id, parts[::-1])

    def text_name(self, mod: ModuleInfo, text: str) -> tuple[str, bool]:
        """:meth:`expr_name` of an expression given as text (:func:`.facts.dotted_or_unknown`)."""
        root, *parts = text.split(".")
        if root == "?":
            return text, True
        return self._resolve(mod, root, parts)

    def _resolve(self, mod: ModuleInfo, root: str, parts: list[str]) -> tuple[str, bool]:
        on_object = bool(parts) and root not in mod.module_aliases
        if root in mod.defs:
            root = mod.defs[root]
        elif root in mod.imports:
            root = mod.imports[root]
            on_object = on_object and self.find_module(root) is None
        return ".".join([root, *parts]), on_object

    def find_module(self, name: str) -> ModuleInfo | None:
        """The project module called ``name`` (or uniquely ending in ``.name``)."""
        if name in self.modules:
            return self.modules[name]
        if self._suffixes is None:
            self._suffixes = {}
            for full, mod in self.modules.items():
                parts = full.split(".")
                for cut in range(1, len(parts)):
                    self._suffixes.setdefault(".".join(parts[cut:]), []).append(mod)
        hits = self._suffixes.get(name, ())
        return hits[0] if len(hits) == 1 else None

    def canonical(self, qname: str) -> str:
        """Follow re-exports so ``pkg.helper`` becomes ``pkg.impl.helper`` when it was imported."""
        for _ in range(_MAX_HOPS):
            parts = qname.split(".")
            for cut in range(len(parts) - 1, 0, -1):
                mod = self.find_module(".".join(parts[:cut]))
                if mod is None:
                    continue
                head, rest = parts[cut], parts[cut + 1 :]
                if head in mod.defs:
                    return ".".join([mod.defs[head], *rest])
                if head in mod.imports:
                    qname = ".".join([mod.imports[head], *rest])
                    break
                sub = self.find_module(f"{mod.name}.{head}")
                if sub is not None:
                    qname = ".".join([sub.name, *rest])
                    break
                return qname
            else:
                return qname
        return qname

    def function(self, qname: str) -> FunctionInfo | None:
        """The project function with this (possibly re-exported) name."""
        return self.functions.get(qname) or self.functions.get(self.canonical(qname))

    def klass(self, qname: str) -> ClassInfo | None:
        """The project class with this (possibly re-exported) name."""
        return self.classes.get(qname) or self.classes.get(self.canonical(qname))

    def method(self, cls: str, name: str) -> FunctionInfo | None:
        """Method ``name`` of class ``cls`` or its nearest project base class."""
        seen: set[str] = set()
        todo = [cls]
        while todo:
            info = self.klass(todo.pop(0))
            if info is None or info.qname in seen:
                continue
            seen.add(info.qname)
            if name in info.methods:
                return self.functions.get(info.methods[name])
            todo.extend(info.bases)
        return None

    def sinks_for(self, name: str, on_object: bool, typed: str = "") -> tuple[Sink, ...]:
        """The sink rules that name a call (see :meth:`calls_for`)."""
        key = ("sinks", name, on_object, typed)
        found = self._matching.get(key)
        if found is None:
            found = self._matching[key] = _matching(self.rules.sinks, name, on_object, typed)
        return found  # type: ignore[return-value]  # keyed by kind

    def calls_for(
        self, kind: CallKind, name: str, on_object: bool, typed: str = ""
    ) -> tuple[CallRule, ...]:
        """The rules of ``kind`` that name a call: by its resolved ``name``, or exactly by
        ``typed``, its name as a method of its receiver's type (``subprocess.*`` is about the
        module's functions, not about ``Popen`` methods)."""
        key = (kind, name, on_object, typed)
        found = self._matching.get(key)
        if found is None:
            rules: tuple[CallRule, ...] = getattr(self.rules, kind)
            found = self._matching[key] = _matching(rules, name, on_object, typed)
        return found  # type: ignore[return-value]  # keyed by kind

    @staticmethod
    def is_builtin(name: str) -> bool:
        """Whether ``name`` is a Python builtin."""
        return name in _BUILTINS


def _matching(
    rules: tuple[Sink, ...] | tuple[CallRule, ...], name: str, on_object: bool, typed: str
) -> tuple[Sink | CallRule, ...]:
    return tuple(r for r in rules if name_matches(r.call, name, on_object) or r.call == typed)


_CONVERTER = re.compile(r"<(?:int|float|uuid):(\w+)>")
_SAFE_ANNOTATIONS = frozenset({"int", "float", "bool", "UUID", "uuid.UUID", "date", "datetime"})


def _typed_route_params(
    paths: list[str | None], annotations: tuple[tuple[str, str], ...]
) -> frozenset[str]:
    """Route parameters the framework has already converted to a safe type."""
    given = [p for p in paths if p is not None]
    typed = {name for p in given for name in _CONVERTER.findall(p)}
    if given and not any("<" in p for p in given):  # FastAPI-style: annotations are enforced
        typed.update(param for param, text in annotations if text in _SAFE_ANNOTATIONS)
    return frozenset(typed)
