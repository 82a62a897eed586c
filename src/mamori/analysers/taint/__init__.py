"""Mamori's inter-procedural taint engine for Python (see :mod:`.analyser`)."""

from mamori.analysers.taint.analyser import TaintAnalyser

__all__ = ["TaintAnalyser"]
