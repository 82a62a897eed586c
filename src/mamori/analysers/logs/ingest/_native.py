"""The compiled line parsers, when they are installed; pure Python otherwise.

``native/`` builds one C extension, ``_mamori_speedups``, with parsers for the two formats that
dominate a log estate: RFC 3164 syslog (auth.log) and NCSA/combined access logs. Each does what
the pure-Python parser of its format does, line for line — the Python parsers are the
reference, and the tests feed both the same generated lines and require equal events — but
without the interpreter's cost per line. ``make run`` tries to build it and goes on without it
(no compiler: the Python parsers, same results); ``make test`` requires it.

``MAMORI_NATIVE=0`` turns it off, for comparison or if it is ever suspected of a difference.
"""

from __future__ import annotations

import importlib
import logging
import os
from typing import Protocol, cast

from mamori.analysers.logs.events import LogEvent

__all__ = ["NativeParser", "Speedups", "speedups"]

VERSION = 2
"""The version of ``_mamori_speedups`` this code was written for (its ``VERSION``)."""

_log = logging.getLogger(__name__)


class NativeParser(Protocol):
    """A compiled line parser: a :data:`~.interface.LineParser` that also parses a block."""

    def __call__(self, line: str, position: int, /) -> LogEvent | None: ...

    def block(self, lines: list[str], first: int, /) -> tuple[list[LogEvent], list[int], list[int]]:
        """The events of ``lines`` (the first at position ``first``), the positions the parser
        gave None for, and the positions of empty or white-space lines (not parsed)."""


class Speedups(Protocol):
    """What ``_mamori_speedups`` offers (arguments: see the callers in webaccess and syslog)."""

    VERSION: int

    def access_parser(self, *args: object) -> NativeParser: ...

    def syslog_parser(self, *args: object) -> NativeParser: ...


def speedups() -> Speedups | None:
    """The compiled parsers, or None when they are not installed, of another version, or turned
    off with ``MAMORI_NATIVE=0``."""
    if os.environ.get("MAMORI_NATIVE", "1") == "0":
        return None
    try:
        module = importlib.import_module("_mamori_speedups")
    except ImportError:
        return None
    if getattr(module, "VERSION", None) != VERSION:
        _log.warning("_mamori_speedups version %s, expected %s: using the Python parsers "
                     "(reinstall native/)", getattr(module, "VERSION", None), VERSION)  # fmt: skip
        return None
    return cast(Speedups, module)
