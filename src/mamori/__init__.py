"""Mamori (守り): self-hosted cyber-defence for financial institutions.

The public API is the core model; stages live in their own subpackages.
"""

from mamori.model import (
    AnalyserRun,
    Confidence,
    CweId,
    Decision,
    Finding,
    Fingerprint,
    Issue,
    Location,
    RunId,
    ScanResult,
    Severity,
    Skipped,
    Suppression,
    Target,
    TargetKind,
    TraceStep,
)

__version__ = "0.1.0"

__all__ = [
    "AnalyserRun",
    "Confidence",
    "CweId",
    "Decision",
    "Finding",
    "Fingerprint",
    "Issue",
    "Location",
    "RunId",
    "ScanResult",
    "Severity",
    "Skipped",
    "Suppression",
    "Target",
    "TargetKind",
    "TraceStep",
    "__version__",
]
