"""The whole-program fixpoint: which functions to analyse, in what order, and what to reuse.

:func:`solve` analyses each function (one body at a time, by :class:`._interpreter.Interpreter`)
and re-analyses callers whenever a callee's summary changes until nothing does (or a round
budget runs out). With demand pruning (:mod:`.demand`) only the functions that can contribute
a flow are analysed; with the :class:`Results` of an earlier solve (:mod:`.cache`), functions
whose module and dependencies are unchanged keep their old summaries and flows. Interpreting
one function body (statements, branches, guards, assignments) is :mod:`._interpreter`'s job;
its :class:`Interpreter` is re-exported here.
"""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from mamori.analysers.taint._interpreter import Interpreter
from mamori.analysers.taint.callgraph import FunctionInfo, Program
from mamori.analysers.taint.demand import Demand
from mamori.analysers.taint.expressions import Context
from mamori.analysers.taint.facts import ModuleFacts
from mamori.analysers.taint.summaries import Flow, Summary, SummaryTable

__all__ = ["Interpreter", "Result", "Results", "solve"]

log = logging.getLogger(__name__)

MAX_ROUNDS_PER_FUNCTION = 12
"""How often one function may be re-analysed before the fixpoint gives up on it."""


@dataclass(slots=True)
class Results:
    """What one solve leaves for the next: module digests and every analysed function's
    summary, flows and the callees whose summaries it used."""

    modules: dict[str, str] = field(default_factory=dict)
    """Module name -> content digest."""
    functions: dict[str, Result] = field(default_factory=dict)
    """Function qualified name -> its result."""
    interfaces: dict[str, str] = field(default_factory=dict)
    """Module name -> digest of its interface (:attr:`.facts.ModuleFacts.interface`)."""
    graph: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """The call graph :class:`.demand.Demand` built."""


@dataclass(frozen=True, slots=True)
class Result:
    """One function's analysis."""

    module: str
    """The module it is in."""
    summary: Summary
    """Its summary."""
    flows: tuple[Flow, ...]
    """Flows found in it."""
    callees: tuple[str, ...]
    """Functions whose summaries it used."""

    def __reduce__(self) -> tuple[type[Result], tuple[object, ...]]:
        """Pickle as a plain constructor call (the results cache holds many of these)."""
        return Result, tuple(getattr(self, f) for f in self.__slots__)


def solve(
    program: Program,
    options: frozenset[str] = frozenset(),
    *,
    prune: bool = True,
    previous: Results | None = None,
    earlier_facts: Callable[[str, str], ModuleFacts | None] | None = None,
) -> tuple[list[Flow], Results]:
    """Analyse functions to a fixpoint; return the deduplicated flows and the results.

    With ``prune`` only the functions that can contribute a flow are analysed (see
    :mod:`.demand`): the seeds and what they may call, the callers of functions returning source
    data, the methods of classes with source data in a field, and the project functions an
    analysis resolves a call to; the flows are the same as analysing all of them, only faster. With
    ``previous`` (the results of an earlier solve of the same files), a function is not
    analysed again when neither its module nor any module it depends on changed: its old
    summary and flows are reused; ``earlier_facts(path, digest)`` gives the facts of a module
    as it was then (from the facts cache), to see which names an edit rebound.
    """
    table = SummaryTable()
    if not prune:
        every = _fixpoint(program, table, set(program.functions), list(program.functions), options)
        return table.all_flows(), _results(program, table, every)
    demand = Demand(program, options, *_stable_edges(program, previous, earlier_facts))
    reuse = _reusable(program, demand, previous) if previous else {}
    wanted: set[str] = set()
    done: set[str] = set()
    frontier = demand.seeds
    while frontier:
        added = demand.down(frontier) - wanted
        wanted |= added
        start = [q for q in program.functions if q in added]
        done |= _fixpoint(program, table, wanted, start, options, reuse, demand.down)
        returning = (q for q in wanted if table.returns_source(q))
        frontier = (demand.callers_of(returning) | _field_readers(program, table)) - wanted
    log.debug(
        "taint: analysed %d of %d functions (%d results reused)",
        len(wanted),
        len(program.functions),
        len(reuse.keys() & wanted),
    )
    return table.all_flows(), _results(program, table, done, demand)


def _field_readers(program: Program, table: SummaryTable) -> set[str]:
    """Methods that may read a field some source data was stored in."""
    stored = [name for name, writers in table.stores.items() if any(writers.values())]
    return {q for name in stored for q in program.objects.readers(name)}


def _stable_edges(
    program: Program,
    previous: Results | None,
    earlier_facts: Callable[[str, str], ModuleFacts | None] | None,
) -> tuple[dict[str, tuple[str, ...]], set[str], frozenset[str]]:
    """Earlier call edges, the modules whose functions' edges may be reused, and the names
    that make a function's edges stale anyway.

    Edges of a function depend on its own module and on how names resolve elsewhere. With the
    same set of modules, a changed module that kept its interface (definitions, imports,
    classes, function names) changes no other module's edges; one whose interface changed
    can only change the edges of functions mentioning a name whose binding changed. Without
    the earlier facts of such a module, nothing is reused.
    """
    if previous is None or previous.modules.keys() != program.modules.keys():
        return {}, set(), frozenset()
    changed = {n for n, m in program.modules.items() if previous.modules[n] != m.digest}
    stale: set[str] = set()
    for name in changed:
        facts = program.modules[name].facts
        if previous.interfaces.get(name) != facts.interface:
            old = earlier_facts(facts.path, previous.modules[name]) if earlier_facts else None
            if old is None:
                return {}, set(), frozenset()
            stale.update(short for short, _ in facts.bindings ^ old.bindings)
    return previous.graph, set(program.modules) - changed, frozenset(stale)


def _reusable(program: Program, demand: Demand, previous: Results) -> dict[str, Result]:
    """Earlier results still valid: their module and everything they depend on is unchanged.

    A change reaches a function through its callees and the fields it reads, so every
    (current or earlier) caller of a function in a changed module, and every earlier reader of
    a field it stored data in, is analysed again, transitively. Added or removed modules
    can change how names resolve anywhere, so then nothing is reused.
    """
    current = {name: mod.digest for name, mod in program.modules.items()}
    if not current or current.keys() != previous.modules.keys():
        return {}
    changed = {name for name, digest in current.items() if previous.modules[name] != digest}
    old_callers: dict[str, set[str]] = {}
    for qname, result in previous.functions.items():
        for callee in result.callees:
            old_callers.setdefault(callee, set()).add(qname)
    dirty = {q for q, fn in program.functions.items() if fn.module in changed}
    dirty |= {q for q, r in previous.functions.items() if r.module in changed}
    todo = list(dirty)
    while todo:
        qname = todo.pop()
        readers = _readers(previous.functions.get(qname), old_callers)
        for caller in demand.callers.get(qname, set()) | old_callers.get(qname, set()) | readers:
            if caller not in dirty:
                dirty.add(caller)
                todo.append(caller)
    return {
        q: r for q, r in previous.functions.items() if q not in dirty and q in program.functions
    }


def _readers(old: Result | None, old_callers: dict[str, set[str]]) -> set[str]:
    """Earlier readers of the fields an earlier result stored data in."""
    if old is None:
        return set()
    return {r for f in old.summary.fields for r in old_callers.get(f.field, ())}


def _results(
    program: Program, table: SummaryTable, done: set[str], demand: Demand | None = None
) -> Results:
    callees: dict[str, list[str]] = {}
    for callee, callers in table.callers.items():
        for caller in callers:
            callees.setdefault(caller, []).append(callee)
    return Results(
        {name: mod.digest for name, mod in program.modules.items()},
        {
            q: Result(
                program.functions[q].module,
                table.summaries[q],
                tuple(table.flows.get(q, ())),
                tuple(sorted(callees.get(q, ()))),
            )
            for q in done
            if q in table.summaries
        },
        {name: mod.facts.interface for name, mod in program.modules.items()},
        {q: tuple(sorted(c)) for q, c in demand.calls.items()} if demand else {},
    )


def _fixpoint(
    program: Program,
    table: SummaryTable,
    wanted: set[str],
    start: list[str],
    options: frozenset[str],
    reuse: dict[str, Result] | None = None,
    grow: Callable[[Iterable[str]], set[str]] | None = None,
) -> set[str]:
    """Analyse ``start``, then re-analyse (wanted) callers whose callees' summaries changed and
    readers of fields whose stored data changed; return the functions analysed (or reused).

    With ``grow``, a project function an analysis resolved a call to (through an object's
    type, which the demand's call graph may not know) is added to ``wanted`` with what
    ``grow`` says it may call. What a freshly analysed function changes is never answered
    from ``reuse``."""
    queue = deque(start)
    queued = set(queue)
    rounds: dict[str, int] = {}
    while queue:
        qname = queue.popleft()
        queued.discard(qname)
        rounds[qname] = rounds.get(qname, 0) + 1
        if rounds[qname] > MAX_ROUNDS_PER_FUNCTION:
            log.debug("taint: %s did not settle; keeping its last summary", qname)
            continue
        old = reuse.get(qname) if reuse else None
        if old is not None:
            for callee in old.callees:
                table.get(callee, qname)
            summary, flows = old.summary, list(old.flows)
        else:
            summary, flows, callees = _analyse(program, program.functions[qname], table, options)
            new = grow(c for c in callees if c not in wanted) - wanted if grow else set()
            wanted |= new
            queue.extend(q for q in new if q not in queued)
            queued |= new
        for caller in table.update(qname, summary, flows):
            if old is None and reuse:
                reuse.pop(caller, None)
            if caller not in queued and caller in wanted:
                queue.append(caller)
                queued.add(caller)
    return set(rounds)


def _analyse(
    program: Program, fn: FunctionInfo, table: SummaryTable, options: frozenset[str]
) -> tuple[Summary, list[Flow], set[str]]:
    """A function's summary, its flows and the project functions whose summaries it used."""
    ctx = Context(program, program.modules[fn.module], fn, table, options)
    try:
        summary = Interpreter(ctx).run()
    except RecursionError:
        log.warning("taint: %s is too deeply nested to analyse", fn.qname)
        return Summary(), [], set()
    return summary, ctx.flows, ctx.callees
