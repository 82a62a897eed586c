"""Which functions the fixpoint must analyse at all (demand-driven analysis).

A flow needs untrusted data, and untrusted data only enters at a source: a source expression
(``request``, ``sys.argv``, ``input`` ... as the rule pack names them) or a route handler's
parameters. Summaries carry taint to a caller only through return values. So :func:`.solve`
starts from the functions that may read a source, analyses them and everything they may call,
then adds the callers of every function whose summary returns source data, and repeats until
no function is added. Every other function has only parameter labels in it, so it can neither
report a flow nor change a summary that an analysed function uses.

The call graph here over-approximates what :mod:`.calls` can resolve, from names alone: a
function may call every project function (module-level or nested) whose name it mentions or
imports under an alias, and each method it names (plus ``__init__``) of a class it names, of
its own class, and of their project base classes. Source detection is as coarse: a route
handler, a request-named parameter, or a mention of the last part of a source's, request
object's or request annotation's name in a module that imports it (or a module above it), or
of a local alias of one. Over-approximating only costs time; the findings are the same as
analysing everything (``tests/analysers/taint/test_demand.py``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from mamori.analysers.taint.callgraph import ModuleInfo, Program

__all__ = ["Demand"]


class Demand:
    """The over-approximate call graph and the source functions, for growing the analysed set."""

    def __init__(self, program: Program, options: frozenset[str]) -> None:
        self.calls = _call_graph(program)
        self.callers: dict[str, set[str]] = defaultdict(set)
        for caller, callees in self.calls.items():
            for callee in callees:
                self.callers[callee].add(caller)
        markers = _source_markers(program, options)
        request_params = program.rules.request_params
        self.seeds = {
            q
            for q, fn in program.functions.items()
            if fn.route
            or not request_params.isdisjoint(fn.params)
            or not fn.idents.isdisjoint(markers[fn.module])
        }
        """Functions that may read a source themselves."""

    def down(self, start: Iterable[str]) -> set[str]:
        """``start`` and everything it may call, transitively."""
        return _closure(start, self.calls)

    def callers_of(self, functions: Iterable[str]) -> set[str]:
        """Functions that may call one of ``functions`` directly."""
        return {c for f in functions for c in self.callers.get(f, ())}


def _closure(start: Iterable[str], edges: dict[str, set[str]]) -> set[str]:
    """Everything reachable from ``start`` along ``edges``, ``start`` included."""
    seen = set(start)
    todo = list(seen)
    while todo:
        for nxt in edges.get(todo.pop(), ()):
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return seen


def _source_markers(program: Program, options: frozenset[str]) -> dict[str, frozenset[str]]:
    """Per module: the names whose mention may read a source there.

    A dotted source (``sys.argv``, ``flask.request``, ``fastapi.Request``) can only resolve in
    a module that imports it or a module above it; a builtin one (``input``) anywhere.
    """
    rules = program.rules
    qualified = {r.qualified for r in rules.sources if r.qualified and r.option in ("", *options)}
    objects = qualified | rules.request_qualified | rules.request_annotations
    builtin = {o for o in objects if "." not in o}
    return {
        name: frozenset(builtin | _imported_markers(mod, objects))
        for name, mod in program.modules.items()
    }


def _imported_markers(mod: ModuleInfo, objects: set[str]) -> set[str]:
    """Last parts of the ``objects`` a module imports (or imports a module of), and aliases."""
    out: set[str] = set()
    for local, target in mod.imports.items():
        for o in objects:
            if o == target:
                out.update((local, o.rpartition(".")[2]))
            elif o.startswith(target + "."):
                out.add(o.rpartition(".")[2])
    return out


def _call_graph(program: Program) -> dict[str, set[str]]:
    """Function -> every project function it might call (an over-approximation)."""
    by_name: dict[str, list[str]] = defaultdict(list)
    methods: set[str] = set()
    for info in program.classes.values():
        methods.update(info.methods.values())
    for qname in program.functions:
        if qname not in methods and not qname.endswith(".<module>"):
            by_name[qname.rpartition(".")[2]].append(qname)
    classes_by_name: dict[str, list[str]] = defaultdict(list)
    for qname in program.classes:
        classes_by_name[qname.rpartition(".")[2]].append(qname)
    imported = {name: _imported(program, mod) for name, mod in program.modules.items()}
    class_methods: dict[str, set[str]] = {}
    graph: dict[str, set[str]] = {}
    for qname, fn in program.functions.items():
        out: set[str] = set()
        named = [c for n in fn.idents for c in classes_by_name.get(n, ())]
        for local, (functions, classes) in imported[fn.module].items():
            if local in fn.idents:
                out |= functions
                named += classes
        for cls in [*named, *([fn.cls] if fn.cls else [])]:
            if cls not in class_methods:
                class_methods[cls] = _methods_up(program, cls)
            out.update(
                m
                for m in class_methods[cls]
                if m.rpartition(".")[2] in fn.idents or m.endswith(".__init__")
            )
        for n in fn.idents:
            out.update(by_name.get(n, ()))
        out.discard(qname)
        graph[qname] = out
    return graph


def _imported(program: Program, mod: ModuleInfo) -> dict[str, tuple[set[str], list[str]]]:
    """Local name -> (functions, classes) of the project it was imported as (aliases too)."""
    out: dict[str, tuple[set[str], list[str]]] = {}
    for local, target in mod.imports.items():
        fn = program.function(target)
        cls = program.klass(target)
        if fn is not None or cls is not None:
            out[local] = ({fn.qname} if fn else set(), [cls.qname] if cls else [])
    return out


def _methods_up(program: Program, cls: str) -> set[str]:
    """Every method of ``cls`` and of its project base classes."""
    out: set[str] = set()
    seen: set[str] = set()
    todo = [cls]
    while todo:
        info = program.klass(todo.pop())
        if info is None or info.qname in seen:
            continue
        seen.add(info.qname)
        out.update(info.methods.values())
        todo.extend(info.bases)
    return out
