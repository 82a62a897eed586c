"""Choosing a format for a file, and reading it into events with honest counts.

:func:`sniff` looks at the first 64 KiB (decompressed, for ``.gz`` rotations): the EVTX magic
picks EVTX; NUL bytes or mostly undecodable bytes mean a binary file; otherwise each line
format probes a sample of lines and the one that recognises the most wins, provided it
recognises at least half of them. The file name only breaks ties and names empty files.

:func:`open_events` streams events (its :attr:`EventStream.stats` is final once the stream is
exhausted); :func:`read_events` reads a whole file and returns the events with their stats.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import PurePath

from mamori.analysers.logs.events import LogEvent, ParseStats
from mamori.analysers.logs.ingest.auditd import AuditdFormat
from mamori.analysers.logs.ingest.cloudtrail import (
    CloudTrailFormat,
    CloudTrailLinesFormat,
    is_cloudtrail_document,
)
from mamori.analysers.logs.ingest.evtx import EVTX_MAGIC, EvtxFormat
from mamori.analysers.logs.ingest.interface import (
    Bad,
    LineFormat,
    LogFormat,
    LogFormatError,
    SourceInfo,
    open_binary,
)
from mamori.analysers.logs.ingest.journald import JournaldFormat
from mamori.analysers.logs.ingest.jsonl import JsonLinesFormat
from mamori.analysers.logs.ingest.syslog import SyslogFormat
from mamori.analysers.logs.ingest.webaccess import JsonAccessFormat, WebAccessFormat
from mamori.analysers.logs.ingest.winjson import WindowsJsonFormat

__all__ = ["FORMATS", "EventStream", "open_events", "read_events", "sniff", "sniff_text"]

_log = logging.getLogger(__name__)

FORMATS: dict[str, LogFormat] = {
    f.name: f
    for f in (
        JournaldFormat(),
        AuditdFormat(),
        CloudTrailLinesFormat(),
        WindowsJsonFormat(),
        JsonAccessFormat(),
        WebAccessFormat(),
        SyslogFormat(),
        JsonLinesFormat(),
        EvtxFormat(),
        CloudTrailFormat(),
    )
}
"""Every known format by name; line formats probe in this order (earlier wins a tie)."""

_SAMPLE_BYTES = 64 * 1024
_SAMPLE_LINES = 50
_FIRST_BAD = 10
_NAME_HINTS = (
    ("access", "webaccess"),
    (".jsonl", "jsonl"),
    (".json", "jsonl"),
    ("journal", "journald"),
    ("audit", "auditd"),
)
_CONTROL = frozenset(range(32)) - {9, 10, 12, 13, 27}


def _read_sample(path: str) -> bytes:
    with open_binary(path) as fh:
        try:
            return fh.read(_SAMPLE_BYTES)
        except (OSError, EOFError) as e:
            raise LogFormatError(
                f"{path}: cannot read: {e}", hint="the file may be a corrupt compressed rotation"
            ) from e


def _looks_binary(sample: bytes) -> bool:
    if b"\x00" in sample:
        return True
    controls = sum(1 for b in sample[:4096] if b in _CONTROL)
    text = sample.decode("utf-8", "replace")
    return controls * 20 > min(len(sample), 4096) or text.count("\ufffd") * 10 > len(text)


def _sample_lines(sample: bytes) -> list[str]:
    lines = sample.decode("utf-8", "backslashreplace").splitlines()
    if len(sample) == _SAMPLE_BYTES and lines:
        lines.pop()  # probably cut short
    return [ln for ln in lines if ln.strip()][:_SAMPLE_LINES]


def _hinted(name: str) -> str:
    return next((fmt for hint, fmt in _NAME_HINTS if hint in name), "syslog")


def sniff_text(lines: list[str], name: str = "") -> LineFormat | None:
    """The line format that best recognises ``lines``; None if none recognises half of them."""
    if not lines:
        found = FORMATS[_hinted(name.lower())]
        return found if isinstance(found, LineFormat) else None
    scores = {
        fmt.name: sum(1 for ln in lines if fmt.probe(ln))
        for fmt in FORMATS.values()
        if isinstance(fmt, LineFormat)
    }
    best = max(scores.values())
    if best * 2 < len(lines):
        return None
    tied = [n for n, s in scores.items() if s == best]  # in probing order: specific first
    hint = _hinted(name.lower())
    winner = hint if hint in tied and hint != "jsonl" else tied[0]
    chosen = FORMATS[winner]
    return chosen if isinstance(chosen, LineFormat) else None


def sniff(path: str) -> LogFormat:
    """The format of the log at ``path``; raises :class:`LogFormatError` if it is not a log."""
    sample = _read_sample(path)
    name = PurePath(path).name
    if sample.startswith(EVTX_MAGIC):
        return FORMATS["evtx"]
    if name.lower().endswith(".evtx"):
        raise LogFormatError(
            f"{path}: named .evtx but lacks the EVTX header", hint="re-export it with wevtutil epl"
        )
    if is_cloudtrail_document(sample):
        return FORMATS["cloudtrail"]
    if _looks_binary(sample):
        raise LogFormatError(
            f"{path}: binary file, not a text log",
            hint="give Mamori text logs, journalctl -o json exports, or .evtx files",
        )
    chosen = sniff_text(_sample_lines(sample), name)
    if chosen is None:
        raise LogFormatError(
            f"{path}: no known log format (syslog, auditd, journald JSON, web access, EVTX, "
            "Windows JSON, CloudTrail, JSON lines)",
            hint="check the file is a log; other formats can be converted to JSON lines",
        )
    _log.debug("%s: sniffed as %s", path, chosen.name)
    return chosen


class EventStream:
    """The events of one file, read lazily; :attr:`stats` counts what was read so far."""

    def __init__(self, fmt: LogFormat, source: SourceInfo) -> None:
        self.format = fmt
        """The format reading the file."""
        self.source = source
        """The file."""
        self._events = 0
        self._bad = 0
        self._first_bad: list[int] = []

    def __iter__(self) -> Iterator[LogEvent]:
        for item in self.format.read(self.source):
            if isinstance(item, Bad):
                self._bad += 1
                if len(self._first_bad) < _FIRST_BAD:
                    self._first_bad.append(item.position)
                    _log.debug("%s:%d: %s", self.source.display, item.position, item.reason)
                continue
            self._events += 1
            yield item

    @property
    def stats(self) -> ParseStats:
        """Counts so far (final once iteration has finished)."""
        return ParseStats(self.source.display, self._events, self._bad, tuple(self._first_bad))


def open_events(path: str, display: str = "", fmt: LogFormat | None = None) -> EventStream:
    """A lazy stream of the events of ``path`` (format sniffed unless given).

    Raises :class:`LogFormatError` at once when the file is not a readable log.
    """
    return EventStream(fmt or sniff(path), SourceInfo.of(path, display))


def read_events(path: str, display: str = "") -> tuple[Iterator[LogEvent], ParseStats]:
    """Every event of ``path`` and the final parse statistics.

    Reads the whole file before returning so the statistics are complete; use
    :func:`open_events` to stream very large files.
    """
    stream = open_events(path, display)
    events = list(stream)
    return iter(events), stream.stats
