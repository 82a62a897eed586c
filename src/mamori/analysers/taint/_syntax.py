"""Syntax-tree walks that module facts are read with, independent of the facts themselves.

:func:`dotted_or_unknown` names a call target as written, :func:`statements` flattens a body's
nested blocks, and :func:`identifiers` collects, in one walk, the identifiers and call targets
of a module's top level and of each of its functions; :func:`.facts.extract` records what they
find.
"""

from __future__ import annotations

import ast

__all__ = ["Names", "dotted_or_unknown", "identifiers", "statements"]


def dotted_or_unknown(node: ast.expr) -> str:
    """``a.b.c`` for a dotted name; ``?.b.c`` when the root is not a plain name."""
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    root = node.id if isinstance(node, ast.Name) else "?"
    return ".".join([root, *reversed(parts)])


_BLOCKS = ("body", "orelse", "finalbody", "handlers", "cases")


def statements(body: list[ast.stmt]) -> list[ast.stmt]:
    """Every statement in ``body``, nested blocks, functions and classes included."""
    out: list[ast.stmt] = []
    todo = list(reversed(body))
    while todo:
        stmt = todo.pop()
        out.append(stmt)
        for name in _BLOCKS:
            block = getattr(stmt, name, None)
            if block:
                for child in reversed(block):
                    if isinstance(child, ast.ExceptHandler | ast.match_case):
                        todo.extend(reversed(child.body))
                    else:
                        todo.append(child)
    return out


Names = tuple[set[str], set[str]]
"""Identifiers, and call targets as written (:func:`dotted_or_unknown`)."""


def identifiers(tree: ast.Module) -> tuple[Names, dict[int, Names]]:
    """Names outside functions, and of each function (keyed by node id, nested functions'
    names included in their enclosing functions'), in one walk."""
    top: Names = (set(), set())
    own: dict[int, Names] = {}
    parent: dict[int, int] = {}
    order: list[int] = []
    todo: list[tuple[ast.AST, Names, int]] = [(tree, top, 0)]
    name_t, attr_t, arg_t, call_t = ast.Name, ast.Attribute, ast.arg, ast.Call
    while todo:
        node, sink, owner = todo.pop()
        kind = node.__class__
        if kind is name_t:
            sink[0].add(node.id)  # type: ignore[attr-defined]
            continue
        if kind is attr_t:
            sink[0].add(node.attr)  # type: ignore[attr-defined]
        elif kind is call_t:
            sink[1].add(dotted_or_unknown(node.func))  # type: ignore[attr-defined]
        elif kind is arg_t:
            sink[0].add(node.arg)  # type: ignore[attr-defined]
        elif kind is ast.FunctionDef or kind is ast.AsyncFunctionDef:
            key = id(node)
            sink = own[key] = (set(), set())
            parent[key] = owner
            order.append(key)
            owner = key
        for field_name in node._fields:
            value = getattr(node, field_name, None)
            if value.__class__ is list:
                todo.extend((v, sink, owner) for v in value if isinstance(v, ast.AST))
            elif isinstance(value, ast.AST):
                todo.append((value, sink, owner))
    for key in reversed(order):
        if parent[key]:
            own[parent[key]][0].update(own[key][0])
            own[parent[key]][1].update(own[key][1])
    return top, own
