"""What every host check returns: a :class:`Hit` on a :class:`Check`, made a Finding later.

Checks do not know the analyser's version, so they return hits; :func:`to_finding` adds the
version and the fingerprint ``make_fingerprint("host", weakness, host, port, check id)``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from mamori.analysers.hosts._wire import evidence
from mamori.model import (
    Confidence,
    CweId,
    Finding,
    Location,
    Severity,
    make_fingerprint,
    weakness_class,
)

ANALYSER_ID = "hosts"


@dataclass(frozen=True, slots=True)
class Check:
    """One network check."""

    id: str
    """Stable check id (``HOST-TLS-OLD-PROTOCOL``)."""
    title: str
    """Short human title of the problem."""
    severity: Severity
    """How bad it is if real."""
    cwe: CweId
    """Primary weakness (chosen so fusion groups it with the config auditors)."""
    help: str = ""
    """Where the guidance comes from."""


@dataclass(frozen=True, slots=True)
class Hit:
    """One check that fired on one endpoint."""

    check: Check
    """The check."""
    host: str
    """Address of the endpoint."""
    port: int
    """TCP port of the endpoint."""
    message: str
    """What is wrong here, one or two sentences, no secrets."""
    evidence: str = ""
    """Probe transcript or tool output supporting it (redacted and truncated here)."""
    confidence: Confidence = Confidence.HIGH
    """How sure the check is."""
    properties: Mapping[str, Any] = field(default_factory=dict)
    """JSON-safe extras (algorithm lists, protocol versions…)."""


def to_finding(hit: Hit, version: str) -> Finding:
    """The Finding for ``hit`` as reported by the ``hosts`` analyser at ``version``."""
    c = hit.check
    weakness = weakness_class((c.cwe,), c.id)
    return Finding(
        analyser=ANALYSER_ID, analyser_version=version, rule_id=c.id, title=c.title,
        message=hit.message, severity=c.severity, confidence=hit.confidence,
        location=Location(host=hit.host, port=hit.port),
        fingerprint=make_fingerprint("host", weakness, hit.host, str(hit.port), c.id),
        cwe=(c.cwe,), evidence=evidence(hit.evidence), help_uri=c.help,
        properties=dict(hit.properties),
    )  # fmt: skip
