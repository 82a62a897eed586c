"""Constant folding for the taint engine: arithmetic, comparisons and boolean logic on constants.

Only plain Python constants (numbers, strings, bytes, booleans, None and tuples/frozensets of
them) are folded, and only operations whose cost is bounded: huge powers, repetitions and
shifts give up instead of computing. Anything that cannot be folded is ``NO_CONST``.
"""

from __future__ import annotations

import ast
import operator
from collections.abc import Callable
from typing import Any

from mamori.analysers.taint.values import NO_CONST

__all__ = ["fold_binop", "fold_boolop", "fold_compare", "fold_unary", "truth"]

_MAX_SIZE = 10_000
_BIN: dict[type[ast.operator], Callable[[Any, Any], Any]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.FloorDiv: operator.floordiv,
    ast.Mod: operator.mod,
    ast.Pow: operator.pow,
    ast.BitAnd: operator.and_,
    ast.BitOr: operator.or_,
    ast.BitXor: operator.xor,
    ast.LShift: operator.lshift,
    ast.RShift: operator.rshift,
}
_CMP: dict[type[ast.cmpop], Callable[[Any, Any], Any]] = {
    ast.Eq: operator.eq,
    ast.NotEq: operator.ne,
    ast.Lt: operator.lt,
    ast.LtE: operator.le,
    ast.Gt: operator.gt,
    ast.GtE: operator.ge,
    ast.Is: operator.is_,
    ast.IsNot: operator.is_not,
    ast.In: lambda a, b: a in b,
    ast.NotIn: lambda a, b: a not in b,
}
_SIMPLE = (int, float, complex, str, bytes, bool, type(None), tuple, frozenset)


def _ok(value: object) -> bool:
    if not isinstance(value, _SIMPLE):
        return False
    if isinstance(value, str | bytes | tuple | frozenset):
        return len(value) <= _MAX_SIZE
    return not (isinstance(value, int) and value.bit_length() > 4096)


def _too_costly(op: ast.operator, a: object, b: object) -> bool:
    if isinstance(op, ast.Pow):
        return not isinstance(b, int | float) or abs(b) > 64
    if isinstance(op, ast.LShift):
        return not isinstance(b, int) or b > 256
    if isinstance(op, ast.Mult):
        for seq, n in ((a, b), (b, a)):
            if isinstance(seq, str | bytes | tuple) and isinstance(n, int):
                return len(seq) * max(n, 0) > _MAX_SIZE
    return False


def fold_binop(op: ast.operator, a: object, b: object) -> object:
    """``a <op> b`` when both are constants and it is cheap; else ``NO_CONST``."""
    fn = _BIN.get(type(op))
    if fn is None or not (_ok(a) and _ok(b)) or _too_costly(op, a, b):
        return NO_CONST
    try:
        result = fn(a, b)
    except (ArithmeticError, TypeError, ValueError):
        return NO_CONST
    return result if _ok(result) else NO_CONST


def fold_unary(op: ast.unaryop, a: object) -> object:
    """``<op> a`` for a constant ``a``; else ``NO_CONST``."""
    if not _ok(a):
        return NO_CONST
    try:
        if isinstance(op, ast.Not):
            return not a
        if isinstance(op, ast.USub):
            return -a  # type: ignore[operator]
        if isinstance(op, ast.UAdd):
            return +a  # type: ignore[operator]
        return ~a  # type: ignore[operator]
    except TypeError:
        return NO_CONST


def fold_compare(ops: list[ast.cmpop], values: list[object]) -> object:
    """A chained comparison of constants; else ``NO_CONST``."""
    if not all(_ok(v) for v in values):
        return NO_CONST
    try:
        return all(
            _CMP[type(op)](left, right)
            for op, left, right in zip(ops, values, values[1:], strict=False)
        )
    except TypeError:
        return NO_CONST


def fold_boolop(op: ast.boolop, values: list[object]) -> object:
    """``and``/``or`` over constants, short-circuiting as Python does; else ``NO_CONST``."""
    for v in values:
        if v is NO_CONST:
            return NO_CONST
        if isinstance(op, ast.And) and not v:
            return v
        if isinstance(op, ast.Or) and v:
            return v
    return values[-1] if values else NO_CONST


def truth(value: object) -> bool | None:
    """The truth of a folded constant, or None when it is not known."""
    if value is NO_CONST or not _ok(value):
        return None
    return bool(value)
