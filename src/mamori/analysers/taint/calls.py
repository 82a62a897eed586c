"""Evaluating calls: sources, sinks, sanitisers, propagators and project function summaries.

Order of precedence for one call: request-object methods and source calls; project functions,
methods and constructors (their summaries are applied); sink rules (checked, then the call
still yields a value); sanitisers; tag rules; container mutation (``append``/``update``);
propagators; and finally the default, which passes every argument's taint on but marks it as
unresolved so findings through it get a lower confidence.
"""

from __future__ import annotations

import ast
import fnmatch
from dataclasses import dataclass, replace

from mamori.analysers.taint.callgraph import FunctionInfo
from mamori.analysers.taint.expressions import ExprEvaluator, dotted, is_constant_table
from mamori.analysers.taint.rules import Condition, Sink
from mamori.analysers.taint.summaries import FieldWrite, Flow, ParamSink, Summary
from mamori.analysers.taint.values import (
    NO_CONST,
    Label,
    Value,
    add_step,
    append_trace,
    clean,
    from_labels,
    unresolved,
)
from mamori.model import CweId, Location, TraceStep

__all__ = ["CallEvaluator"]

_MUTATORS = frozenset({"append", "extend", "update", "insert", "add", "setdefault", "appendleft"})
_ITEM_READS = frozenset({"get", "pop"})
"""Methods of a typed container that return one item (see ``Value.item_cls``)."""
_ITEMS_READS = frozenset({"getlist", "values", "copy"})
"""Methods of a typed container that return a collection of its items."""


@dataclass(frozen=True, slots=True)
class _Args:
    """A call's evaluated arguments."""

    nodes: tuple[ast.expr, ...]
    values: tuple[Value, ...]
    keywords: dict[str, tuple[ast.expr, Value]]
    spread: frozenset[Label]
    receiver: Value | None

    def find(self, position: int | None, keyword: str | None) -> tuple[ast.expr, Value] | None:
        if position is not None and 0 <= position < len(self.values):
            return self.nodes[position], self.values[position]
        if keyword is not None and keyword in self.keywords:
            return self.keywords[keyword]
        return None

    def labels(self) -> frozenset[Label]:
        out = set(self.spread)
        for v in (*self.values, *(v for _, v in self.keywords.values())):
            out |= v.all_labels()
        if self.receiver is not None:
            out |= self.receiver.all_labels()
        return frozenset(out)


class CallEvaluator(ExprEvaluator):
    """Expression evaluator that understands calls."""

    def call(self, node: ast.Call) -> Value:
        """The value of a call, recording any sink it reaches."""
        if isinstance(node.func, ast.Name) and node.func.id == "super" and "super" not in self.env:
            return self._super()
        args = self._args(node)
        name, on_object = self._callee_name(node.func)
        attr = node.func.attr if isinstance(node.func, ast.Attribute) else ""
        if args.receiver is not None and args.receiver.request:
            if any(attr in r.request_methods for r in self.ctx.program.rules.sources):
                return self.source(None, f"request.{attr}() read", node.lineno)
            return Value()
        rule = self.qualified_source(name, on_object)
        if rule is not None:
            return self.source(rule, rule.note, node.lineno)
        if attr == "get" and args.receiver is not None and is_constant_table(args.receiver):
            return args.values[1] if len(args.values) > 1 else Value()  # the table's or default
        resolved = self._project_call(node, name, args)
        if resolved is not None:
            return resolved
        receiver = args.receiver
        typed = f"{receiver.cls}.{attr}" if attr and receiver is not None and receiver.cls else ""
        for sink in self.ctx.program.sinks_for(name, on_object, typed):
            self._check_sink(sink, name, args, node)
        value = self._library_call(node, name, on_object, typed, args)
        kind = self._library_type(node.func, name)
        return replace(value, cls=kind) if kind else value

    def _library_type(self, func: ast.expr, name: str) -> str:
        """The type of what a library call returns: its qualified name (see :mod:`.objects`)."""
        text = dotted(func)
        if not text or text.partition(".")[0] in self.env:
            return ""
        return self.ctx.program.objects.library_name(self.ctx.module, text, name)

    # --- callee resolution -----------------------------------------------------------------

    def _callee_name(self, func: ast.expr) -> tuple[str, bool]:
        fn = self.ctx.function
        if isinstance(func, ast.Name):
            if func.id in fn.nested:
                return fn.nested[func.id], False
            if func.id in self.env:
                return func.id, True
        text = dotted(func)
        if text and text.split(".")[0] in self.env:
            return text, True
        return self.ctx.program.expr_name(self.ctx.module, func)

    def _super(self) -> Value:
        info = self.ctx.program.klass(self.ctx.function.cls)
        return Value(cls=info.bases[0]) if info and info.bases else Value()

    def _project_call(self, node: ast.Call, name: str, args: _Args) -> Value | None:
        program = self.ctx.program
        receiver = args.receiver
        if receiver is not None and receiver.cls and isinstance(node.func, ast.Attribute):
            method = program.method(receiver.cls, node.func.attr)
            if method is not None:
                return self._apply(method, args, node, bound=True)
        fn = program.function(name)
        if fn is not None and not fn.is_module:
            return self._apply(fn, args, node, bound=False)
        klass = program.klass(name)
        if klass is None:
            return None
        init = program.method(klass.qname, "__init__")
        obj = Value(cls=klass.qname)
        if init is not None:
            self._apply(init, replace(args, receiver=obj), node, bound=True)
        return obj

    # --- summaries -------------------------------------------------------------------------

    def _bind(self, fn: FunctionInfo, args: _Args, bound: bool) -> dict[int, Value]:
        out: dict[int, Value] = {}
        offset = 1 if bound else 0
        if bound and args.receiver is not None:
            out[0] = args.receiver
        for i, value in enumerate(args.values):
            if i + offset < len(fn.params):
                out[i + offset] = value
        for key, (_, value) in args.keywords.items():
            if key in fn.params:
                out[fn.params.index(key)] = value
        if args.spread:
            for i in range(len(fn.params)):
                out.setdefault(i, from_labels(args.spread))
        return out

    def _apply(self, fn: FunctionInfo, args: _Args, node: ast.Call, bound: bool) -> Value:
        summary: Summary = self.ctx.table.get(fn.qname, self.ctx.function.qname)
        self.ctx.callees.add(fn.qname)
        bind = self._bind(fn, args, bound)
        short = _short(fn)
        out: list[Label] = []
        back = self._step(node.lineno, f"returned from {short}()")
        for lb in summary.returns:
            if lb.param < 0:
                out.extend(append_trace([lb], (back,)))
                continue
            actual = bind.get(lb.param)
            if actual is None:
                continue
            into = self._step(node.lineno, f"passed to {short}({_pname(fn, lb.param)})")
            for a in actual.all_labels():
                merged = replace(a, clean=a.clean | lb.clean, resolved=a.resolved and lb.resolved)
                out.extend(append_trace([merged], (into, *lb.trace, back)))
        for ps in summary.sinks:
            actual = bind.get(ps.param)
            if actual is None:
                continue
            into = self._step(node.lineno, f"passed to {short}({_pname(fn, ps.param)})")
            for a in actual.all_labels():
                if not a.is_clean(ps.cwe):
                    trace = (*a.trace, into, *ps.steps)
                    self._emit(a, ps.cwe, ps.sink, ps.sink_name, trace, ps.resolved)
        self._apply_fields(fn, summary, bind, node.lineno)
        return Value(from_labels(out).labels, cls=summary.cls)

    def _apply_fields(
        self, fn: FunctionInfo, summary: Summary, bind: dict[int, Value], line: int
    ) -> None:
        """What the callee stores of its parameters, stored of the actual arguments."""
        for fw in summary.fields:
            if fw.label is None or fw.label.param not in bind:
                continue  # a type, or a source the callee stores itself
            actual = bind[fw.label.param]
            if actual.cls:
                self.ctx.fields.append(FieldWrite(fw.field, None, actual.cls))
            into = self._step(line, f"passed to {_short(fn)}({_pname(fn, fw.label.param)})")
            for a in actual.all_labels():
                merged = replace(
                    a, clean=a.clean | fw.label.clean, resolved=a.resolved and fw.label.resolved
                )
                for lb in append_trace([merged], (into, *fw.label.trace)):
                    self.ctx.fields.append(FieldWrite(fw.field, lb))

    # --- sinks -----------------------------------------------------------------------------

    def _check_sink(self, sink: Sink, name: str, args: _Args, node: ast.Call) -> None:
        if not all(self._holds(c, args) for c in sink.when):
            return
        if any(self._holds(c, args) for c in sink.unless):
            return
        if sink.arg == -1:
            value = args.receiver
        elif sink.arg is None and sink.keyword is None:
            value = from_labels(args.labels())
        else:
            found = args.find(sink.arg, sink.keyword)
            value = found[1] if found else None
        if value is None:
            return
        if sink.element is not None:
            value = value.part(sink.element)
        shown = name.split(".", 1)[1] if name.startswith("?.") else name
        loc = Location(path=self.path, start_line=node.lineno, end_line=node.lineno)
        step = TraceStep(loc, f"reaches {shown}")
        for lb in value.all_labels():
            if not lb.is_clean(sink.cwe):
                self._emit(lb, sink.cwe, loc, shown, (*lb.trace, step), True)

    def _holds(self, cond: Condition, args: _Args) -> bool:
        found = args.find(cond.position, cond.keyword)
        if cond.present is not None:
            return (found is not None) == cond.present
        if found is None:
            return False
        node, value = found
        if cond.equals is not None:
            return value.const is not NO_CONST and value.const == cond.equals
        if cond.matches is not None:
            return fnmatch.fnmatchcase(ast.unparse(node), cond.matches)
        if cond.tag is not None:
            return cond.tag in value.tags
        return True

    def _emit(
        self,
        label: Label,
        cwe: CweId,
        sink: Location,
        sink_name: str,
        trace: tuple[TraceStep, ...],
        resolved: bool,
    ) -> None:
        ok = resolved and label.resolved
        if label.param < 0:
            heuristic = label.source in self._optional_notes()
            self.ctx.flows.append(Flow(cwe, sink, sink_name, trace, ok, heuristic))
        else:
            steps = tuple(trace)
            self.ctx.param_sinks.append(ParamSink(label.param, cwe, sink, sink_name, steps, ok))

    def _optional_notes(self) -> frozenset[str]:
        return frozenset(r.note for r in self.ctx.program.rules.sources if r.option)

    # --- library calls ---------------------------------------------------------------------

    def _library_call(
        self, node: ast.Call, name: str, on_object: bool, typed: str, args: _Args
    ) -> Value:
        """A call of something outside the project (``typed``: see :meth:`.Program.calls_for`)."""
        program = self.ctx.program
        sanitisers = program.calls_for("sanitisers", name, on_object, typed)
        if sanitisers:
            return Value(clean(args.labels(), sanitisers[0].cwes))
        tags = frozenset(
            r.tag
            for r in program.calls_for("tags", name, on_object, typed)
            if all(self._holds(c, args) for c in r.when)
        )
        if tags:
            return Value(tags=tags)
        attr = node.func.attr if isinstance(node.func, ast.Attribute) else ""
        if attr in _MUTATORS and on_object and args.receiver is not None:
            return self._mutate(node, args)
        if program.calls_for("propagators", name, on_object, typed):
            return self._propagate(node, attr, args)
        labels = args.labels()
        if not labels:
            return Value()
        shown = name.split(".", 1)[1] if name.startswith("?.") else name
        return from_labels(
            unresolved(add_step(labels, self.path, node.lineno, f"through {shown}()"))
        )

    def _mutate(self, node: ast.Call, args: _Args) -> Value:
        assert isinstance(node.func, ast.Attribute)  # noqa: S101 - checked by the caller
        text = dotted(node.func.value)
        receiver = args.receiver or Value()
        added = args.labels() - receiver.all_labels()
        if text and added:
            self.env[text] = replace(receiver, labels=from_labels(receiver.labels | added).labels)
        if isinstance(node.func.value, ast.Attribute):
            self.store_field(node.func.value, added)
        return Value()

    def _propagate(self, node: ast.Call, attr: str, args: _Args) -> Value:
        value = self._propagated(node, attr, args)
        items = args.receiver.item_cls if args.receiver is not None else ""
        if items and attr in _ITEM_READS:
            return replace(value, cls=items)
        if items and attr in _ITEMS_READS:
            return replace(value, item_cls=items)
        return value

    def _propagated(self, node: ast.Call, attr: str, args: _Args) -> Value:
        receiver = args.receiver
        if attr in {"get", "pop"} and receiver is not None and args.values:
            # a looked-up value comes from the mapping (or the default), not from the key
            key = args.values[0].const
            rest = [v.all_labels() for v in args.values[1:]]
            rest += [v.all_labels() for _, v in args.keywords.values()]
            if key is not NO_CONST and receiver.parts:
                return from_labels(receiver.part(key).all_labels().union(*rest))
            return from_labels(receiver.all_labels().union(*rest))
        labels = args.labels()
        if labels and attr in {"join", "format"}:
            note = "joined into a string" if attr == "join" else "formatted into a string"
            labels = add_step(labels, self.path, node.lineno, note)
        return from_labels(labels)

    # --- helpers ---------------------------------------------------------------------------

    def _args(self, node: ast.Call) -> _Args:
        receiver = self.ev(node.func.value) if isinstance(node.func, ast.Attribute) else None
        nodes: list[ast.expr] = []
        values: list[Value] = []
        spread: set[Label] = set()
        for a in node.args:
            if isinstance(a, ast.Starred):
                spread |= self.ev(a.value).all_labels()
            else:
                nodes.append(a)
                values.append(self.ev(a))
        keywords: dict[str, tuple[ast.expr, Value]] = {}
        for kw in node.keywords:
            value = self.ev(kw.value)
            if kw.arg is None:
                spread |= value.all_labels()
            else:
                keywords[kw.arg] = (kw.value, value)
        return _Args(tuple(nodes), tuple(values), keywords, frozenset(spread), receiver)

    def _step(self, line: int, note: str) -> TraceStep:
        return TraceStep(Location(path=self.path, start_line=line, end_line=line), note)


def _short(fn: FunctionInfo) -> str:
    return ".".join(fn.qname.split(".")[-2:]) if fn.cls else fn.qname.split(".")[-1]


def _pname(fn: FunctionInfo, index: int) -> str:
    return fn.params[index] if index < len(fn.params) else f"#{index}"
