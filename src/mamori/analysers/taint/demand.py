"""Which functions the fixpoint must analyse at all (demand-driven analysis).

A flow needs untrusted data, and untrusted data only enters at a source: a source expression
(``request``, ``sys.argv``, ``input`` ... as the rule pack names them) or a route handler's
parameters. Summaries carry taint to a caller only through return values. So :func:`.solve`
starts from the functions that may read a source, analyses them and everything they may call,
then adds the callers of every function whose summary returns source data, and repeats until
no function is added. Every other function has only parameter labels in it, so it can neither
report a flow nor change a summary that an analysed function uses.

The call graph here over-approximates what :mod:`.calls` can resolve: a function may call
each project function or class (its ``__init__``) that one of its calls names, resolved the
same way the engine resolves it (imports, aliases, re-exports, nested functions), and each
method it calls by attribute name (plus ``__init__``) of a class it names anywhere, of its own
class, and of their project base classes. Source detection is as coarse: a route
handler, a request-named parameter, or a mention of the last part of a source's, request
object's or request annotation's name in a module that imports it (or a module above it), or
of a local alias of one. Over-approximating only costs time; the findings are the same as
analysing everything (``tests/analysers/taint/test_demand.py``). Calls this graph cannot see
(a method of an object whose type only the analysis knows) are added as the analysis resolves
them, and the methods of a class whose fields hold source data as they get it
(:func:`.engine.solve`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping

from mamori.analysers.taint.callgraph import Program

__all__ = ["Demand"]


class Demand:
    """The over-approximate call graph and the source functions, for growing the analysed set."""

    def __init__(
        self,
        program: Program,
        options: frozenset[str],
        known: Mapping[str, Collection[str]] | None = None,
        stable: set[str] | None = None,
        stale: frozenset[str] = frozenset(),
    ) -> None:
        """``known`` are edges from an earlier build, reused for the functions of ``stable``
        modules that mention none of the ``stale`` names (see :func:`.engine.solve`)."""
        self.calls = _call_graph(program, known or {}, stable or set(), stale)
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


def _closure(start: Iterable[str], edges: Mapping[str, Collection[str]]) -> set[str]:
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
    builtin = frozenset(o.rpartition(".")[2] for o in objects if "." not in o or o[:2] == "*.")
    exact = {o: o.rpartition(".")[2] for o in objects}
    above: dict[str, set[str]] = defaultdict(set)  # module prefix -> last parts below it
    for o in objects:
        parts = o.split(".")
        for cut in range(1, len(parts)):
            above[".".join(parts[:cut])].add(parts[-1])
    out: dict[str, frozenset[str]] = {}
    for name, mod in program.modules.items():
        found: set[str] = set()
        for local, target in mod.imports.items():
            if target in exact:
                found.update((local, exact[target]))
            found.update(above.get(target, ()))
        out[name] = builtin | found
    return out


def _call_graph(
    program: Program,
    earlier: Mapping[str, Collection[str]],
    stable: set[str],
    stale: frozenset[str],
) -> dict[str, Collection[str]]:
    """Function -> every project function it might call (an over-approximation)."""
    classes_by_name: dict[str, list[str]] = defaultdict(list)
    for qname in program.classes:
        classes_by_name[qname.rpartition(".")[2]].append(qname)
    chains: dict[str, dict[str, list[str]]] = {}
    resolved: dict[tuple[str, str], tuple[str | None, str | None]] = {}
    graph: dict[str, Collection[str]] = {}
    for qname, fn in program.functions.items():
        idents = fn.idents
        if fn.module in stable and qname in earlier and stale.isdisjoint(idents):
            graph[qname] = earlier[qname]
            continue
        mod = program.modules[fn.module]
        out: set[str] = set()
        known = {c for n in idents for c in classes_by_name.get(n, ())}
        calls = fn.calls
        if fn.cls:
            known.add(fn.cls)
        for call in calls:
            root = call.partition(".")[0]
            if root in fn.nested:
                out.add(fn.nested[root])
            for text in {call, program.text_name(mod, call)[0]}:
                key = (fn.module, text)
                if key not in resolved:
                    target, klass = program.function(text), program.klass(text)
                    resolved[key] = (
                        target.qname if target else None,
                        klass.qname if klass else None,
                    )
                target_name, cls_name = resolved[key]
                if target_name:
                    out.add(target_name)
                if cls_name:
                    known.add(cls_name)
        if known:
            attrs = {c.rpartition(".")[2] for c in calls} | {"__init__"}
            for cls in known:
                if cls not in chains:
                    chains[cls] = _methods_up(program, cls)
                methods = chains[cls]
                for attr in attrs:
                    out.update(methods.get(attr, ()))
        out.discard(qname)
        graph[qname] = out
    return graph


def _methods_up(program: Program, cls: str) -> dict[str, list[str]]:
    """Every method of ``cls`` and of its project base classes, by name."""
    out: dict[str, list[str]] = defaultdict(list)
    seen: set[str] = set()
    todo = [cls]
    while todo:
        info = program.klass(todo.pop())
        if info is None or info.qname in seen:
            continue
        seen.add(info.qname)
        for name, qname in info.methods.items():
            out[name].append(qname)
        todo.extend(info.bases)
    return out
