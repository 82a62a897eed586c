"""Fusion: group findings across analysers, weigh them by measured precision, decide."""

from mamori.fusion.fuse import Coverage, fuse, group_findings
from mamori.fusion.interface import FusionError
from mamori.fusion.precision import PrecisionTable

__all__ = ["Coverage", "FusionError", "PrecisionTable", "fuse", "group_findings"]
