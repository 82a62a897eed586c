"""Interpreting one function body: statements, branches, guards and assignments.

:class:`Interpreter` runs a function's statements with parameters as symbolic labels (route
handlers' parameters as sources) and returns its :class:`.summaries.Summary`; expressions and
calls are evaluated by the classes it extends (:mod:`.expressions`, :mod:`.calls`). Branches
whose condition folds to a constant are pruned; branches that always leave (``return``,
``raise``, ``abort()``) do not flow into what follows, so ``if x not in ALLOWED: abort(400)``
cleans ``x`` below it. Loops run twice, which is enough for the finite label sets to settle
within one function. The whole-program fixpoint that calls it is :func:`.engine.solve`.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable

from mamori.analysers.taint.calls import CallEvaluator
from mamori.analysers.taint.consts import truth
from mamori.analysers.taint.expressions import Env, dotted
from mamori.analysers.taint.rules import ALL_CWES, name_matches
from mamori.analysers.taint.summaries import Summary
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

__all__ = ["Interpreter"]

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
        self.bind(node.target, Value(it.labels | element.all_labels(), cls=it.item_cls))
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
