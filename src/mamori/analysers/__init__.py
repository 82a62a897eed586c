"""Analysers: one module per engine, an explicit registry, and a parallel runner."""

from mamori.analysers.interface import Analyser, AnalyserError, AnalyserSettings
from mamori.analysers.registry import CODE_ANALYSERS, DEFAULT_ANALYSERS, names

__all__ = [
    "CODE_ANALYSERS",
    "DEFAULT_ANALYSERS",
    "Analyser",
    "AnalyserError",
    "AnalyserSettings",
    "names",
]
