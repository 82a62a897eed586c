"""YAML loading with line numbers (ruamel.yaml round-trip) for the Compose/Kubernetes auditors.

Fixes are not made by dumping the YAML again (that re-indents and re-wraps the whole file) but
by line edits at the positions ruamel.yaml records, so comments and layout stay as written.
"""

from __future__ import annotations

import io
import re
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError

__all__ = ["CommentedMap", "CommentedSeq", "item_line", "key_line", "load_all", "value_line"]


def _yaml() -> YAML:
    y = YAML(typ="rt")
    y.allow_duplicate_keys = False
    return y


def load_all(text: str) -> list[Any]:
    """Every document of a YAML text (round-trip nodes); ``ValueError`` when it is not YAML."""
    try:
        return [d for d in _yaml().load_all(io.StringIO(text)) if d is not None]
    except YAMLError as e:
        raise ValueError(f"invalid YAML: {_one_line(str(e))}") from e


def _one_line(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()[:300]


def key_line(node: CommentedMap, key: str) -> int:
    """1-based line of ``key`` in a mapping."""
    return int(node.lc.key(key)[0]) + 1


def value_line(node: CommentedMap, key: str) -> tuple[int, int]:
    """1-based line and 0-based column where the value of ``key`` starts."""
    line, col = node.lc.value(key)
    return int(line) + 1, int(col)


def item_line(node: CommentedSeq, index: int) -> tuple[int, int]:
    """1-based line and 0-based column of a sequence item."""
    line, col = node.lc.item(index)
    return int(line) + 1, int(col)


def node_line(node: Any) -> int:
    """1-based line where a mapping or sequence starts (0 when unknown)."""
    lc = getattr(node, "lc", None)
    return int(lc.line) + 1 if lc is not None and lc.line is not None else 0
