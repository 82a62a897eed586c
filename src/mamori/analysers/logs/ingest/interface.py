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
from itertools import count, repeat
from pathlib import PurePath
from typing import Any, BinaryIO, ClassVar

from mamori.analysers.logs.events import LogEvent
from mamori.errors import AnalyserError

_log = logging.getLogger(__name__)

__all__ = [
    "json_object",
    "MAX_LINE",
    "Bad",
    "LineBlock",
    "LineFormat",
    "LineParser",
    "LogFormat",
    "LogFormatError",
    "SourceInfo",
    "iter_line_blocks",
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


LineBlock = tuple[int, list[str], dict[int, str]]
"""Lines read together: the number of the first, their texts (``""`` for a bad line), and the
problem of each bad line by number."""


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
    for number, texts, problems in iter_line_blocks(path, start, end, first, block):
        if problems:
            for position, text in enumerate(texts, number):
                yield position, text, problems.get(position, "")
        else:
            yield from zip(count(number), texts, repeat(""))


def iter_line_blocks(
    path: str, start: int = 0, end: int | None = None, first: int = 1, block: int = _BLOCK
) -> Iterator[LineBlock]:
    """The lines :func:`iter_lines` gives, a block at a time (see :data:`LineBlock`).

    A block of short lines is decoded and split as a whole (the same text as line by line:
    a newline byte never belongs to an undecodable sequence); a block that may hold a line of
    ``MAX_LINE`` bytes or more, or that continues one, is split line by line.
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
                cut = data.rfind(b"\n")
                if cut < 0:  # no line ends here
                    if not skipping:
                        carry += data
                elif (
                    not skipping
                    and (texts := _short_lines(carry + data[:cut] if carry else data[:cut]))
                    is not None
                ):
                    yield position + 1, texts, {}
                    position += len(texts)
                    carry = data[cut + 1 :]
                else:
                    found = _each_line(data, cut, carry, skipping, position + 1)
                    yield found
                    position += len(found[1])
                    skipping, carry = False, data[cut + 1 :]
                if len(carry) >= MAX_LINE:
                    skipping, carry = True, b""
        except (OSError, EOFError) as e:
            _log.warning("%s: read stopped after line %d: %s", path, position, e)
            yield position + 1, [""], {position + 1: f"unreadable from here on ({e})"}
            return
        if skipping:
            yield position + 1, [""], {position + 1: _TOO_LONG}
        elif carry:
            yield position + 1, [carry.decode("utf-8", "backslashreplace").rstrip("\r")], {}


def _short_lines(chunk: bytes) -> list[str] | None:
    """The lines of ``chunk`` (whole lines, without the last newline), decoded; None if one
    of them may be ``MAX_LINE`` bytes or more (a character is at most four bytes here, an
    undecodable byte four characters)."""
    texts = chunk.decode("utf-8", "backslashreplace").split("\n")
    if len(chunk) >= MAX_LINE and 4 * max(map(len, texts)) >= MAX_LINE:
        return None
    if b"\r" in chunk:
        texts = [text.rstrip("\r") for text in texts]
    return texts


def _each_line(data: bytes, cut: int, carry: bytes, skipping: bool, number: int) -> LineBlock:
    """The lines that end in ``data[:cut + 1]``, one at a time: the first continues ``carry``
    (or a line too long already, when ``skipping``); the first is number ``number``."""
    lines = data[:cut].split(b"\n")
    texts: list[str] = []
    problems: dict[int, str] = {}
    if skipping:
        problems[number] = _TOO_LONG
        texts.append("")
        lines = lines[1:]
    else:
        lines[0] = carry + lines[0]
    for raw in lines:
        if len(raw) >= MAX_LINE:
            problems[number + len(texts)] = _TOO_LONG
            texts.append("")
        else:
            texts.append(raw.decode("utf-8", "backslashreplace").rstrip("\r"))
    return number, texts, problems


def json_object(line: str) -> dict[str, Any] | None:
    """The JSON object ``line`` holds, or None when it is not valid JSON or not an object."""
    try:
        record = json.loads(line)
    except ValueError:
        return None
    return record if isinstance(record, dict) else None
