"""What one module contributes to the program, read from that module alone.

:func:`extract` parses a module once and keeps only what the call graph, the pruning and the
non-flow checks need: imports, top-level definitions and constants, classes (bases as
written), functions (parameters, nested functions, decorators, the identifiers they mention)
and the checks' hits. Facts depend on nothing but the module's text and display path, so they
can be cached by content hash (:mod:`.cache`); the syntax tree itself is parsed again only for
the modules whose functions the fixpoint actually analyses. The syntax-tree walks it reads a
module with (:func:`dotted_or_unknown` and :func:`statements`, re-exported here) are in
:mod:`._syntax`.
"""

from __future__ import annotations

import ast
import hashlib
import warnings
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from mamori.analysers._gc import paused_gc
from mamori.analysers.taint._syntax import Names, dotted_or_unknown, identifiers, statements
from mamori.analysers.taint.checks import Hit, run_checks

__all__ = [
    "FACTS_VERSION",
    "ClassFacts",
    "FunctionFacts",
    "ModuleFacts",
    "dotted_or_unknown",
    "extract",
    "module_name",
    "parse",
    "read_module",
    "statements",
]

FuncNode = ast.FunctionDef | ast.AsyncFunctionDef
FACTS_VERSION = "7"
"""Bump when what :func:`extract` records changes (cached facts of other versions are unused)."""


@dataclass(frozen=True, slots=True)
class FunctionFacts:
    """One function or method as written."""

    qname: str
    """Qualified name (``pkg.mod.Class.method``; ``pkg.mod.outer.inner`` when nested)."""
    cls: str
    """Qualified name of the class it is a method of, if any."""
    params: tuple[str, ...]
    """Positional-or-keyword parameter names, ``self`` included."""
    nested: dict[str, str]
    """Functions defined anywhere inside it, by local name -> qualified name."""
    idents: str
    """Names, attributes and parameter names in it, nested functions included (space-separated:
    one string loads from the cache much faster than a set of them)."""
    calls: str
    """What its calls call, as written (:func:`dotted_or_unknown`), nested functions included
    (space-separated)."""
    lineno: int
    """Line of its ``def`` (finds the node again in a fresh parse)."""
    col: int
    """Column of its ``def``."""
    decorators: tuple[tuple[str, str | None], ...] = ()
    """Call decorators: the called name as written (:func:`dotted_or_unknown`) and their first
    argument when it is a string (a route's path)."""
    annotations: tuple[tuple[str, str], ...] = ()
    """Parameter annotations as source text (only kept for decorated functions)."""
    inner: bool = False
    """Whether it is defined inside another function (the first definition of a name wins)."""

    def __reduce__(self) -> tuple[type[FunctionFacts], tuple[object, ...]]:
        """Pickle as a plain constructor call (much faster than slots dataclass state)."""
        return FunctionFacts, tuple(getattr(self, f) for f in self.__slots__)


@dataclass(frozen=True, slots=True)
class ClassFacts:
    """One class as written."""

    qname: str
    """Qualified name."""
    bases: tuple[str, ...]
    """Base class expressions as written (:func:`dotted_or_unknown`)."""
    methods: dict[str, str]
    """Method name -> qualified function name."""

    def __reduce__(self) -> tuple[type[ClassFacts], tuple[object, ...]]:
        """Pickle as a plain constructor call."""
        return ClassFacts, (self.qname, self.bases, self.methods)


@dataclass(slots=True)
class ModuleFacts:
    """Everything the program needs from one module."""

    name: str
    """Qualified module name."""
    path: str
    """Display path."""
    is_package: bool
    """Whether it is a package ``__init__``."""
    imports: dict[str, str] = field(default_factory=dict)
    """Local name -> qualified name it was imported as."""
    module_aliases: set[str] = field(default_factory=set)
    """Local names bound by ``import x`` (modules, not objects)."""
    defs: dict[str, str] = field(default_factory=dict)
    """Top-level function and class names -> qualified names."""
    consts: dict[str, object] = field(default_factory=dict)
    """Top-level names assigned a constant exactly once."""
    top_idents: str = ""
    """Names, attributes and parameter names outside every function body (top-level code,
    class bodies, decorators), space-separated."""
    top_calls: str = ""
    """What calls outside every function body call, as written (:func:`dotted_or_unknown`),
    space-separated."""
    functions: list[FunctionFacts] = field(default_factory=list)
    """Its functions and methods, nested ones included, in source order."""
    classes: list[ClassFacts] = field(default_factory=list)
    """Its classes, nested ones included."""
    hits: list[Hit] = field(default_factory=list)
    """Findings of the non-flow checks."""
    interface: str = ""
    """Digest of what other modules' name resolution can see of it: its name, definitions,
    imports, classes and function names (an edit that keeps it leaves others' call edges)."""
    bindings: frozenset[tuple[str, str]] = frozenset()
    """Its interface as (short name, what it is bound to) pairs: after an edit, a call elsewhere
    can only resolve differently if it mentions a name whose binding was added or removed."""


def module_name(display: str) -> tuple[str, bool]:
    """Module name for a display path, and whether it is a package ``__init__``."""
    parts = [p for p in PurePosixPath(display.lstrip("/")).with_suffix("").parts if p != "."]
    if parts and parts[-1] == "__init__":
        return ".".join(parts[:-1]) or "__init__", True
    return ".".join(parts), False


def read_module(display: str, text: str) -> ModuleFacts:
    """Parse and extract one module given its display path and text (SyntaxError etc. raise)."""
    name, is_package = module_name(display)
    return extract(name, display, is_package, parse(text, display))


def parse(text: str, path: str) -> ast.Module:
    """Parse module text (SyntaxError and friends propagate); warnings are silenced; the
    garbage collector is paused (a syntax tree has no reference cycles)."""
    with paused_gc(), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return ast.parse(text, filename=path)


def extract(name: str, path: str, is_package: bool, tree: ast.Module) -> ModuleFacts:
    """The facts of one parsed module."""
    facts = ModuleFacts(name, path, is_package)
    _collect_imports(facts, tree)
    _collect_consts(facts, tree)
    facts.defs.update(
        (n.name, f"{name}.{n.name}")
        for n in tree.body
        if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)
    )
    top, by_function = identifiers(tree)
    facts.top_idents = " ".join(sorted(top[0]))
    facts.top_calls = " ".join(sorted(top[1]))
    idents = frozenset(top[0]).union(*(names for names, _ in by_function.values()))
    _collect_body(facts, tree.body, name, "", by_function)
    facts.hits = run_checks(tree, lambda node: local_name(facts, node), idents)
    facts.interface = _interface(facts)
    facts.bindings = frozenset(
        {(k, f"def {v}") for k, v in facts.defs.items()}
        | {(k, f"import {v} {k in facts.module_aliases}") for k, v in facts.imports.items()}
        | {
            (c.qname.rpartition(".")[2], f"class {c.qname} {c.bases} {sorted(c.methods.items())}")
            for c in facts.classes
        }
        | {(m, f"method {q}") for c in facts.classes for m, q in c.methods.items()}
        | {(f.qname.rpartition(".")[2], f"function {f.qname} {f.inner}") for f in facts.functions}
    )
    return facts


def _interface(facts: ModuleFacts) -> str:
    seen = (
        facts.name,
        facts.is_package,
        sorted(facts.defs.items()),
        sorted(facts.imports.items()),
        sorted(facts.module_aliases),
        sorted((c.qname, c.bases, sorted(c.methods.items())) for c in facts.classes),
        sorted((f.qname, f.inner) for f in facts.functions),
    )
    return hashlib.sha256(repr(seen).encode()).hexdigest()


def local_name(facts: ModuleFacts, node: ast.expr) -> str:
    """Dotted name of an expression with its root resolved through the module's own names."""
    root, dot, rest = dotted_or_unknown(node).partition(".")
    root = facts.defs.get(root) or facts.imports.get(root) or root
    return root + dot + rest


# --- collection --------------------------------------------------------------------------


def _collect_body(
    facts: ModuleFacts,
    body: list[ast.stmt],
    prefix: str,
    cls: str,
    idents: dict[int, Names],
) -> None:
    for node in body:
        if isinstance(node, ast.ClassDef):
            qname = f"{prefix}.{node.name}"
            methods = {n.name: f"{qname}.{n.name}" for n in node.body if isinstance(n, FuncNode)}
            bases = tuple(dotted_or_unknown(b) for b in node.bases)
            facts.classes.append(ClassFacts(qname, bases, methods))
            _collect_body(facts, node.body, qname, qname, idents)
        elif isinstance(node, FuncNode):
            _add_function(facts, node, f"{prefix}.{node.name}", cls, idents)


def _add_function(
    facts: ModuleFacts, node: FuncNode, qname: str, cls: str, idents: dict[int, Names]
) -> None:
    inner = [n for n in statements(node.body) if isinstance(n, FuncNode)]
    nested = {n.name: f"{qname}.{n.name}" for n in inner}
    decorators = tuple(
        (dotted_or_unknown(d.func), _first_string(d))
        for d in node.decorator_list
        if isinstance(d, ast.Call)
    )
    annotations = _annotations(node) if decorators else ()
    facts.functions.append(
        FunctionFacts(
            qname,
            cls,
            _params(node),
            nested,
            " ".join(sorted(idents[id(node)][0])),
            " ".join(sorted(idents[id(node)][1])),
            node.lineno,
            node.col_offset,
            decorators,
            annotations,
        )
    )
    facts.functions.extend(
        FunctionFacts(
            nested[n.name],
            "",
            _params(n),
            {},
            " ".join(sorted(idents[id(n)][0])),
            " ".join(sorted(idents[id(n)][1])),
            n.lineno,
            n.col_offset,
            inner=True,
        )
        for n in inner
    )


def _first_string(deco: ast.Call) -> str | None:
    if deco.args and isinstance(deco.args[0], ast.Constant) and isinstance(deco.args[0].value, str):
        return deco.args[0].value
    return None


def _annotations(node: FuncNode) -> tuple[tuple[str, str], ...]:
    a = node.args
    return tuple(
        (p.arg, ast.unparse(p.annotation))
        for p in (*a.posonlyargs, *a.args, *a.kwonlyargs)
        if p.annotation is not None
    )


def _params(node: FuncNode) -> tuple[str, ...]:
    a = node.args
    return tuple(p.arg for p in (*a.posonlyargs, *a.args, *a.kwonlyargs))


def _collect_imports(facts: ModuleFacts, tree: ast.Module) -> None:
    package = facts.name if facts.is_package else facts.name.rpartition(".")[0]
    for node in statements(tree.body):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname:
                    facts.imports[alias.asname] = alias.name
                    facts.module_aliases.add(alias.asname)
                else:
                    root = alias.name.split(".")[0]
                    facts.imports[root] = root
                    facts.module_aliases.add(root)
        elif isinstance(node, ast.ImportFrom):
            base = _relative_base(package, node.level, node.module)
            for alias in node.names:
                if alias.name != "*":
                    facts.imports[alias.asname or alias.name] = f"{base}.{alias.name}".lstrip(".")


def _relative_base(package: str, level: int, module: str | None) -> str:
    if level == 0:
        return module or ""
    parts = package.split(".") if package else []
    keep = parts[: len(parts) - (level - 1)] if level > 1 else parts
    return ".".join([*keep, *([module] if module else [])])


def _collect_consts(facts: ModuleFacts, tree: ast.Module) -> None:
    counts: dict[str, int] = {}
    for node in tree.body:
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
                facts.consts[node.targets[0].id] = ast.literal_eval(node.value)
            except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
                continue
    for name, times in counts.items():
        if times > 1:
            facts.consts.pop(name, None)
