"""The compiled line parsers, when they are installed; pure Python otherwise.

``native/`` builds one C extension, ``_mamori_speedups``, with parsers for the two formats that
dominate a log estate: RFC 3164 syslog (auth.log) and NCSA/combined access logs. Each does what
the pure-Python parser of its format does, line for line — the Python parsers are the
reference, and the tests feed both the same generated lines and require equal events — but
without the interpreter's cost per line. ``make run`` tries to build it and goes on without it
(no compiler: the Python parsers, same results); ``make test`` requires it.

It also does four loops of the matching path (:func:`loops`): one field of a batch of events,
the fields a matched event keeps, the text an automaton searches, and its hits to the events
they are in — each a few lines of Python, given here too; and ``pack``, what a worker keeps of
a batch's matches, and ``unpack``, the parent's rebuilding of them (``shards._pack`` and
``shards._rebuild`` are their Python).

``MAMORI_NATIVE=0`` turns it off, for comparison or if it is ever suspected of a difference.
"""

from __future__ import annotations

import importlib
import logging
import os
from bisect import bisect_right
from collections.abc import Callable, Collection, Mapping, Sequence
from itertools import accumulate
from typing import Any, NamedTuple, Protocol, cast

from mamori.analysers.logs.events import LogEvent

__all__ = ["PYTHON_LOOPS", "Loops", "NativeParser", "Speedups", "loops", "speedups"]

VERSION = 5
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

    def column(self, rows: Sequence[Mapping[str, str]], key: str, /) -> list[str | None]: ...

    def kept(self, fields: Mapping[str, str], keep: Collection[str], /) -> dict[str, str]: ...

    def mark(self, masks: list[int], found: list[tuple[int, int, int]], starts: list[int],
             ids: list[int], /) -> None: ...  # fmt: skip

    def lowered(self, values: Sequence[str | None], /) -> tuple[bytes, list[int]] | None: ...

    def pack(self, *args: object) -> None:
        """What a worker keeps of a batch's matches (arguments: see shards._pack)."""

    def unpack(self, *args: Any) -> list[Any]:
        """The matches ``pack`` kept, rebuilt (arguments: see shards._rebuild)."""


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


def _column(rows: Sequence[Mapping[str, str]], key: str) -> list[str | None]:
    return [row.get(key) for row in rows]


def _kept(fields: Mapping[str, str], keep: Collection[str]) -> dict[str, str]:
    return {k: v for k, v in fields.items() if k in keep}


def _mark(masks: list[int], found: list[tuple[int, int, int]], starts: list[int],
          ids: list[int]) -> None:  # fmt: skip
    for needle, start, _ in found:
        masks[bisect_right(starts, start) - 1] |= ids[needle]


def _lowered(values: Sequence[str | None]) -> tuple[bytes, list[int]] | None:
    texts = [value or "" for value in values]
    joined = "\n".join(texts)
    if not joined.isascii():
        return None
    starts = list(accumulate(map((1).__add__, map(len, texts[:-1])), initial=0)) if texts else []
    return joined.lower().encode("ascii"), starts


class Loops(NamedTuple):
    """Four loops of the matching path."""

    column: Callable[[Sequence[Mapping[str, str]], str], list[str | None]]
    """``column(rows, key)``: ``[row.get(key) for row in rows]``."""
    kept: Callable[[Mapping[str, str], Collection[str]], dict[str, str]]
    """``kept(fields, keep)``: ``{k: v for k, v in fields.items() if k in keep}``."""
    mark: Callable[[list[int], list[tuple[int, int, int]], list[int], list[int]], None]
    """``mark(masks, found, starts, ids)``: for each automaton hit ``(needle, start, end)`` in
    ``found``, ``masks[i] |= ids[needle]`` for the value ``i`` it starts in (``starts``: where
    each value begins in the text searched, ascending)."""
    lowered: Callable[[Sequence[str | None]], tuple[bytes, list[int]] | None]
    """``lowered(values)``: the values (None read as "") joined by newlines and lower-cased, as
    ASCII bytes, and where each starts in them; None if one is not all ASCII."""


PYTHON_LOOPS = Loops(_column, _kept, _mark, _lowered)
"""The loops in Python (the reference)."""


def loops() -> Loops:
    """The compiled loops, or :data:`PYTHON_LOOPS` when :func:`speedups` gives None."""
    native = speedups()
    if native is None:
        return PYTHON_LOOPS
    return Loops(native.column, native.kept, native.mark, native.lowered)
