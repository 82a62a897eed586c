"""The program under analysis: modules, imports, classes and functions, and name resolution.

Module names come from paths relative to the scan root (``app/views.py`` -> ``app.views``,
``pkg/__init__.py`` -> ``pkg``); an import that names a module by a shorter dotted suffix
(``src/`` layouts) still resolves when the suffix is unique. ``import x as z``,
``from x import y`` and relative imports bind local names to qualified names; re-exports
through a package ``__init__`` are followed. Functions are keyed by qualified name
(``app.views.show``, ``app.db.Repo.find``); nested functions by ``outer.inner``.
"""

from __future__ import annotations

import ast
import builtins
import logging
import re
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from mamori.analysers.taint.rules import RulePack, name_matches

__all__ = ["ClassInfo", "FunctionInfo", "ModuleInfo", "Program", "module_name"]

log = logging.getLogger(__name__)

FuncNode = ast.FunctionDef | ast.AsyncFunctionDef
_BUILTINS = frozenset(dir(builtins))
_MAX_HOPS = 8


@dataclass(frozen=True, slots=True)
class FunctionInfo:
    """One function or method, or a module's top-level code (``node`` is the module)."""

    qname: str
    """Qualified name (``pkg.mod.Class.method``; ``pkg.mod.<module>`` for top-level code)."""
    module: str
    """Qualified name of the module it is defined in."""
    node: FuncNode | ast.Module
    """Its syntax tree."""
    cls: str = ""
    """Qualified name of the class it is a method of, if any."""
    params: tuple[str, ...] = ()
    """Positional-or-keyword parameter names, ``self`` included."""
    route: bool = False
    """Whether a web-framework route decorator marks its parameters as untrusted."""
    nested: dict[str, str] = field(default_factory=dict)
    """Functions defined directly inside it, by local name."""
    typed_params: frozenset[str] = frozenset()
    """Route parameters the framework converts to a number/UUID before the call (untainted):
    Flask/Werkzeug ``<int:x>``-style converters, or FastAPI ``{x}`` params annotated int/float/
    bool/UUID."""


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
    """One parsed module and its top-level names."""

    name: str
    """Qualified module name."""
    path: str
    """Display path."""
    tree: ast.Module
    """Its syntax tree."""
    is_package: bool = False
    """Whether it is a package ``__init__``."""
    imports: dict[str, str] = field(default_factory=dict)
    """Local name -> qualified name it was imported as."""
    module_aliases: set[str] = field(default_factory=set)
    """Local names bound by ``import x`` (modules, not objects)."""
    defs: dict[str, str] = field(default_factory=dict)
    """Top-level function and class names -> qualified names."""
    consts: dict[str, object] = field(default_factory=dict)
    """Top-level names assigned a constant exactly once."""


def module_name(display: str) -> tuple[str, bool]:
    """Module name for a display path, and whether it is a package ``__init__``."""
    parts = [p for p in PurePosixPath(display.lstrip("/")).with_suffix("").parts if p != "."]
    if parts and parts[-1] == "__init__":
        return ".".join(parts[:-1]) or "__init__", True
    return ".".join(parts), False


class Program:
    """Every parsed module of one scan, with resolution helpers."""

    def __init__(self, rules: RulePack) -> None:
        self.rules = rules
        self.modules: dict[str, ModuleInfo] = {}
        self.functions: dict[str, FunctionInfo] = {}
        self.classes: dict[str, ClassInfo] = {}
        self._module_cache: dict[str, ModuleInfo | None] = {}

    # --- building ------------------------------------------------------------------------

    def add_module(self, display: str, tree: ast.Module) -> ModuleInfo:
        """Register a parsed module."""
        name, is_package = module_name(display)
        info = ModuleInfo(name, display, tree, is_package)
        self.modules[name] = info
        return info

    def index(self) -> None:
        """Collect imports, constants, classes and functions of every registered module."""
        for mod in self.modules.values():
            _collect_imports(mod)
            _collect_consts(mod)
            mod.defs.update(
                (n.name, f"{mod.name}.{n.name}")
                for n in mod.tree.body
                if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)
            )
        for mod in self.modules.values():
            top = FunctionInfo(f"{mod.name}.<module>", mod.name, mod.tree)
            self.functions[top.qname] = top
            self._collect_body(mod, mod.tree.body, mod.name, "")

    def _collect_body(self, mod: ModuleInfo, body: list[ast.stmt], prefix: str, cls: str) -> None:
        for node in body:
            if isinstance(node, ast.ClassDef):
                qname = f"{prefix}.{node.name}"
                bases = tuple(self.expr_name(mod, b)[0] for b in node.bases)
                methods = {
                    n.name: f"{qname}.{n.name}"
                    for n in node.body
                    if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)
                }
                self.classes[qname] = ClassInfo(qname, bases, methods)
                self._collect_body(mod, node.body, qname, qname)
            elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                self._add_function(mod, node, f"{prefix}.{node.name}", cls)

    def _add_function(self, mod: ModuleInfo, node: FuncNode, qname: str, cls: str) -> None:
        inner_defs = [
            n
            for n in ast.walk(node)
            if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef) and n is not node
        ]
        nested = {n.name: f"{qname}.{n.name}" for n in inner_defs}
        a = node.args
        params = tuple(p.arg for p in (*a.posonlyargs, *a.args, *a.kwonlyargs))
        routes = [d for d in node.decorator_list if self._is_route(mod, d)]
        typed = _typed_route_params(routes, node) if routes else frozenset()
        self.functions[qname] = FunctionInfo(
            qname, mod.name, node, cls, params, bool(routes), nested, typed
        )
        for inner in inner_defs:
            self.functions.setdefault(
                nested[inner.name],
                FunctionInfo(nested[inner.name], mod.name, inner, "", _params(inner)),
            )

    def _is_route(self, mod: ModuleInfo, deco: ast.expr) -> bool:
        if not isinstance(deco, ast.Call):
            return False
        name, on_object = self.expr_name(mod, deco.func)
        return any(name_matches(p, name, on_object) for p in self.rules.route_decorators)

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
        root = node.id
        on_object = bool(parts) and root not in mod.module_aliases
        if root in mod.defs:
            root = mod.defs[root]
        elif root in mod.imports:
            root = mod.imports[root]
            on_object = on_object and self.find_module(root) is None
        return ".".join([root, *reversed(parts)]), on_object

    def find_module(self, name: str) -> ModuleInfo | None:
        """The project module called ``name`` (or uniquely ending in ``.name``)."""
        if name in self.modules:
            return self.modules[name]
        if name not in self._module_cache:
            hits = [m for n, m in self.modules.items() if n.endswith("." + name)]
            self._module_cache[name] = hits[0] if len(hits) == 1 else None
        return self._module_cache[name]

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

    @staticmethod
    def is_builtin(name: str) -> bool:
        """Whether ``name`` is a Python builtin."""
        return name in _BUILTINS


def _params(node: FuncNode) -> tuple[str, ...]:
    a = node.args
    return tuple(p.arg for p in (*a.posonlyargs, *a.args, *a.kwonlyargs))


def _collect_imports(mod: ModuleInfo) -> None:
    package = mod.name if mod.is_package else mod.name.rpartition(".")[0]
    for node in ast.walk(mod.tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname:
                    mod.imports[alias.asname] = alias.name
                    mod.module_aliases.add(alias.asname)
                else:
                    root = alias.name.split(".")[0]
                    mod.imports[root] = root
                    mod.module_aliases.add(root)
        elif isinstance(node, ast.ImportFrom):
            base = _relative_base(package, node.level, node.module)
            for alias in node.names:
                if alias.name != "*":
                    mod.imports[alias.asname or alias.name] = f"{base}.{alias.name}".lstrip(".")


def _relative_base(package: str, level: int, module: str | None) -> str:
    if level == 0:
        return module or ""
    parts = package.split(".") if package else []
    keep = parts[: len(parts) - (level - 1)] if level > 1 else parts
    return ".".join([*keep, *([module] if module else [])])


def _collect_consts(mod: ModuleInfo) -> None:
    counts: dict[str, int] = {}
    for node in mod.tree.body:
        targets = node.targets if isinstance(node, ast.Assign) else []
        if isinstance(node, ast.AnnAssign | ast.AugAssign):
            targets = [node.target]
        for t in targets:
            for n in ast.walk(t):
                if isinstance(n, ast.Name):
                    counts[n.id] = counts.get(n.id, 0) + 1
        if (
            isinstance(node, ast.Assign)
            and len(node.targets) == 1
            and isinstance(node.targets[0], ast.Name)
        ):
            try:
                mod.consts[node.targets[0].id] = ast.literal_eval(node.value)
            except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
                continue
    for name, times in counts.items():
        if times > 1:
            mod.consts.pop(name, None)


_CONVERTER = re.compile(r"<(?:int|float|uuid):(\w+)>")
_SAFE_ANNOTATIONS = frozenset({"int", "float", "bool", "UUID", "uuid.UUID", "date", "datetime"})


def _typed_route_params(routes: list[ast.expr], node: FuncNode) -> frozenset[str]:
    paths = [
        d.args[0].value
        for d in routes
        if isinstance(d, ast.Call)
        and d.args
        and isinstance(d.args[0], ast.Constant)
        and isinstance(d.args[0].value, str)
    ]
    typed = {name for p in paths for name in _CONVERTER.findall(p)}
    if paths and not any("<" in p for p in paths):  # FastAPI-style: annotations are enforced
        for a in (*node.args.posonlyargs, *node.args.args, *node.args.kwonlyargs):
            if a.annotation is not None and ast.unparse(a.annotation) in _SAFE_ANNOTATIONS:
                typed.add(a.arg)
    return frozenset(typed)
