"""Line-edit fixes for Kubernetes pod specs (no YAML re-dump, so comments and layout stay).

A present value is changed in place; a missing container field goes into the container's
block-style ``securityContext`` (or a new one after the container's ``name`` line); a missing
pod field goes just before the pod spec's ``containers:`` key. Flow-style mappings
(``securityContext: {}``) are left alone rather than rewritten.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from mamori.analysers.config._k8s import Container, PodSpec
from mamori.analysers.config._textedit import LineEdits
from mamori.analysers.config._yamlpos import CommentedMap
from mamori.analysers.config.interface import Violation

__all__ = ["apply_k8s_fixes"]

_CONTAINER_VALUES = {
    "privileged": "false",
    "allowPrivilegeEscalation": "false",
    "runAsNonRoot": "true",
    "readOnlyRootFilesystem": "true",
}
_POD_VALUES = {
    "hostNetwork": "false",
    "hostPID": "false",
    "hostIPC": "false",
    "automountServiceAccountToken": "false",
}


def _set_value(edits: LineEdits, node: CommentedMap, key: str, value: str) -> None:
    line, col = (int(x) for x in node.lc.value(key))
    current = edits.current(line + 1)
    edits.replace(line + 1, current[:col] + re.sub(r"^\S+", value, current[col:], count=1))


def _is_block(node: Any) -> bool:
    return isinstance(node, CommentedMap) and len(node) > 0 and not node.fa.flow_style()


def _key_pos(node: CommentedMap, key: str) -> tuple[int, int]:
    line, col = node.lc.key(key)
    return int(line) + 1, int(col)


def _field_lines(field: str, indent: str) -> list[str]:
    if field == "capabilities":
        return [f"{indent}capabilities:", f'{indent}  drop: ["ALL"]']
    return [f"{indent}{field}: {_CONTAINER_VALUES[field]}"]


def _fix_container(edits: LineEdits, c: Container, fields: list[str]) -> None:
    sc = c.node.get("securityContext")
    missing: list[str] = []
    for field in fields:
        if field != "capabilities" and isinstance(sc, CommentedMap) and field in sc:
            _set_value(edits, sc, field, _CONTAINER_VALUES[field])
        elif field == "capabilities" and _is_block(sc) and "capabilities" in sc:
            caps = sc["capabilities"]
            if _is_block(caps) and "drop" not in caps:
                line, col = _key_pos(caps, next(iter(caps)))
                edits.insert_after(line - 1, f'{" " * col}drop: ["ALL"]')
        else:
            missing.append(field)
    if not missing:
        return
    if _is_block(sc):
        line, col = _key_pos(sc, next(iter(sc)))
        anchor, indent = _key_pos(c.node, "securityContext")[0], " " * col
    elif sc is None:
        anchor, col = _key_pos(c.node, "name")
        edits.insert_after(anchor, f"{' ' * col}securityContext:")
        indent = " " * (col + 2)
    else:
        return  # flow-style or empty securityContext: not rewritten
    for field in missing:
        for text in _field_lines(field, indent):
            edits.insert_after(anchor, text)


def _fix_pod(edits: LineEdits, pod: PodSpec, keys: list[str]) -> None:
    for key in keys:
        if key in pod.node:
            _set_value(edits, pod.node, key, _POD_VALUES[key])
        elif "containers" in pod.node:
            line, col = _key_pos(pod.node, "containers")
            edits.insert_after(line - 1, f"{' ' * col}{key}: {_POD_VALUES[key]}")


def apply_k8s_fixes(text: str, pods: list[PodSpec], violations: Sequence[Violation]) -> str:
    """``text`` with the container and pod fields named by ``violations`` fixed."""
    containers = {c.line: c for p in pods for c in p.containers}
    by_spec = {p.line: p for p in pods}
    container_fields: dict[int, list[str]] = {}
    pod_keys: dict[int, list[str]] = {}
    for v in violations:
        anchor = int(v.fix.get("anchor", "0"))
        if "field" in v.fix and anchor in containers:
            container_fields.setdefault(anchor, []).append(v.fix["field"])
        elif "pod" in v.fix and anchor in by_spec:
            pod_keys.setdefault(anchor, []).append(v.fix["pod"])
    edits = LineEdits(text)
    for anchor, fields in container_fields.items():
        _fix_container(edits, containers[anchor], list(dict.fromkeys(fields)))
    for anchor, keys in pod_keys.items():
        _fix_pod(edits, by_spec[anchor], list(dict.fromkeys(keys)))
    return edits.apply()
