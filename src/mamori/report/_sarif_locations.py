"""SARIF location objects: artifact URIs, regions, logical (host) locations and code flows.

Paths relative to the scan root become URIs relative to ``%SRCROOT%`` (declared in the run's
``originalUriBaseIds``), which is what GitHub code scanning and IDE viewers resolve against
the checkout. Absolute paths become ``file://`` URIs. File names that are not valid UTF-8
(surrogate-escaped by the OS layer) are percent-encoded byte for byte, so the URI names the
real file.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import quote

from mamori.model import Finding, Location, TraceStep
from mamori.report._text import clean, plain

SRCROOT = "%SRCROOT%"
"""The uriBaseId every relative artifact URI is resolved against."""


def source_root_uri(roots: Sequence[str], source_root: str | None) -> str | None:
    """``file://`` URI (with trailing slash) of the folder relative paths are relative to.

    ``source_root`` wins when given; otherwise it is the common parent of ``roots`` (a file
    root counts as its folder), mirroring how targets compute displayed paths.
    """
    if source_root:
        folders = [Path(source_root).resolve()]
    else:
        folders = [_folder_of(Path(r)) for r in roots]
    if not folders:
        return None
    common = Path(os.path.commonpath([str(f) for f in folders]))
    uri = common.as_uri()
    return uri if uri.endswith("/") else uri + "/"


def _folder_of(root: Path) -> Path:
    resolved = root.resolve()
    if resolved.exists():
        return resolved if resolved.is_dir() else resolved.parent
    return resolved.parent if resolved.suffix else resolved  # gone since the scan: guess


def artifact_location(path: str) -> dict[str, Any]:
    """The ``artifactLocation`` of a displayed path."""
    if PurePosixPath(path).is_absolute():
        return {"uri": "file://" + _quote(path)}
    relative = path[2:] if path.startswith("./") else path
    return {"uri": _quote(relative), "uriBaseId": SRCROOT}


def _quote(path: str) -> str:
    try:
        return quote(path, safe="/", errors="surrogateescape")
    except UnicodeEncodeError:  # a lone surrogate that is no escaped byte
        return quote(plain(path), safe="/")


def location(loc: Location, message: str = "") -> dict[str, Any]:
    """A SARIF ``location`` for a file range and/or a network endpoint."""
    out: dict[str, Any] = {}
    if loc.path:
        physical: dict[str, Any] = {"artifactLocation": artifact_location(loc.path)}
        if loc.start_line:
            physical["region"] = _region(loc)
        out["physicalLocation"] = physical
    if loc.host:
        out["logicalLocations"] = [
            {"name": plain(str(loc)), "fullyQualifiedName": plain(str(loc)), "kind": "resource"}
        ]
    if message:
        out["message"] = {"text": clean(message)}
    return out


def _region(loc: Location) -> dict[str, Any]:
    start, end = loc.lines
    region: dict[str, Any] = {"startLine": start}
    if end > start:
        region["endLine"] = end
    if loc.start_column:
        region["startColumn"] = loc.start_column
    return region


def has_place(loc: Location) -> bool:
    """Whether ``loc`` names a file or a host (an empty Location says nothing)."""
    return bool(loc.path or loc.host)


def code_flows(findings: Sequence[Finding]) -> list[dict[str, Any]]:
    """One code flow per finding that carries a data-flow trace, source to sink."""
    return [
        {
            "message": {"text": clean(f"{f.analyser} ({f.rule_id}): data flow, source to sink")},
            "threadFlows": [{"locations": [_flow_step(s, n) for n, s in enumerate(f.trace)]}],
        }
        for f in findings
        if f.trace
    ]


def _flow_step(step: TraceStep, order: int) -> dict[str, Any]:
    return {"location": location(step.location, step.note or "step"), "executionOrder": order}


def related_locations(findings: Sequence[Finding]) -> list[dict[str, Any]]:
    """Where the other analysers in a group pointed, when that differs from the anchor."""
    anchor = findings[0].location
    related = []
    for n, f in enumerate(findings[1:], start=1):
        if f.location == anchor or not has_place(f.location):
            continue
        note = f"{f.analyser} ({f.rule_id}): {f.message}"
        related.append({"id": n, **location(f.location, note)})
    return related
