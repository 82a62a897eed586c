"""The taint engine: statements, branches, guards, and the whole-program fixpoint.

Each function body is interpreted once per round with parameters as symbolic labels (route
handlers' parameters as sources). Branches whose condition folds to a constant are pruned;
branches that always leave (``return``, ``raise``, ``abort()``) do not flow into what follows,
so ``if x not in ALLOWED: abort(400)`` cleans ``x`` below it. Loops run twice, which is enough
for the finite label sets to settle within one function. :func:`solve` re-analyses callers
whenever a callee's summary changes until nothing does (or a round budget runs out).
"""

from __future__ import annotations

import ast
import logging
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from mamori.analysers.taint.callgraph import FunctionInfo, Program
from mamori.analysers.taint.calls import CallEvaluator
from mamori.analysers.taint.consts import truth
from mamori.analysers.taint.demand import Demand
from mamori.analysers.taint.expressions import Context, Env, dotted
from mamori.analysers.taint.facts import ModuleFacts
from mamori.analysers.taint.rules import ALL_CWES, name_matches
from mamori.analysers.taint.summaries import Flow, Summary, SummaryTable
from mamori.analysers.taint.values import (
    NO_CONST,
    Label,
    Value,
    add_step,
    clean,
    from_labels,
    join,
)
from mamori.model import CweId, Location, TraceStep

__all__ = ["Interpreter", "Result", "Results", "solve"]

log = logging.getLogger(__name__)

MAX_ROUNDS_PER_FUNCTION = 12
"""How often one function may be re-analysed before the fixpoint gives up on it."""
_EXITS = frozenset({"abort", "flask.abort", "sys.exit", "exit", "os._exit", "quit"})
Cleans = dict[str, frozenset[CweId]]


class Interpreter(CallEvaluator):
    """Interprets one function body."""

    def run(self) -> Summary:
        """Analyse the function; return its summary (flows go to the context)."""
        node = self.ctx.program.node(self.ctx.function)
        self._seed()
        self.block(node.body)
        ctx = self.ctx
        returns = from_labels(lb for v in ctx.returns for lb in v.all_labels())
        return Summary(
            returns.labels,
            tuple({s.key: s for s in ctx.param_sinks}.values()),
            _returned_type(ctx.returns),
            tuple({f.key: f for f in ctx.fields}.values()),
        )

    def _seed(self) -> None:
        fn, rules = self.ctx.function, self.ctx.program.rules
        node = self.ctx.program.node(fn)
        if isinstance(node, ast.Module):
            return
        annotations = {
            a.arg: a.annotation
            for a in (*node.args.posonlyargs, *node.args.args, *node.args.kwonlyargs)
        }
        for i, name in enumerate(fn.params):
            ann = annotations.get(name)
            ann_name = self.ctx.program.expr_name(self.ctx.module, ann)[0] if ann else ""
            if i == 0 and fn.cls and not _is_static(node):
                self.env[name] = Value(cls=fn.cls)
            elif ann_name in rules.request_annotations or (
                not ann and name in rules.request_params
            ):
                self.env[name] = Value(request=True)
            elif fn.route and name in fn.typed_params:
                self.env[name] = Value()
            elif fn.route:
                note = f"route parameter {name}"
                self.env[name] = from_labels(
                    add_step([Label(-1, note)], self.path, node.lineno, note)
                )
            else:
                kind = self._annotated_type(ann, ann_name) if ann else ""
                self.env[name] = Value(frozenset({Label(i, name)}), cls=kind)

    def _annotated_type(self, annotation: ast.expr, name: str) -> str:
        """The type a parameter annotation names: a project class or a library type."""
        klass = self.ctx.program.klass(name)
        if klass is not None:
            return klass.qname
        text = dotted(annotation)
        return self.ctx.program.objects.library_name(self.ctx.module, text, name) if text else ""

    # --- blocks ----------------------------------------------------------------------------

    def block(self, body: Iterable[ast.stmt]) -> bool:
        """Interpret statements; True when the block always leaves (return/raise/abort)."""
        for stmt in body:
            if self.stmt(stmt):
                return True
        return False

    def stmt(self, node: ast.stmt) -> bool:
        """Interpret one statement; True when it always leaves."""
        handler = getattr(self, f"_st_{type(node).__name__}", None)
        if handler is not None:
            left: bool = handler(node)
            return left
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.expr):
                self.ev(child)
        return False

    def _branch(self, body: list[ast.stmt], cleans: Cleans) -> tuple[Env, bool]:
        saved = self.env
        self.env = dict(saved)
        self._apply_cleans(cleans)
        left = self.block(body)
        env, self.env = self.env, saved
        return env, left

    def _merge(self, branches: list[tuple[Env, bool]]) -> bool:
        live = [env for env, left in branches if not left]
        if not live:
            return True
        keys = set().union(*live)
        self.env = {k: join(e.get(k, Value()) for e in live) for k in keys}
        return False

    def _st_If(self, node: ast.If) -> bool:
        test = self.ev(node.test)
        known = truth(test.const)
        if known is True:
            return self.block(node.body)
        if known is False:
            return self.block(node.orelse)
        yes, no = self._guard(node.test)
        return self._merge([self._branch(node.body, yes), self._branch(node.orelse, no)])

    def _loop(self, body: list[ast.stmt], orelse: list[ast.stmt]) -> bool:
        before = dict(self.env)
        first = self._branch(body, {})
        self.env = first[0] if not first[1] else self.env
        second = self._branch(body, {})
        self._merge([(before, False), first, second])
        self.block(orelse)
        return False

    def _st_For(self, node: ast.For | ast.AsyncFor) -> bool:
        it = self.ev(node.iter)
        element = join(v for _, v in it.parts) if it.parts else Value()
        self.bind(node.target, Value(it.labels | element.all_labels()))
        return self._loop(node.body, node.orelse)

    _st_AsyncFor = _st_For

    def _st_While(self, node: ast.While) -> bool:
        if truth(self.ev(node.test).const) is False:
            return self.block(node.orelse)
        return self._loop(node.body, node.orelse)

    def _st_Try(self, node: ast.Try) -> bool:
        before = dict(self.env)
        body = self._branch(node.body, {})
        self._merge([(before, False), body])
        branches = [self._branch(h.body, {}) for h in node.handlers]
        self.env = body[0]
        if not body[1]:
            branches.append(self._branch(node.orelse, {}))
        left = self._merge(branches) if branches else body[1]
        return self.block(node.finalbody) or left

    _st_TryStar = _st_Try

    def _st_With(self, node: ast.With | ast.AsyncWith) -> bool:
        for item in node.items:
            value = self.ev(item.context_expr)
            if item.optional_vars is not None:
                self.bind(item.optional_vars, value)
        return self.block(node.body)

    _st_AsyncWith = _st_With

    def _st_Match(self, node: ast.Match) -> bool:
        self.ev(node.subject)
        return self._merge([self._branch(c.body, {}) for c in node.cases] + [(self.env, False)])

    def _st_Return(self, node: ast.Return) -> bool:
        if node.value is not None:
            self.ctx.returns.append(self.ev(node.value))
        return True

    def _st_Raise(self, node: ast.Raise) -> bool:
        if node.exc is not None:
            self.ev(node.exc)
        return True

    def _st_Continue(self, node: ast.Continue) -> bool:
        return True

    def _st_Break(self, node: ast.Break) -> bool:
        return True

    def _st_Expr(self, node: ast.Expr) -> bool:
        self.ev(node.value)
        if isinstance(node.value, ast.Call):
            name, _ = self._callee_name(node.value.func)
            return name in _EXITS
        return False

    def _st_Assert(self, node: ast.Assert) -> bool:
        self.ev(node.test)
        self._apply_cleans(self._guard(node.test)[0])
        return False

    def _skip(self, node: ast.stmt) -> bool:
        return False

    _st_FunctionDef = _st_AsyncFunctionDef = _st_ClassDef = _st_Import = _st_ImportFrom = _skip
    _st_Global = _st_Nonlocal = _st_Pass = _skip

    # --- assignment ------------------------------------------------------------------------

    def _st_Assign(self, node: ast.Assign) -> bool:
        value = self.ev(node.value)
        for target in node.targets:
            self.assign(target, value, node.lineno)
        return False

    def _st_AnnAssign(self, node: ast.AnnAssign) -> bool:
        if node.value is not None:
            self.assign(node.target, self.ev(node.value), node.lineno)
        return False

    def _st_AugAssign(self, node: ast.AugAssign) -> bool:
        binop = ast.BinOp(left=_load(node.target), op=node.op, right=node.value)
        ast.copy_location(binop, node)
        self.assign(node.target, self.ev(binop), node.lineno)
        return False

    def _st_Delete(self, node: ast.Delete) -> bool:
        for target in node.targets:
            self.env.pop(dotted(target) if not isinstance(target, ast.Name) else target.id, None)
        return False

    def assign(self, target: ast.expr, value: Value, line: int) -> None:
        """Bind ``value`` to ``target``, including ``container[key] = value`` and store sinks."""
        if not isinstance(target, ast.Subscript):
            self.bind(target, value)
            return
        self._store_sink(target, value, line)
        text = dotted(target.value)
        if not text:
            return
        base = self.ev(target.value)
        key = self.ev(target.slice)
        if key.const is not NO_CONST and not isinstance(target.slice, ast.Slice):
            try:
                self.env[text] = base.with_part(key.const, value)
                return
            except TypeError:
                pass
        self.env[text] = Value(from_labels(base.labels | value.all_labels()).labels, base.parts)

    def _store_sink(self, target: ast.Subscript, value: Value, line: int) -> None:
        program = self.ctx.program
        text = dotted(target.value)
        name = program.expr_name(self.ctx.module, target.value)[0]
        cwe = program.rules.stores.get(name) or program.rules.stores.get(text)
        if cwe is None or (text.split(".")[0] in self.env and text not in program.rules.stores):
            return
        loc = Location(path=self.path, start_line=line, end_line=line)
        step = TraceStep(loc, f"stored in {text}[...]")
        for lb in value.all_labels():
            if not lb.is_clean(cwe):
                self._emit(lb, cwe, loc, f"{text}[...]", (*lb.trace, step), True)

    # --- guards ----------------------------------------------------------------------------

    def _guard(self, test: ast.expr) -> tuple[Cleans, Cleans]:
        """Names cleaned when ``test`` is true, and when it is false."""
        if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
            yes, no = self._guard(test.operand)
            return no, yes
        if isinstance(test, ast.BoolOp):
            parts = [self._guard(v) for v in test.values]
            side = 0 if isinstance(test.op, ast.And) else 1
            merged: Cleans = {}
            for p in parts:
                merged.update(p[side])
            return (merged, {}) if side == 0 else ({}, merged)
        if isinstance(test, ast.Compare) and len(test.ops) == 1:
            return self._compare_guard(test)
        if isinstance(test, ast.Call):
            return self._call_guard(test), {}
        return {}, {}

    def _compare_guard(self, test: ast.Compare) -> tuple[Cleans, Cleans]:
        op, left, right = test.ops[0], test.left, test.comparators[0]
        name = dotted(left)
        if not name:
            return {}, {}
        everything = {name: frozenset({ALL_CWES})}
        trusted = not self.ev(right).tainted
        if isinstance(op, ast.In) and trusted:
            return everything, {}
        if isinstance(op, ast.NotIn) and trusted:
            return {}, everything
        if isinstance(right, ast.Constant) and isinstance(op, ast.Eq):
            return everything, {}
        if isinstance(right, ast.Constant) and isinstance(op, ast.NotEq):
            return {}, everything
        return {}, {}

    def _call_guard(self, test: ast.Call) -> Cleans:
        name, on_object = self._callee_name(test.func)
        cwes = frozenset(
            c
            for r in self.ctx.program.rules.guards
            if name_matches(r.call, name, on_object)
            for c in r.cwes
        )
        if not cwes:
            return {}
        subjects = [*test.args, *(k.value for k in test.keywords)]
        if isinstance(test.func, ast.Attribute):
            subjects.append(test.func.value)
        return {dotted(s): cwes for s in subjects if dotted(s)}

    def _apply_cleans(self, cleans: Cleans) -> None:
        for name, cwes in cleans.items():
            value = self.env.get(name)
            if value is not None:
                self.env[name] = Value(clean(value.all_labels(), cwes), cls=value.cls)


def _returned_type(values: list[Value]) -> str:
    """The type every returned object has (``None`` aside), if they agree."""
    kinds = {v.cls for v in values if v.const is not None}
    return kinds.pop() if len(kinds) == 1 else ""


def _load(target: ast.expr) -> ast.expr:
    copy = ast.parse(ast.unparse(target), mode="eval").body
    return ast.copy_location(copy, target)


def _is_static(node: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    return any(isinstance(d, ast.Name) and d.id == "staticmethod" for d in node.decorator_list)


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
