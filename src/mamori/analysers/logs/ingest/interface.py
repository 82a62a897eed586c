"""The ingest contract: a log format turns one file into events and counted bad records.

Every format (syslog, journald, web access, EVTX, JSON lines) is a :class:`LogFormat`. Line
formats share :class:`LineFormat`, which owns the reading loop: bounded line length, gzip'd
rotations, undecodable bytes kept visible as ``\\xNN`` rather than dropped. A format yields
:class:`~mamori.analysers.logs.events.LogEvent` for each record it understood and
:class:`Bad` for each one it could not, so :class:`ParseStats` is never silent.

A file that is not a log at all (binary, or no known format) raises :class:`LogFormatError`,
which the calling analyser turns into a :class:`~mamori.model.Skipped`.
"""

from __future__ import annotations

import abc
import datetime as dt
import gzip
import json
import logging
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any, BinaryIO, ClassVar

from mamori.analysers.logs.events import LogEvent
from mamori.errors import AnalyserError

_log = logging.getLogger(__name__)

__all__ = [
    "json_object",
    "MAX_LINE",
    "Bad",
    "LineFormat",
    "LineParser",
    "LogFormat",
    "LogFormatError",
    "SourceInfo",
    "iter_lines",
    "open_binary",
]

MAX_LINE = 64 * 1024
"""Longest line kept, in bytes; the rest of a longer line is discarded and the line counted bad."""

_GZIP_MAGIC = b"\x1f\x8b"


class LogFormatError(AnalyserError):
    """A file is not a log Mamori can read (binary, unknown format, unreadable)."""


@dataclass(frozen=True, slots=True)
class Bad:
    """One record a format could not understand."""

    position: int
    """1-based line number (or record number)."""
    reason: str
    """Why, in a few words (``truncated``, ``no syslog header``…)."""


@dataclass(frozen=True, slots=True)
class SourceInfo:
    """What a format may know about the file it reads."""

    path: str
    """Path opened."""
    display: str
    """Path shown to people and stored in ``LogEvent.source``."""
    mtime: dt.datetime
    """Last modification time (UTC); anchors the year of year-less syslog stamps."""

    @classmethod
    def of(cls, path: str, display: str = "") -> SourceInfo:
        """Describe ``path``; the modification time falls back to now if it cannot be read."""
        try:
            stamp = os.stat(path).st_mtime
        except OSError:
            stamp = dt.datetime.now(dt.UTC).timestamp()
        return cls(path, display or path, dt.datetime.fromtimestamp(stamp, dt.UTC))

    @property
    def name(self) -> str:
        """Lower-case file name without rotation suffixes (``auth.log.2.gz`` → ``auth.log``)."""
        name = PurePath(self.path).name.lower()
        for suffix in (".gz", ".1", ".2", ".3", ".4", ".5", ".6", ".7", ".8", ".9", ".old"):
            name = name.removesuffix(suffix)
        return name


LineParser = Callable[[str, int], LogEvent | None]
"""Parses one line (without its newline) at a 1-based position; None when it is not a record."""


class LogFormat(abc.ABC):
    """One log format: how to recognise it and how to read a file of it."""

    name: ClassVar[str]
    """Stable id (``syslog``, ``webaccess``…)."""

    @abc.abstractmethod
    def read(self, source: SourceInfo) -> Iterator[LogEvent | Bad]:
        """Every record of ``source``, in file order: an event, or a :class:`Bad`."""


class LineFormat(LogFormat):
    """A format with one record per line."""

    @abc.abstractmethod
    def probe(self, line: str) -> bool:
        """Whether ``line`` (one sample line of an unknown file) looks like this format."""

    @abc.abstractmethod
    def line_parser(self, source: SourceInfo) -> LineParser:
        """A parser for the lines of ``source`` (may keep per-file state, e.g. the year)."""

    def read(self, source: SourceInfo) -> Iterator[LogEvent | Bad]:
        parse = self.line_parser(source)
        for position, line, problem in iter_lines(source.path):
            if problem:
                yield Bad(position, problem)
            elif line and not line.isspace():
                event = parse(line, position)
                yield event if event is not None else Bad(position, f"not a {self.name} record")


def open_binary(path: str) -> BinaryIO:
    """Open ``path`` for reading bytes, transparently decompressing gzip'd rotations."""
    try:
        with open(path, "rb") as probe:
            compressed = probe.read(2) == _GZIP_MAGIC
        fh: BinaryIO = gzip.open(path, "rb") if compressed else open(path, "rb")  # type: ignore[assignment]
    except OSError as e:
        raise LogFormatError(
            f"cannot read log {path}: {e.strerror or e}",
            hint="check the path exists and Mamori may read it",
        ) from e
    return fh


_BLOCK = 1 << 20
_TOO_LONG = f"line longer than {MAX_LINE} bytes"


def iter_lines(
    path: str, start: int = 0, end: int | None = None, first: int = 1, block: int = _BLOCK
) -> Iterator[tuple[int, str, str]]:
    """``(position, text, problem)`` for each line; ``problem`` is empty for a good line.

    Reads the bytes ``[start, end)`` (the whole file by default; ``start`` must be the first
    byte of a line, and only uncompressed files can start elsewhere than 0) in blocks, the
    first line being number ``first``. Undecodable bytes are kept as ``\\xNN`` escapes so
    hostile input stays visible as evidence. Lines of ``MAX_LINE`` bytes or more and a
    truncated compressed tail come back as problems, never as errors; memory stays bounded by
    the ``block`` size whatever the line lengths.
    """
    position = first - 1
    with open_binary(path) as fh:
        if start:
            fh.seek(start)
        left = None if end is None else end - start
        carry = b""
        skipping = False  # inside a line already known to be too long
        try:
            while left is None or left > 0:
                data = fh.read1(block if left is None else min(block, left))  # type: ignore[attr-defined]
                if not data:
                    break
                if left is not None:
                    left -= len(data)
                lines = data.split(b"\n")
                tail = lines.pop()
                if lines:
                    if skipping:
                        position += 1
                        yield position, "", _TOO_LONG
                        skipping = False
                        lines[0] = b""
                        skip_first = True
                    else:
                        lines[0] = carry + lines[0]
                        skip_first = False
                    for raw in lines[1:] if skip_first else lines:
                        position += 1
                        if len(raw) >= MAX_LINE:
                            yield position, "", _TOO_LONG
                        else:
                            yield position, raw.decode("utf-8", "backslashreplace").rstrip("\r"), ""
                    carry = tail
                elif not skipping:
                    carry += tail
                if len(carry) >= MAX_LINE:
                    skipping, carry = True, b""
        except (OSError, EOFError) as e:
            _log.warning("%s: read stopped after line %d: %s", path, position, e)
            yield position + 1, "", f"unreadable from here on ({e})"
            return
        if skipping:
            yield position + 1, "", _TOO_LONG
        elif carry:
            yield position + 1, carry.decode("utf-8", "backslashreplace").rstrip("\r"), ""


def json_object(line: str) -> dict[str, Any] | None:
    """The JSON object ``line`` holds, or None when it is not valid JSON or not an object."""
    try:
        record = json.loads(line)
    except ValueError:
        return None
    return record if isinstance(record, dict) else None
