"""AWS CloudTrail logs, so SigmaHQ's ``aws``/``cloudtrail`` rules apply.

Two shapes are read:

* the files CloudTrail delivers to S3 — one JSON document ``{"Records": [ … ]}`` per file, often
  gzip'd (:class:`CloudTrailFormat`; an event's position is its record number);
* one record per line, as SIEM exports and ``aws cloudtrail lookup-events`` pipelines write them
  (:class:`CloudTrailLinesFormat`).

A record is recognised by ``eventSource``, ``eventName`` and ``eventVersion`` or ``awsRegion``.
Its fields keep CloudTrail's names, nested objects flattened with dots as Sigma rules spell them
(``userIdentity.type``, ``requestParameters.userName``); the time is ``eventTime``; the logsource
is product ``aws``, service ``cloudtrail``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from typing import Any, ClassVar

from mamori.analysers.logs.events import LogEvent, LogSource
from mamori.analysers.logs.ingest.interface import (
    Bad,
    LineFormat,
    LineParser,
    LogFormat,
    LogFormatError,
    SourceInfo,
    json_object,
    open_binary,
)
from mamori.analysers.logs.ingest.jsonl import flatten
from mamori.analysers.logs.ingest.syslog import parse_iso

__all__ = [
    "CLOUDTRAIL",
    "MAX_DOCUMENT",
    "CloudTrailFormat",
    "CloudTrailLinesFormat",
    "is_cloudtrail_document",
    "is_cloudtrail_record",
]

CLOUDTRAIL = LogSource(product="aws", service="cloudtrail")
"""The logsource of every CloudTrail record."""

MAX_DOCUMENT = 256 * 1024 * 1024
"""Largest CloudTrail document read whole (S3 deliveries are a few MB)."""

_DOCUMENT = re.compile(rb'^\s*\{\s*"Records"\s*:\s*\[')


def is_cloudtrail_record(record: Mapping[str, Any]) -> bool:
    """Whether a decoded JSON object is a CloudTrail event record."""
    return (
        isinstance(record.get("eventSource"), str)
        and isinstance(record.get("eventName"), str)
        and ("eventVersion" in record or "awsRegion" in record)
    )


def is_cloudtrail_document(sample: bytes) -> bool:
    """Whether the first bytes of a file open a ``{"Records": [`` document."""
    return _DOCUMENT.match(sample) is not None


def _event(display: str, position: int, record: Mapping[str, Any], raw: str) -> LogEvent:
    when = record.get("eventTime")
    ts = parse_iso(when) if isinstance(when, str) else None
    return LogEvent(display, position, ts, CLOUDTRAIL, flatten(dict(record)), raw)


class CloudTrailFormat(LogFormat):
    """A CloudTrail delivery file: one ``{"Records": [...]}`` document."""

    name: ClassVar[str] = "cloudtrail"

    def read(self, source: SourceInfo) -> Iterator[LogEvent | Bad]:
        with open_binary(source.path) as fh:
            try:
                data = fh.read(MAX_DOCUMENT + 1)
            except (OSError, EOFError) as e:
                yield Bad(1, f"unreadable CloudTrail document ({e})")
                return
        if len(data) > MAX_DOCUMENT:
            raise LogFormatError(
                f"{source.display}: CloudTrail document larger than {MAX_DOCUMENT} bytes",
                hint="split it, or export the records as JSON lines",
            )
        try:
            document = json.loads(data)
        except ValueError as e:
            yield Bad(1, f"not valid JSON: {e}")
            return
        records = document.get("Records") if isinstance(document, dict) else None
        if not isinstance(records, list):
            yield Bad(1, "no Records list")
            return
        for number, record in enumerate(records, start=1):
            if isinstance(record, dict) and is_cloudtrail_record(record):
                yield _event(source.display, number, record, json.dumps(record, sort_keys=True))
            else:
                yield Bad(number, "not a CloudTrail record")


class CloudTrailLinesFormat(LineFormat):
    """CloudTrail records, one JSON object per line."""

    name: ClassVar[str] = "cloudtrail-jsonl"

    def probe(self, line: str) -> bool:
        record = json_object(line) if line.startswith("{") else None
        return record is not None and is_cloudtrail_record(record)

    def line_parser(self, source: SourceInfo) -> LineParser:
        display = source.display

        def parse(line: str, position: int) -> LogEvent | None:
            record = json_object(line)
            if record is None or not is_cloudtrail_record(record):
                return None
            return _event(display, position, record, line)

        return parse
