"""Log ingestion: turn log files of any common format into normalised :class:`LogEvent`\\ s.

Public API::

    sniff(path) -> LogFormat                     which format a file is (or LogFormatError)
    read_events(path, display) -> (Iterator[LogEvent], ParseStats)
    open_events(path, display) -> EventStream    lazy; .stats final after iteration
    detect_anomalies(events, ...) -> list[Finding]   (in .anomaly)
    follow(paths, on_event, poll=..., stop=...)      (in .watch)
"""

from mamori.analysers.logs.ingest.detect import (
    FORMATS,
    EventStream,
    open_events,
    read_events,
    sniff,
)
from mamori.analysers.logs.ingest.interface import Bad, LogFormat, LogFormatError, SourceInfo

__all__ = [
    "FORMATS",
    "Bad",
    "EventStream",
    "LogFormat",
    "LogFormatError",
    "SourceInfo",
    "open_events",
    "read_events",
    "sniff",
]
