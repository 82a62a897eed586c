"""Generic JSON-lines logs: each object flattened to dotted field names.

``{"a": {"b": 1}, "tags": ["x", "y"]}`` becomes ``a.b = "1"``, ``tags.0 = "x"``,
``tags.1 = "y"``; booleans and null render as JSON does (``true``, ``null``). The event time
comes from the first of ``@timestamp``, ``timestamp``, ``time``, ``ts``, ``date`` that parses
(ISO 8601, or a number of seconds since the epoch). The logsource is left empty: only rules
without a logsource constraint, or keyword rules on ``message``, apply.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from typing import Any, ClassVar

from mamori.analysers.logs.events import LogEvent, LogSource
from mamori.analysers.logs.ingest.interface import LineFormat, LineParser, SourceInfo, json_object
from mamori.analysers.logs.ingest.webaccess import record_time

__all__ = ["JsonLinesFormat", "flatten"]

_MAX_DEPTH = 16
_EMPTY = LogSource()


def _scalar(value: Any) -> str:
    if isinstance(value, str):
        return value
    return json.dumps(value)


def _walk(prefix: str, value: Any, depth: int) -> Iterator[tuple[str, str]]:
    if isinstance(value, dict) and depth < _MAX_DEPTH:
        for key, item in value.items():
            yield from _walk(f"{prefix}.{key}" if prefix else str(key), item, depth + 1)
    elif isinstance(value, list) and depth < _MAX_DEPTH:
        for index, item in enumerate(value):
            yield from _walk(f"{prefix}.{index}" if prefix else str(index), item, depth + 1)
    else:
        yield prefix, _scalar(value)


def flatten(record: dict[str, Any]) -> dict[str, str]:
    """``record`` as one level of dotted keys with string values."""
    return dict(_walk("", record, 0))


def _time(record: dict[str, Any]) -> dt.datetime | None:
    return record_time(record)


class JsonLinesFormat(LineFormat):
    """Any file of one JSON object per line."""

    name: ClassVar[str] = "jsonl"

    def probe(self, line: str) -> bool:
        return line.startswith("{") and json_object(line) is not None

    def line_parser(self, source: SourceInfo) -> LineParser:
        display = source.display

        def parse(line: str, position: int) -> LogEvent | None:
            record = json_object(line)
            if record is None:
                return None
            return LogEvent(display, position, _time(record), _EMPTY, flatten(record), line)

        return parse
