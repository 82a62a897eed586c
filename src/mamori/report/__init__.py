"""Outputs: one reporter class per file format, plus the terminal summary.

``FORMATS`` maps the names accepted by ``mamori scan --format`` to reporter classes; it is
built here, explicitly, so adding a format is one import and one line::

    path = FORMATS["sarif"]().write(result, "mamori-out")   # mamori-out/mamori.sarif

The terminal summary is not a file format: see :func:`mamori.report.terminal.render_summary`.
"""

from __future__ import annotations

from mamori.report.interface import Reporter, ReportError
from mamori.report.json_report import JsonReporter
from mamori.report.markdown import MarkdownReporter
from mamori.report.sarif import SarifReporter

__all__ = [
    "FORMATS",
    "JsonReporter",
    "MarkdownReporter",
    "ReportError",
    "Reporter",
    "SarifReporter",
]

FORMATS: dict[str, type[Reporter]] = {
    JsonReporter.format: JsonReporter,
    SarifReporter.format: SarifReporter,
    MarkdownReporter.format: MarkdownReporter,
}
"""Format name (``json``, ``sarif``, ``md``) → reporter class."""
