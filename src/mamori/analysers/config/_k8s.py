"""Finding pod specs and containers in Kubernetes manifests (multi-document, ``List`` kinds).

Pod specs live at ``spec`` (Pod), ``spec.template.spec`` (Deployment, StatefulSet, DaemonSet,
ReplicaSet, Job, ReplicationController) and ``spec.jobTemplate.spec.template.spec`` (CronJob).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from mamori.analysers.config._yamlpos import CommentedMap, CommentedSeq, load_all

__all__ = ["Container", "PodSpec", "looks_like_manifest", "pod_specs"]

_TEMPLATE_KINDS = frozenset(
    {"Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job", "ReplicationController"}
)
_MANIFEST = re.compile(r"^apiVersion:\s*\S", re.MULTILINE)
_KIND = re.compile(r"^kind:\s*\S", re.MULTILINE)


def looks_like_manifest(head: str) -> bool:
    """Whether text starts like a Kubernetes manifest (top-level apiVersion and kind)."""
    return bool(_MANIFEST.search(head) and _KIND.search(head))


@dataclass(frozen=True, slots=True)
class Container:
    """One container (or init container) of a pod spec."""

    node: CommentedMap
    """The container mapping."""
    name: str
    """Its name."""
    line: int
    """1-based line of its ``name`` key (the anchor for missing settings)."""


@dataclass(frozen=True, slots=True)
class PodSpec:
    """One pod spec and where it came from."""

    node: CommentedMap
    """The pod spec mapping."""
    owner: str
    """``Kind/name`` of the object that holds it."""
    line: int
    """1-based line where the spec mapping starts."""
    containers: tuple[Container, ...]
    """Containers and init containers."""


def _get(node: Any, *path: str) -> Any:
    for key in path:
        if not isinstance(node, CommentedMap):
            return None
        node = node.get(key)
    return node


def _containers(spec: CommentedMap) -> tuple[Container, ...]:
    out: list[Container] = []
    for key in ("initContainers", "containers"):
        seq = spec.get(key)
        if seq is None:
            continue
        if not isinstance(seq, CommentedSeq):
            raise ValueError(f"{key} is not a list")
        for c in seq:
            if not isinstance(c, CommentedMap) or "name" not in c:
                raise ValueError(f"a container in {key} is not a mapping with a name")
            out.append(Container(c, str(c["name"]), int(c.lc.key("name")[0]) + 1))
    return tuple(out)


def _objects(doc: Any) -> Iterator[CommentedMap]:
    if not isinstance(doc, CommentedMap) or "kind" not in doc:
        raise ValueError("a document is not a Kubernetes object (no kind)")
    if str(doc["kind"]).endswith("List") and isinstance(doc.get("items"), CommentedSeq):
        for item in doc["items"]:
            yield from _objects(item)
    else:
        yield doc


def pod_specs(text: str) -> list[PodSpec]:
    """Every pod spec in a manifest text, in document order."""
    out: list[PodSpec] = []
    for doc in load_all(text):
        for obj in _objects(doc):
            kind = str(obj["kind"])
            if kind == "Pod":
                spec = _get(obj, "spec")
            elif kind in _TEMPLATE_KINDS:
                spec = _get(obj, "spec", "template", "spec")
            elif kind == "CronJob":
                spec = _get(obj, "spec", "jobTemplate", "spec", "template", "spec")
            else:
                continue
            if not isinstance(spec, CommentedMap):
                continue
            owner = f"{kind}/{_get(obj, 'metadata', 'name') or '?'}"
            out.append(PodSpec(spec, owner, int(spec.lc.line) + 1, _containers(spec)))
    return out
