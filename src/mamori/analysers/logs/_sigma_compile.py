"""Compile a pySigma condition tree into one Python predicate over an event.

Each leaf becomes a closure specialised to its match kind (exact, prefix, suffix, substring,
wildcard regex, regex, CIDR, number comparison, field reference, null, exists), and an OR of
same-kind string leaves on one field collapses into one set lookup or one ``str.endswith``
over a tuple — the shape of most SigmaHQ rules (``Image|endswith: [...]``). String matching is
case-insensitive as Sigma specifies, unless the rule says ``|cased``.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from ahocorasick_rs import AhoCorasick
from sigma.conditions import (
    ConditionAND,
    ConditionFieldEqualsValueExpression,
    ConditionNOT,
    ConditionOR,
    ConditionValueExpression,
)
from sigma.types import (
    CompareOperators,
    SigmaBool,
    SigmaCasedString,
    SigmaCIDRExpression,
    SigmaCompareExpression,
    SigmaExists,
    SigmaExpansion,
    SigmaFieldReference,
    SigmaNull,
    SigmaNumber,
    SigmaRegularExpression,
    SigmaRegularExpressionFlag,
    SigmaString,
    SigmaType,
    SpecialChars,
)

__all__ = [
    "Doc",
    "Gate",
    "Gates",
    "TEXT",
    "Predicate",
    "UnsupportedRule",
    "compile_condition",
    "fields_read",
    "gate",
    "renamed",
    "required_event_ids",
]


@dataclass(slots=True)
class Doc:
    """One event as the predicates see it (built once per event)."""

    fields: Mapping[str, str]
    """Original field values (string tests lower-case the ones they read)."""
    text: str
    """Lower-cased raw line, for keyword rules."""


Predicate = Callable[[Doc], bool]
"""A compiled condition."""


class UnsupportedRule(Exception):  # noqa: N818 - internal signal, turned into a RuleFailure
    """The rule uses a Sigma feature the in-process engine cannot evaluate."""


_FLAGS = {
    SigmaRegularExpressionFlag.IGNORECASE: re.IGNORECASE,
    SigmaRegularExpressionFlag.MULTILINE: re.MULTILINE,
    SigmaRegularExpressionFlag.DOTALL: re.DOTALL,
}


def compile_condition(node: object) -> Predicate:
    """Compile a postprocessed condition tree (from ``SigmaCondition.parsed``)."""
    if isinstance(node, ConditionAND):
        return _all([compile_condition(a) for a in node.args])
    if isinstance(node, ConditionOR):
        return _compile_or(node.args)
    if isinstance(node, ConditionNOT):
        inner = compile_condition(node.args[0])
        return lambda d: not inner(d)
    if isinstance(node, ConditionFieldEqualsValueExpression):
        return _field_leaf(node.field, node.value)
    if isinstance(node, ConditionValueExpression):
        return _keyword_leaf(node.value)
    raise UnsupportedRule(f"unsupported condition element {type(node).__name__}")


def _compile_or(args: Sequence[object]) -> Predicate:
    merged = _merge_string_leaves(args) or _merge_keywords(args)
    if merged is not None:
        return merged
    return _any([compile_condition(a) for a in args])


def _merge_keywords(args: Sequence[object]) -> Predicate | None:
    """One regular expression for an OR of keywords (searched in the lower-cased line)."""
    if len(args) < 2 or not all(isinstance(a, ConditionValueExpression) for a in args):
        return None
    parts = [_keyword_fragment(a.value) for a in args]  # type: ignore[attr-defined]
    if any(p is None for p in parts):
        return None
    pattern = _regex("|".join(f"(?:{p})" for p in parts if p is not None), re.DOTALL)
    return lambda d: pattern.search(d.text) is not None


def _keyword_fragment(value: SigmaType) -> str | None:
    """A regex fragment matching keyword ``value`` in lower-cased text, or None."""
    if isinstance(value, (SigmaNumber, SigmaBool)):
        return re.escape(str(value).lower())
    if not isinstance(value, SigmaString) or value.contains_placeholder():
        return None
    parts = list(value.s)
    while parts and parts[0] is SpecialChars.WILDCARD_MULTI:
        parts.pop(0)
    while parts and parts[-1] is SpecialChars.WILDCARD_MULTI:
        parts.pop()
    return "".join(
        ".*" if p is SpecialChars.WILDCARD_MULTI
        else "." if p is SpecialChars.WILDCARD_SINGLE
        else re.escape(str(p).lower())
        for p in parts
    )  # fmt: skip


def _all(parts: list[Predicate]) -> Predicate:
    """Short-circuit AND; pairs are nested lambdas (no generator per call)."""
    if len(parts) == 1:
        return parts[0]
    if len(parts) == 2:
        a, b = parts
        return lambda d: a(d) and b(d)
    head, rest = parts[0], _all(parts[1:])
    return lambda d: head(d) and rest(d)


def _any(parts: list[Predicate]) -> Predicate:
    """Short-circuit OR, like :func:`_all`."""
    if len(parts) == 1:
        return parts[0]
    if len(parts) == 2:
        a, b = parts
        return lambda d: a(d) or b(d)
    if len(parts) > 8:
        return lambda d: any(p(d) for p in parts)
    head, rest = parts[0], _any(parts[1:])
    return lambda d: head(d) or rest(d)


def _merge_string_leaves(args: Sequence[object]) -> Predicate | None:
    """One predicate for an OR of plain string leaves on one field, or None."""
    if not args or not all(isinstance(a, ConditionFieldEqualsValueExpression) for a in args):
        return None
    leaves: list[ConditionFieldEqualsValueExpression] = list(args)  # type: ignore[arg-type]
    name = leaves[0].field
    shapes = [_shape(leaf.value) for leaf in leaves if leaf.field == name]
    if len(shapes) != len(leaves) or any(s is None for s in shapes):
        return None
    kinds = {s[0] for s in shapes if s is not None}
    if len(kinds) != 1:
        return None
    values = tuple(s[1] for s in shapes if s is not None)
    return _string_test(name, kinds.pop(), values)


def _shape(value: SigmaType) -> tuple[str, str] | None:
    """(kind, lower-case literal) of a simple case-insensitive string, else None."""
    if not isinstance(value, SigmaString) or isinstance(value, SigmaCasedString):
        return None
    parts = value.s
    if any(not isinstance(p, (str, SpecialChars)) for p in parts):
        return None
    star = SpecialChars.WILDCARD_MULTI
    inner = parts[1:-1] if len(parts) > 2 else ()
    if any(isinstance(p, SpecialChars) for p in inner) or SpecialChars.WILDCARD_SINGLE in parts:
        return None
    texts = [p for p in parts if isinstance(p, str)]
    if len(texts) != 1 and parts:
        return None
    literal = texts[0].lower() if texts else ""
    lead, trail = bool(parts) and parts[0] is star, bool(parts) and parts[-1] is star
    kind = {(False, False): "eq", (True, True): "in", (True, False): "end", (False, True): "start"}
    return kind[(lead, trail)], literal


def _string_test(name: str, kind: str, values: tuple[str, ...]) -> Predicate:
    if kind == "eq":
        wanted = frozenset(values)
        return lambda d: (v := d.fields.get(name)) is not None and v.lower() in wanted
    if kind == "start":
        return lambda d: (v := d.fields.get(name)) is not None and v.lower().startswith(values)
    if kind == "end":
        return lambda d: (v := d.fields.get(name)) is not None and v.lower().endswith(values)
    if len(values) == 1:
        needle = values[0]
        return lambda d: (v := d.fields.get(name)) is not None and needle in v.lower()
    if "" in values:
        return lambda d: name in d.fields
    if len(values) > 4:
        auto = _automaton(values)
        return lambda d: (v := d.fields.get(name)) is not None and _found(auto, values, v.lower())
    return lambda d: (v := d.fields.get(name)) is not None and any(n in v.lower() for n in values)


def _automaton(needles: Sequence[str]) -> AhoCorasick:
    """One Aho-Corasick automaton finding any of ``needles`` (faster to build and to run than
    a regular expression alternating hundreds of literals, as SigmaHQ's lists do)."""
    return AhoCorasick(list(dict.fromkeys(needles)))


def _found(auto: AhoCorasick, needles: Sequence[str], text: str) -> bool:
    try:
        return bool(auto.find_matches_as_indexes(text))
    except UnicodeEncodeError:  # a lone surrogate (``%uD800``, a JSON escape) is no UTF-8
        return any(n in text for n in needles)


def _field_leaf(name: str, value: SigmaType) -> Predicate:
    shape = _shape(value)
    if shape is not None:
        return _string_test(name, shape[0], (shape[1],))
    if isinstance(value, SigmaString):
        return _wildcard_leaf(name, value)
    if isinstance(value, SigmaExpansion):
        return _compile_or([ConditionFieldEqualsValueExpression(name, v) for v in value.values])
    if isinstance(value, (SigmaNumber, SigmaBool)):
        text = str(value).lower()
        return lambda d: (v := d.fields.get(name)) is not None and v.lower() == text
    if isinstance(value, SigmaNull):
        return lambda d: not d.fields.get(name)
    if isinstance(value, SigmaExists):
        wanted = value.exists
        return lambda d: (name in d.fields) == wanted
    return _special_leaf(name, value)


def _special_leaf(name: str, value: SigmaType) -> Predicate:
    if isinstance(value, SigmaRegularExpression):
        flags = sum(_FLAGS.get(f, 0) for f in value.flags)
        pattern = _regex(str(value.regexp), flags)
        return lambda d: (v := d.fields.get(name)) is not None and pattern.search(v) is not None
    if isinstance(value, SigmaCIDRExpression):
        return _cidr_leaf(name, value)
    if isinstance(value, SigmaCompareExpression):
        return _compare_leaf(name, value)
    if isinstance(value, SigmaFieldReference):
        other = value.field
        return lambda d: (
            (v := d.fields.get(name)) is not None
            and (o := d.fields.get(other)) is not None
            and v.lower() == o.lower()
        )
    raise UnsupportedRule(f"field {name!r}: value type {type(value).__name__} not supported")


def _wildcard_leaf(name: str, value: SigmaString) -> Predicate:
    if value.contains_placeholder():
        raise UnsupportedRule(f"field {name!r} uses a placeholder with no value defined")
    cased = isinstance(value, SigmaCasedString)
    body = "".join(
        ".*" if p is SpecialChars.WILDCARD_MULTI
        else "." if p is SpecialChars.WILDCARD_SINGLE
        else re.escape(str(p))
        for p in value.s
    )  # fmt: skip
    pattern = _regex(body, re.DOTALL | (0 if cased else re.IGNORECASE))
    if cased:
        return lambda d: (v := d.fields.get(name)) is not None and pattern.fullmatch(v) is not None
    return lambda d: (
        (v := d.fields.get(name)) is not None and pattern.fullmatch(v.lower()) is not None
    )


def _regex(text: str, flags: int) -> re.Pattern[str]:
    try:
        return re.compile(text, flags)
    except re.error as e:
        raise UnsupportedRule(f"regular expression {text!r} is not valid in Python: {e}") from e


def _cidr_leaf(name: str, value: SigmaCIDRExpression) -> Predicate:
    network = ipaddress.ip_network(str(value.network), strict=False)

    def test(d: Doc) -> bool:
        raw = d.fields.get(name)
        if not raw:
            return False
        try:
            return ipaddress.ip_address(raw.strip("[]")) in network
        except ValueError:
            return False

    return test


_OPS: dict[CompareOperators, Callable[[float, float], bool]] = {
    CompareOperators.LT: lambda a, b: a < b,
    CompareOperators.LTE: lambda a, b: a <= b,
    CompareOperators.GT: lambda a, b: a > b,
    CompareOperators.GTE: lambda a, b: a >= b,
}


def _compare_leaf(name: str, value: SigmaCompareExpression) -> Predicate:
    op = _OPS.get(value.op)
    if op is None:
        raise UnsupportedRule(f"field {name!r}: comparison {value.op} not supported")
    limit = float(value.number.number)

    def test(d: Doc) -> bool:
        raw = d.fields.get(name)
        try:
            return raw is not None and op(float(raw), limit)
        except ValueError:
            return False

    return test


def _keyword_leaf(value: SigmaType) -> Predicate:
    if isinstance(value, SigmaExpansion):
        return _any([_keyword_leaf(v) for v in value.values])
    if isinstance(value, (SigmaNumber, SigmaBool)):
        needle = str(value).lower()
        return lambda d: needle in d.text
    if isinstance(value, SigmaRegularExpression):
        pattern = _regex(str(value.regexp), sum(_FLAGS.get(f, 0) for f in value.flags))
        return lambda d: pattern.search(d.text) is not None
    if not isinstance(value, SigmaString) or value.contains_placeholder():
        raise UnsupportedRule(f"keyword of type {type(value).__name__} not supported")
    shape = _shape(value)
    if shape is not None:
        needle = shape[1]
        return lambda d: needle in d.text
    body = "".join(
        ".*" if p is SpecialChars.WILDCARD_MULTI
        else "." if p is SpecialChars.WILDCARD_SINGLE
        else re.escape(str(p))
        for p in value.s
    )  # fmt: skip
    pattern = _regex(body, re.DOTALL | re.IGNORECASE)
    return lambda d: pattern.search(d.text) is not None


def renamed(node: object, names: Mapping[str, str]) -> object:
    """A copy of condition tree ``node`` with fields (and field references) renamed by
    ``names``; unchanged subtrees are shared, values are never copied."""
    if isinstance(node, ConditionFieldEqualsValueExpression):
        value = node.value
        if isinstance(value, SigmaFieldReference) and value.field in names:
            value = SigmaFieldReference(names[value.field])
        field = names.get(node.field, node.field)
        if field == node.field and value is node.value:
            return node
        return ConditionFieldEqualsValueExpression(field, value)
    if isinstance(node, (ConditionAND, ConditionOR, ConditionNOT)):
        args = [renamed(a, names) for a in node.args]
        if all(a is b for a, b in zip(args, node.args, strict=True)):
            return node
        return type(node)(args)  # type: ignore[arg-type]
    return node


def fields_read(node: object) -> frozenset[str]:
    """Every field the compiled ``node`` reads (:data:`TEXT` for the raw line of keywords).

    The engine lower-cases only these fields of an event before evaluating it.
    """
    if isinstance(node, ConditionFieldEqualsValueExpression):
        value = node.value
        if isinstance(value, SigmaFieldReference):
            return frozenset({node.field, value.field})
        return frozenset({node.field})
    if isinstance(node, ConditionValueExpression):
        return frozenset({TEXT})
    if isinstance(node, (ConditionAND, ConditionOR, ConditionNOT)):
        return frozenset().union(*(fields_read(a) for a in node.args))
    raise UnsupportedRule(f"unsupported condition element {type(node).__name__}")


def required_event_ids(node: object) -> frozenset[str] | None:
    """EventIDs an event must have for ``node`` to match, or None when any may.

    Used to index rules: a rule whose condition is ``EventID: 4625 and …`` is only tried on
    events with EventID 4625.
    """
    if isinstance(node, ConditionFieldEqualsValueExpression):
        if node.field == "EventID" and isinstance(node.value, (SigmaNumber, SigmaString)):
            if isinstance(node.value, SigmaString) and node.value.contains_special():
                return None
            return frozenset({str(node.value)})
        return None
    if isinstance(node, ConditionAND):
        sets = [s for s in (required_event_ids(a) for a in node.args) if s is not None]
        return frozenset.intersection(*sets) if sets else None
    if isinstance(node, ConditionOR):
        subs = [required_event_ids(a) for a in node.args]
        if any(s is None for s in subs):
            return None
        return frozenset().union(*(s for s in subs if s is not None))
    return None


Gate = tuple[str, str, tuple[str, ...]]
"""A string test on one field: (field, kind, lower-case needles), kind eq/start/end/in."""

TEXT = "\x00text"
"""The field name gates use for the raw line (keywords); no real field has this name."""

Gates = tuple[Gate, ...]
"""Alternatives: every match of a rule passes at least one of them."""

_GATE_RANK = {"eq": 4, "end": 3, "start": 3, "in": 2}
_FEW_VALUES = frozenset(
    {"cs-method", "sc-status", "cs-version", "outcome", "action", "auth_method", "Channel",
     "Provider_Name", "Level", "Task", "Keywords", "LogonType", "Status"}
)  # fmt: skip
"""Fields whose values repeat across most events: a test on them hardly narrows anything."""


def gate(node: object) -> Gates | None:
    """String tests of which every match of ``node`` passes at least one, or None.

    The engine indexes rules on them: a rule gated on ``Image`` ending with ``\\whoami.exe`` is
    only evaluated for events whose ``Image`` ends with the same last characters.
    """
    if isinstance(node, ConditionFieldEqualsValueExpression):
        return _value_gate(node.field, node.value, keyword=False)
    if isinstance(node, ConditionValueExpression):
        return _value_gate(TEXT, node.value, keyword=True)
    if isinstance(node, ConditionOR):
        parts = [gate(a) for a in node.args]
        if not parts or any(p is None for p in parts):
            return None
        return tuple(g for p in parts if p is not None for g in p)
    if isinstance(node, ConditionAND):
        found = [g for g in (gate(a) for a in node.args) if g is not None]
        return max(found, key=_gates_score, default=None)
    return None


def _value_gate(name: str, value: SigmaType, keyword: bool) -> Gates | None:
    """The gate of one leaf: what its value says the field (or raw line) must contain.

    ``EventID`` gives none: the engine's dispatch already selects rules by EventID.
    """
    if name == "EventID":
        return None
    if isinstance(value, SigmaExpansion):
        parts = [_value_gate(name, v, keyword) for v in value.values]
        if not parts or any(p is None for p in parts):
            return None
        return tuple(g for p in parts if p is not None for g in p)
    if isinstance(value, (SigmaNumber, SigmaBool)):
        return ((name, "in" if keyword else "eq", (str(value).lower(),)),)
    if not isinstance(value, SigmaString) or value.contains_placeholder():
        return None
    shape = _shape(value)
    if shape is not None and not isinstance(value, SigmaCasedString):
        kind, literal = shape
        return ((name, "in", (literal,)),) if keyword else ((name, kind, (literal,)),)
    literal = _longest_literal(value)
    return ((name, "in", (literal,)),) if literal else None


def _longest_literal(value: SigmaString) -> str:
    """The longest run of plain characters every match of ``value`` contains, lower-cased.

    Matching is case-insensitive against lower-cased values (and a cased match implies the
    lower-cased one), so the lower-cased run is a necessary substring either way.
    """
    runs = [""]
    for part in value.s:
        if isinstance(part, str):
            runs[-1] += part
        else:
            runs.append("")
    return max(runs, key=len).lower()


def _gates_score(gates: Gates) -> tuple[bool, int, int, int]:
    """How selective a gate is likely to be, higher is better: not on a field with few distinct
    values, then needles of up to eight characters longer, then exact before partial."""
    shortest = min((len(n) for g in gates for n in g[2]), default=0)
    return (
        not any(g[0] in _FEW_VALUES for g in gates),
        min(shortest, 8),
        min(_GATE_RANK[g[1]] for g in gates),
        shortest,
    )
