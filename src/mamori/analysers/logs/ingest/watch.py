"""Follow mode: tail log files across rotation and truncation, with bounded memory.

:func:`follow` polls each path. New complete lines are parsed (format sniffed from the first
recognisable line) and handed to ``on_event``. A path whose inode changes (logrotate's
rename + create) is reopened from its start, while the old file stays open and is drained
until it has been quiet for a few polls, so lines written just before or during rotation are
not lost. A file that shrinks (copytruncate) is re-read from its start. A partial last line is
held until its newline arrives; a partial longer than ``MAX_LINE`` bytes is dropped and
counted bad, so memory stays bounded whatever is written.

Known limit (shared with ``tail -F``): if a file is truncated and then grows past the old
read offset between two polls, the truncation cannot be seen and those lines are skipped.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable, Iterable
from typing import BinaryIO

from mamori.analysers.logs.events import LogEvent, ParseStats
from mamori.analysers.logs.ingest.detect import sniff_text
from mamori.analysers.logs.ingest.interface import (
    MAX_LINE,
    LineParser,
    LogFormatError,
    SourceInfo,
)

__all__ = ["follow"]

_log = logging.getLogger(__name__)

_CHUNK = 64 * 1024
_QUIET_POLLS = 3
_FIRST_BAD = 10


def _never() -> bool:
    return False


class _Reader:
    """One open incarnation of a file: its handle, read offset and held partial line."""

    def __init__(self, path: str, display: str, fh: BinaryIO, ident: tuple[int, int]) -> None:
        self.path, self.display, self.fh, self.ident = path, display, fh, ident
        self.offset = 0
        self.partial = b""
        self.discarding = False
        self.position = 0
        self.quiet = 0
        self.parse: LineParser | None = None
        self.events = 0
        self.bad: list[int] = []
        self.bad_count = 0

    def restart(self) -> None:
        """Re-read from the start (the file was truncated)."""
        self.fh.seek(0)
        self.offset, self.partial, self.discarding, self.position = 0, b"", False, 0

    def drain(self, on_event: Callable[[LogEvent], None]) -> int:
        """Handle every complete line now readable; return how many bytes were read."""
        read = 0
        while chunk := self.fh.read(_CHUNK):
            read += len(chunk)
            self.offset += len(chunk)
            self._feed(chunk, on_event)
        self.quiet = 0 if read else self.quiet + 1
        return read

    def flush(self, on_event: Callable[[LogEvent], None]) -> None:
        """Treat a held partial line as complete (its file has been rotated away)."""
        if self.partial and not self.discarding:
            self._line(self.partial, on_event)
        self.partial = b""

    def _feed(self, chunk: bytes, on_event: Callable[[LogEvent], None]) -> None:
        if self.discarding:  # inside an over-long line: drop bytes up to its newline
            end = chunk.find(b"\n")
            if end < 0:
                return
            chunk, self.discarding = chunk[end + 1 :], False
        lines = (self.partial + chunk).split(b"\n")
        self.partial = lines.pop()
        for raw in lines:
            self._line(raw, on_event)
        if len(self.partial) > MAX_LINE:
            self.position += 1
            self._bad()
            self.partial, self.discarding = b"", True

    def _bad(self) -> None:
        self.bad_count += 1
        if len(self.bad) < _FIRST_BAD:
            self.bad.append(self.position)

    def _line(self, raw: bytes, on_event: Callable[[LogEvent], None]) -> None:
        self.position += 1
        line = raw.decode("utf-8", "backslashreplace").rstrip("\r")
        if not line.strip():
            return
        if self.parse is None:
            fmt = sniff_text([line], self.path)
            if fmt is None:
                self._bad()
                return
            self.parse = fmt.line_parser(SourceInfo.of(self.path, self.display))
        event = self.parse(line, self.position)
        if event is None:
            self._bad()
            return
        self.events += 1
        on_event(event)


class _Tail:
    """Follows one path through rotations."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.current: _Reader | None = None
        self.retired: list[_Reader] = []
        self.events = 0
        self.bad_count = 0
        self.bad: list[int] = []

    def _open(self) -> _Reader | None:
        try:
            fh = open(self.path, "rb")  # closed by _close()
            st = os.fstat(fh.fileno())
        except FileNotFoundError:
            return None
        except OSError as e:
            raise LogFormatError(f"cannot follow {self.path}: {e}", hint="check permissions") from e
        return _Reader(self.path, self.path, fh, (st.st_dev, st.st_ino))

    def poll(self, on_event: Callable[[LogEvent], None]) -> None:
        for old in list(self.retired):
            old.drain(on_event)
            if old.quiet >= _QUIET_POLLS:
                self._close(old, on_event)
        if self.current is None:
            self.current = self._open()
            if self.current is None:
                return
        reader = self.current
        reader.drain(on_event)
        try:
            st = os.stat(self.path)
        except FileNotFoundError:
            return  # mid-rotation: keep reading the old file
        if (st.st_dev, st.st_ino) != reader.ident:
            _log.info("%s rotated; reopening", self.path)
            reader.quiet = 0
            self.retired.append(reader)
            self.current = None
            self.poll(on_event)
        elif st.st_size < reader.offset:
            _log.info("%s truncated; reading from its start", self.path)
            reader.restart()
            reader.drain(on_event)

    def _close(self, reader: _Reader, on_event: Callable[[LogEvent], None]) -> None:
        if reader is not self.current:
            reader.flush(on_event)  # rotated away: its last line is as complete as it gets
        self.events += reader.events
        self.bad_count += reader.bad_count
        self.bad.extend(reader.bad[: _FIRST_BAD - len(self.bad)])
        reader.fh.close()
        if reader in self.retired:
            self.retired.remove(reader)

    def close(self, on_event: Callable[[LogEvent], None]) -> ParseStats:
        """Drain and close everything; the held partial line of the live file is dropped."""
        for reader in [*self.retired, *([self.current] if self.current else [])]:
            reader.drain(on_event)
            self._close(reader, on_event)
        self.current = None
        return ParseStats(self.path, self.events, self.bad_count, tuple(self.bad))


def follow(
    paths: Iterable[str],
    on_event: Callable[[LogEvent], None],
    *,
    poll: float = 0.5,
    stop: Callable[[], bool] = _never,
) -> dict[str, ParseStats]:
    """Tail ``paths`` from their start, calling ``on_event`` for each new event, until ``stop()``.

    Returns the parse statistics of each path when stopped. Raises :class:`LogFormatError`
    if a path exists but cannot be read.
    """
    tails = [_Tail(p) for p in paths]
    try:
        while True:
            for tail in tails:
                tail.poll(on_event)
            if stop():
                break
            time.sleep(poll)
    finally:
        stats = {t.path: t.close(on_event) for t in tails}
    return stats
