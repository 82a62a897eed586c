"""Evaluating expressions to abstract values: names, attributes, containers, string building.

Calls are left to :class:`mamori.analysers.taint.calls.CallEvaluator`; this module handles
everything else, including sources read as attributes (``request.args``, ``sys.argv``),
per-key/per-index values of containers built with constant keys, and constant folding.
"""

from __future__ import annotations

import ast
import logging
from dataclasses import dataclass, field, replace

from mamori.analysers.taint.callgraph import FunctionInfo, ModuleInfo, Program
from mamori.analysers.taint.consts import (
    fold_binop,
    fold_boolop,
    fold_compare,
    fold_unary,
    truth,
)
from mamori.analysers.taint.rules import SourceRule, name_matches
from mamori.analysers.taint.summaries import FieldWrite, Flow, ParamSink, SummaryTable
from mamori.analysers.taint.values import (
    NO_CONST,
    Label,
    Value,
    add_step,
    from_labels,
    join,
)

__all__ = ["Context", "ExprEvaluator", "dotted"]

log = logging.getLogger(__name__)

Env = dict[str, Value]


@dataclass(slots=True)
class Context:
    """Everything one function's analysis reads and writes besides its environment."""

    program: Program
    """The whole program."""
    module: ModuleInfo
    """The module the function is in."""
    function: FunctionInfo
    """The function analysed."""
    table: SummaryTable
    """Summaries of other functions."""
    options: frozenset[str] = frozenset()
    """Enabled optional source groups (``environ``)."""
    flows: list[Flow] = field(default_factory=list)
    """Source-to-sink flows found."""
    param_sinks: list[ParamSink] = field(default_factory=list)
    """Parameters found to reach sinks."""
    returns: list[Value] = field(default_factory=list)
    """Values returned."""
    fields: list[FieldWrite] = field(default_factory=list)
    """Data stored in fields of objects."""
    callees: set[str] = field(default_factory=set)
    """Project functions whose summaries were applied."""


def is_constant_table(value: Value) -> bool:
    """Whether ``value`` is a constant mapping or sequence with no taint (an allow-list table:
    looking anything up in it yields one of its own constant values)."""
    return isinstance(value.const, dict | list | tuple) and not value.all_labels()


def dotted(node: ast.expr) -> str:
    """``a.b.c`` for a dotted name expression, else ``""``."""
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return ""
    return ".".join([node.id, *reversed(parts)])


class ExprEvaluator:
    """Evaluates expressions of one function in an environment."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.env: Env = {}
        self.path = ctx.module.path
        self._globals: Env = {}

    # --- entry point -----------------------------------------------------------------------

    def ev(self, node: ast.expr) -> Value:
        """The abstract value of ``node``."""
        method = getattr(self, f"_ev_{type(node).__name__}", None)
        if method is not None:
            result: Value = method(node)
            return result
        return self._children(node)

    def call(self, node: ast.Call) -> Value:
        """Evaluate a call (overridden by the call evaluator)."""
        return self._children(node)

    def _children(self, node: ast.AST) -> Value:
        vals = [self.ev(c) for c in ast.iter_child_nodes(node) if isinstance(c, ast.expr)]
        return from_labels(lb for v in vals for lb in v.all_labels())

    # --- sources ---------------------------------------------------------------------------

    def source(self, rule: SourceRule | None, note: str, line: int) -> Value:
        """A fresh source value read at ``line``."""
        if rule is not None and rule.option and rule.option not in self.ctx.options:
            return Value()
        label = Label(param=-1, source=note)
        return from_labels(add_step([label], self.path, line, note))

    def qualified_source(self, name: str, on_object: bool = False) -> SourceRule | None:
        """The source rule for a resolved dotted name, if any (``*.m`` rules: a method ``m``
        called on any object, only when ``on_object``)."""
        for rule in self.ctx.program.rules.sources:
            if rule.qualified == name or (
                on_object
                and rule.qualified.startswith("*.")
                and name_matches(rule.qualified, name, True)
            ):
                return rule
        return None

    def request_attribute(self, attr: str) -> bool:
        """Whether ``request.<attr>`` is untrusted."""
        return any(attr in r.request_attributes for r in self.ctx.program.rules.sources)

    # --- names and attributes --------------------------------------------------------------

    def _ev_Constant(self, node: ast.Constant) -> Value:
        return Value(const=node.value)

    def _ev_Name(self, node: ast.Name) -> Value:
        if node.id in self.env:
            return self.env[node.id]
        mod = self.ctx.module
        if node.id in mod.consts:
            return Value(const=mod.consts[node.id])
        name, _ = self.ctx.program.expr_name(mod, node)
        if name in self.ctx.program.rules.request_qualified:
            return Value(request=True)
        rule = self.qualified_source(name)
        if rule is not None:
            return self.source(rule, rule.note, node.lineno)
        return self._global(mod, node.id)

    def _global(self, mod: ModuleInfo, name: str) -> Value:
        """Type and tags of a module-level name assigned once from a call (whatever taint it
        holds is found where the module's own code is analysed)."""
        known = self._globals.get(name)
        if known is not None:
            return known
        self._globals[name] = Value()  # a value that mentions itself stays unknown
        call = self.ctx.program.objects.global_call(mod, name)
        if call is None:
            return Value()
        ctx, env = self.ctx, self.env
        self.ctx, self.env = replace(ctx, flows=[], param_sinks=[], fields=[], callees=set()), {}
        try:
            value = self.ev(call)
        finally:
            self.ctx, self.env = ctx, env
        known = self._globals[name] = Value(tags=value.tags, cls=value.cls)
        return known

    def _ev_Attribute(self, node: ast.Attribute) -> Value:
        text = dotted(node)
        if text and text in self.env:
            return self.env[text]
        root = text.split(".")[0] if text else ""
        if text and root not in self.env:
            name, _ = self.ctx.program.expr_name(self.ctx.module, node)
            if name in self.ctx.program.rules.request_qualified:
                return Value(request=True)
            rule = self.qualified_source(name)
            if rule is not None:
                return self.source(rule, rule.note, node.lineno)
        base = self.ev(node.value)
        if base.request:
            if self.request_attribute(node.attr):
                value = self.source(None, f"request.{node.attr} read", node.lineno)
                items = self.ctx.program.rules.request_item_types.get(node.attr, "")
                return replace(value, item_cls=items) if items else value
            return Value()
        if base.cls:
            return self._field(node, base)
        return Value(base.all_labels())

    def _field(self, node: ast.Attribute, base: Value) -> Value:
        """``obj.attr`` of a typed object: what was stored in the field, and its type."""
        program = self.ctx.program
        klass = program.klass(base.cls)
        if klass is None:
            return Value(base.all_labels())
        name = program.objects.field_name(klass.qname, node.attr)
        stored = self.ctx.table.read_field(name, self.ctx.function.qname)
        if stored:
            shown = f"{dotted(node.value) or '?'}.{node.attr}"
            stored = add_step(stored, self.path, node.lineno, f"read from {shown}")
        cls = program.objects.field_type(klass.qname, node.attr)
        cls = cls or self.ctx.table.field_kind(name)
        return Value(base.all_labels() | stored, cls=cls)

    def store_field(self, target: ast.Attribute, labels: frozenset[Label], cls: str = "") -> None:
        """Record that ``labels`` (and an object of type ``cls``) are stored in ``target``
        when it is a field of an instance of a project class."""
        base = self.ev(target.value)
        klass = self.ctx.program.klass(base.cls) if base.cls else None
        if klass is None:
            return
        name = self.ctx.program.objects.field_name(klass.qname, target.attr)
        if cls:
            self.ctx.fields.append(FieldWrite(name, None, cls))
        params = [lb for lb in labels if lb.param >= 0]  # traced on where a source is passed in
        sources = frozenset(lb for lb in labels if lb.param < 0)
        if sources:
            note = f"stored in {klass.qname.rpartition('.')[2]}.{target.attr}"
            sources = add_step(sources, self.path, target.lineno, note)
        self.ctx.fields.extend(FieldWrite(name, lb) for lb in (*params, *sources))

    def _ev_Subscript(self, node: ast.Subscript) -> Value:
        base = self.ev(node.value)
        key = self.ev(node.slice)
        if is_constant_table(base) and not isinstance(node.slice, ast.Slice):
            return Value()  # one of the table's own constant values, whatever the key
        if isinstance(node.slice, ast.Slice):
            return Value(base.all_labels() | key.all_labels(), item_cls=base.item_cls)
        if key.const is NO_CONST:
            return Value(base.all_labels() | key.all_labels(), cls=base.item_cls)
        item = base.part(key.const)
        return replace(item, cls=base.item_cls) if base.item_cls else item

    def _ev_Starred(self, node: ast.Starred) -> Value:
        return self.ev(node.value)

    def _ev_Await(self, node: ast.Await) -> Value:
        return self.ev(node.value)

    def _ev_Lambda(self, node: ast.Lambda) -> Value:
        return Value()

    def _ev_NamedExpr(self, node: ast.NamedExpr) -> Value:
        value = self.ev(node.value)
        self.env[node.target.id] = value
        return value

    # --- operators -------------------------------------------------------------------------

    def _ev_BinOp(self, node: ast.BinOp) -> Value:
        left, right = self.ev(node.left), self.ev(node.right)
        const = fold_binop(node.op, left.const, right.const)
        if const is not NO_CONST:
            return Value(const=const)
        labels = left.all_labels() | right.all_labels()
        if labels and isinstance(node.op, ast.Add | ast.Mod):
            how = "concatenated" if isinstance(node.op, ast.Add) else "%-formatted"
            labels = add_step(labels, self.path, node.lineno, f"{how} into a string")
        return from_labels(labels)

    def _ev_UnaryOp(self, node: ast.UnaryOp) -> Value:
        operand = self.ev(node.operand)
        const = fold_unary(node.op, operand.const)
        if const is not NO_CONST:
            return Value(const=const)
        return Value() if isinstance(node.op, ast.Not) else Value(operand.all_labels())

    def _ev_Compare(self, node: ast.Compare) -> Value:
        values = [self.ev(node.left), *(self.ev(c) for c in node.comparators)]
        const = fold_compare(node.ops, [v.const for v in values])
        return Value(const=const)

    def _ev_BoolOp(self, node: ast.BoolOp) -> Value:
        values = [self.ev(v) for v in node.values]
        const = fold_boolop(node.op, [v.const for v in values])
        if const is not NO_CONST:
            return Value(const=const)
        for v in values:
            known = truth(v.const)
            if known is not None and known == isinstance(node.op, ast.Or):
                return v
        return join(values)

    def _ev_IfExp(self, node: ast.IfExp) -> Value:
        test = truth(self.ev(node.test).const)
        if test is True:
            return self.ev(node.body)
        if test is False:
            return self.ev(node.orelse)
        return join([self.ev(node.body), self.ev(node.orelse)])

    def _ev_JoinedStr(self, node: ast.JoinedStr) -> Value:
        values = [self.ev(v) for v in node.values]
        if all(v.const is not NO_CONST for v in values):
            return Value(const="".join(str(v.const) for v in values))
        labels = frozenset(lb for v in values for lb in v.all_labels())
        if labels:
            labels = add_step(labels, self.path, node.lineno, "formatted into an f-string")
        return from_labels(labels)

    def _ev_FormattedValue(self, node: ast.FormattedValue) -> Value:
        value = self.ev(node.value)
        if node.format_spec is not None:
            self.ev(node.format_spec)
        return value

    # --- containers ------------------------------------------------------------------------

    def _ev_Dict(self, node: ast.Dict) -> Value:
        parts: list[tuple[object, Value]] = []
        labels: set[Label] = set()
        for k, v in zip(node.keys, node.values, strict=True):
            value = self.ev(v)
            key = self.ev(k) if k is not None else Value()
            if k is not None and key.const is not NO_CONST and _hashable(key.const):
                parts.append((key.const, value))
            else:
                labels |= value.all_labels() | key.all_labels()
        return Value(from_labels(labels).labels, tuple(parts))

    def _sequence(self, elts: list[ast.expr]) -> Value:
        if any(isinstance(e, ast.Starred) for e in elts):
            return from_labels(lb for e in elts for lb in self.ev(e).all_labels())
        values = [self.ev(e) for e in elts]
        const = tuple(v.const for v in values)
        if values and all(c is not NO_CONST for c in const):
            return Value(parts=tuple(enumerate(values)), const=const)
        return Value(parts=tuple(enumerate(values)))

    def _ev_Tuple(self, node: ast.Tuple) -> Value:
        return self._sequence(node.elts)

    def _ev_List(self, node: ast.List) -> Value:
        return replace(self._sequence(node.elts), const=NO_CONST)

    def _ev_Set(self, node: ast.Set) -> Value:
        return from_labels(lb for e in node.elts for lb in self.ev(e).all_labels())

    def _comprehension(self, node: ast.ListComp | ast.SetComp | ast.GeneratorExp) -> Value:
        saved = dict(self.env)
        self._generators(node.generators)
        value = Value(self.ev(node.elt).all_labels())
        self.env = saved
        return value

    def _generators(self, generators: list[ast.comprehension]) -> None:
        for gen in generators:
            self.bind(gen.target, Value(self.ev(gen.iter).all_labels()))
            for cond in gen.ifs:
                self.ev(cond)

    def _ev_ListComp(self, node: ast.ListComp) -> Value:
        return self._comprehension(node)

    def _ev_SetComp(self, node: ast.SetComp) -> Value:
        return self._comprehension(node)

    def _ev_GeneratorExp(self, node: ast.GeneratorExp) -> Value:
        return self._comprehension(node)

    def _ev_DictComp(self, node: ast.DictComp) -> Value:
        saved = dict(self.env)
        self._generators(node.generators)
        value = from_labels(self.ev(node.key).all_labels() | self.ev(node.value).all_labels())
        self.env = saved
        return value

    def _ev_Call(self, node: ast.Call) -> Value:
        return self.call(node)

    # --- binding ---------------------------------------------------------------------------

    def bind(self, target: ast.expr, value: Value) -> None:
        """Assign ``value`` to a name, tuple pattern or attribute (subscripts: see engine)."""
        if isinstance(target, ast.Name):
            self.env[target.id] = value
        elif isinstance(target, ast.Tuple | ast.List):
            for i, elt in enumerate(target.elts):
                if isinstance(elt, ast.Starred):
                    self.bind(elt.value, Value(value.all_labels()))
                else:
                    self.bind(elt, value.part(i))
        elif isinstance(target, ast.Attribute):
            text = dotted(target)
            if text:
                self.env[text] = value
            self.store_field(target, value.all_labels(), value.cls)
        elif isinstance(target, ast.Starred):
            self.bind(target.value, value)


def _hashable(value: object) -> bool:
    try:
        hash(value)
    except TypeError:
        return False
    return True
