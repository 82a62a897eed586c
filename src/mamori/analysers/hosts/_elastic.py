"""Elasticsearch and OpenSearch as their root API (``GET /``) shows them; nothing else is asked.

An open cluster answers ``GET /`` with 200 and a JSON document naming the cluster
(``cluster_name``) and its version (``version.number``), signed by the tagline
"You Know, for Search" (Elasticsearch) or ``version.distribution: opensearch`` (OpenSearch).
With security on, Elasticsearch answers 401 with a ``security_exception`` and
``WWW-Authenticate`` challenges (realm "security"); OpenSearch's security plugin answers 401
with the realm "OpenSearch Security".
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from mamori.analysers.hosts._http import HttpResponse
from mamori.analysers.hosts._wire import printable

__all__ = ["Cluster", "cluster", "compact", "secured"]

_TAGLINE = "You Know, for Search"


@dataclass(frozen=True, slots=True)
class Cluster:
    """The cluster an open root API describes."""

    product: str
    """``Elasticsearch`` or ``OpenSearch``."""
    version: str
    """Its ``version.number`` (printable, truncated)."""
    name: str
    """Its ``cluster_name`` (printable, truncated)."""


def cluster(r: HttpResponse) -> Cluster | None:
    """The cluster a 200 answer to ``GET /`` describes; None for anything else."""
    doc = _document(r.body) if r.status == 200 else {}
    version, name = doc.get("version"), doc.get("cluster_name")
    if not isinstance(version, dict) or not isinstance(name, str):
        return None
    number = version.get("number")
    if not isinstance(number, str):
        return None
    if version.get("distribution") == "opensearch":
        product = "OpenSearch"
    elif doc.get("tagline") == _TAGLINE:
        product = "Elasticsearch"
    else:
        return None
    return Cluster(product, printable(number, 40), printable(name, 80))


def secured(r: HttpResponse) -> str | None:
    """The product whose security refused ``GET /`` without credentials (a 401 with a
    challenge), or None."""
    challenge = r.headers.get("www-authenticate", "")
    if r.status != 401 or not challenge:
        return None
    if 'realm="opensearch security"' in challenge.lower():
        return "OpenSearch"
    error = _document(r.body).get("error")
    if isinstance(error, dict) and error.get("type") == "security_exception":
        return "Elasticsearch"
    return None


def compact(body: bytes) -> str:
    """A JSON body on one line (the root API pretty-prints); the raw text when not JSON."""
    try:
        return json.dumps(json.loads(body), separators=(",", ":"), ensure_ascii=False)
    except (ValueError, RecursionError):
        return body.decode("utf-8", "replace")


def _document(body: bytes) -> dict[str, Any]:
    try:
        doc = json.loads(body)
    except (ValueError, RecursionError):  # not JSON, cut by the read limit, or hostile
        return {}
    return doc if isinstance(doc, dict) else {}
