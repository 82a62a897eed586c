"""Windows events exported as JSON lines, so Windows Sigma rules apply to them as to EVTX.

Three common shapes are recognised, one object per line:

* ``evtx_dump``/python-evtx JSON: ``{"Event": {"System": {…}, "EventData": {…}}}`` — read exactly
  like an EVTX record;
* flat exports (NXLog, Sysmon/OTRF security datasets): ``EventID`` and ``Channel`` beside the
  event data (``Image``, ``CommandLine``…) at the top level, host in ``Hostname``/``Computer``;
* Winlogbeat / Elastic Common Schema: ``winlog.event_id``, ``winlog.channel``,
  ``winlog.computer_name``, ``winlog.provider_name`` and the data under ``winlog.event_data``.

Fields get the flat Sigma Windows names of :mod:`.evtx` (``EventID``, ``Channel``, ``Computer``,
``Provider_Name`` and the event data), the logsource follows the channel and EventID, and
Security 4688 gets the Sysmon-style ``Image``/``ParentImage`` aliases.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from typing import Any, ClassVar

from mamori.analysers.logs.events import LogEvent
from mamori.analysers.logs.ingest.evtx import event_fields, event_time, windows_event
from mamori.analysers.logs.ingest.interface import LineFormat, LineParser, SourceInfo, json_object
from mamori.analysers.logs.ingest.syslog import parse_iso

__all__ = ["WindowsJsonFormat", "windows_json_fields"]

_TIME_KEYS = ("@timestamp", "TimeCreated", "EventTime", "timestamp", "UtcTime")
_FRACTION = re.compile(r"(\.\d{6})\d+")  # Windows writes 100 ns ticks; Python reads microseconds
_FLAT_RENAMES = {
    "Hostname": "Computer",
    "SourceName": "Provider_Name",
    "ProviderName": "Provider_Name",
}
_WINLOG_SYSTEM = {
    "event_id": "EventID",
    "channel": "Channel",
    "computer_name": "Computer",
    "provider_name": "Provider_Name",
    "record_id": "EventRecordID",
    "task": "Task",
    "opcode": "Opcode",
}


def _text(value: Any) -> str | None:
    if isinstance(value, str):
        return value
    if isinstance(value, bool) or value is None:
        return None if value is None else str(value).lower()
    if isinstance(value, int | float):
        return str(value)
    return None  # nested objects are not Sigma Windows fields


def _shape(record: Mapping[str, Any]) -> str:
    event = record.get("Event")
    if isinstance(event, dict) and isinstance(event.get("System"), dict):
        return "evtx"
    winlog = record.get("winlog")
    if isinstance(winlog, dict) and "event_id" in winlog and "channel" in winlog:
        return "winlog"
    if "EventID" in record and "Channel" in record:
        return "flat"
    return ""


def windows_json_fields(record: Mapping[str, Any]) -> dict[str, str] | None:
    """Flat Sigma Windows fields of one decoded JSON record, or None if it is not a Windows
    event in a known shape."""
    shape = _shape(record)
    if shape == "evtx":
        return event_fields(record["Event"])
    fields: dict[str, str] = {}
    if shape == "winlog":
        winlog = record["winlog"]
        for key, name in _WINLOG_SYSTEM.items():
            if (value := _text(winlog.get(key))) is not None:
                fields[name] = value
        data = winlog.get("event_data")
        for key, value in data.items() if isinstance(data, dict) else ():
            if (text := _text(value)) is not None:
                fields.setdefault(key, text)
        return fields
    if shape == "flat":
        for key, value in record.items():
            if (text := _text(value)) is not None:
                fields[_FLAT_RENAMES.get(key, key)] = text
        return fields
    return None


def _time(record: Mapping[str, Any]) -> dt.datetime | None:
    if _shape(record) == "evtx":
        return event_time(record["Event"]["System"])
    for key in _TIME_KEYS:
        value = record.get(key)
        if isinstance(value, str) and (ts := parse_iso(_FRACTION.sub(r"\1", value))):
            return ts
    return None


class WindowsJsonFormat(LineFormat):
    """Windows event log records exported as JSON lines."""

    name: ClassVar[str] = "windows-json"

    def probe(self, line: str) -> bool:
        record = json_object(line) if line.startswith("{") else None
        return record is not None and bool(_shape(record))

    def line_parser(self, source: SourceInfo) -> LineParser:
        display = source.display

        def parse(line: str, position: int) -> LogEvent | None:
            record = json_object(line)
            fields = None if record is None else windows_json_fields(record)
            if record is None or fields is None:
                return None
            return windows_event(display, position, _time(record), fields, line)

        return parse
