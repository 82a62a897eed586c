"""Checks that need no data flow: insecure cookies, weak password hashes, weak random secrets.

* CWE-614: ``response.set_cookie(...)`` without both ``secure=True`` and ``httponly=True``
  (calls passing ``**options`` are not judged).
* CWE-328: ``hashlib.md5``/``sha1`` (or ``hashlib.new("md5")``) over a password-ish value,
  unless ``usedforsecurity=False`` says it is not for security.
* CWE-330: a ``random`` module function (not ``SystemRandom``/``secrets``) assigned to a
  token-, OTP-, password- or secret-like name.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable
from dataclasses import dataclass

from mamori.model import Confidence, CweId

__all__ = ["Hit", "run_checks"]

_SECRETISH = re.compile(
    r"pass(word|wd|phrase)?|pwd|secret|token|otp|nonce|salt|api_?key|session_?key|reset_?code|"
    r"\bpin\b|_pin$|^pin_|verification_?code|auth_?code|csrf",
    re.IGNORECASE,
)
_WEAK_HASHES = frozenset({"hashlib.md5", "hashlib.sha1", "md5.new", "sha.new"})
_WEAK_NAMES = frozenset({"md5", "sha1"})
_RANDOM = frozenset(
    {
        "random",
        "randint",
        "randrange",
        "choice",
        "choices",
        "getrandbits",
        "sample",
        "uniform",
        "shuffle",
        "randbytes",
    }
)

Resolve = Callable[[ast.expr], str]
"""Dotted name of an expression, imports followed."""
_TRIGGERS = frozenset({"set_cookie", "md5", "sha1", "new"}) | _RANDOM
"""Words a module must contain for any check to fire (a cheap pre-screen)."""


@dataclass(frozen=True, slots=True)
class Hit:
    """One non-flow finding."""

    cwe: CweId
    """The weakness."""
    line: int
    """Where it is (1-based)."""
    message: str
    """What is wrong, without any secret value."""
    confidence: Confidence
    """How sure the check is."""


def run_checks(tree: ast.Module, resolve: Resolve, idents: frozenset[str]) -> list[Hit]:
    """Every non-flow finding in a module's ``tree``.

    ``resolve`` gives the dotted name a call's function expression stands for (imports
    followed); ``idents`` are the identifiers in the module (a pre-screen).
    """
    if idents.isdisjoint(_TRIGGERS):
        return []
    hits: list[Hit] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            hits.extend(_cookie(node))
            hits.extend(_weak_hash(resolve, node))
        elif isinstance(node, ast.Assign | ast.AnnAssign):
            hits.extend(_weak_random(resolve, node))
    return sorted(hits, key=lambda h: (h.line, h.cwe))


def _true_kw(node: ast.Call, name: str) -> bool:
    return any(
        k.arg == name and isinstance(k.value, ast.Constant) and k.value.value is True
        for k in node.keywords
    )


def _cookie(node: ast.Call) -> list[Hit]:
    if not (isinstance(node.func, ast.Attribute) and node.func.attr == "set_cookie"):
        return []
    if any(k.arg is None for k in node.keywords):
        return []
    missing = [f for f in ("secure", "httponly") if not _true_kw(node, f)]
    if not missing:
        return []
    flags = " and ".join(f"{m}=True" for m in missing)
    return [Hit(CweId(614), node.lineno, f"cookie is set without {flags}", Confidence.HIGH)]


def _names_in(node: ast.AST) -> list[str]:
    out: list[str] = []
    for n in ast.walk(node):
        if isinstance(n, ast.Name):
            out.append(n.id)
        elif isinstance(n, ast.Attribute):
            out.append(n.attr)
        elif isinstance(n, ast.Constant) and isinstance(n.value, str) and len(n.value) < 40:
            continue
    return out


def _weak_hash(resolve: Resolve, node: ast.Call) -> list[Hit]:
    name = resolve(node.func)
    args = list(node.args)
    algorithm = ""
    if name in _WEAK_HASHES:
        algorithm = name.rsplit(".", 1)[-1]
    elif name == "hashlib.new" and args and isinstance(args[0], ast.Constant):
        algorithm = str(args[0].value).lower()
        args = args[1:]
        if algorithm not in _WEAK_NAMES:
            return []
    else:
        return []
    if any(k.arg == "usedforsecurity" for k in node.keywords):
        return []
    payload = [*args, *(k.value for k in node.keywords if k.arg in {"string", "data"})]
    if not any(_SECRETISH.search(n) for a in payload for n in _names_in(a)):
        return []
    msg = f"{algorithm} is too weak to hash a password or token; use a slow, salted KDF"
    return [Hit(CweId(328), node.lineno, msg, Confidence.MEDIUM)]


def _target_names(node: ast.Assign | ast.AnnAssign) -> list[str]:
    targets = node.targets if isinstance(node, ast.Assign) else [node.target]
    return [n for t in targets for n in _names_in(t)]


def _weak_random(resolve: Resolve, node: ast.Assign | ast.AnnAssign) -> list[Hit]:
    if node.value is None or not any(_SECRETISH.search(n) for n in _target_names(node)):
        return []
    for call in ast.walk(node.value):
        if not isinstance(call, ast.Call):
            continue
        name = resolve(call.func)
        module, _, func = name.rpartition(".")
        if module in {"random", "numpy.random"} and func in _RANDOM:
            msg = f"{name}() is predictable; use the secrets module for security values"
            return [Hit(CweId(330), node.lineno, msg, Confidence.MEDIUM)]
    return []
