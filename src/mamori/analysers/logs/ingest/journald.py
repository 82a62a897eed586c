"""systemd journal exports written by ``journalctl -o json`` (one JSON object per line).

Events carry the same fields as syslog lines — ``host`` (``_HOSTNAME``), ``program``
(``SYSLOG_IDENTIFIER``, else ``_COMM``), ``pid``, ``message``, ``severity`` (``PRIORITY``),
``unit`` (``_SYSTEMD_UNIT``) — plus the authentication fields of :mod:`.authlog`, so rules
written for auth.log apply to a journal-only host (Debian 12 without rsyslog). Binary
``MESSAGE`` values (exported as byte arrays) are decoded with ``\\xNN`` escapes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any, ClassVar

from mamori.analysers.logs.events import LogEvent
from mamori.analysers.logs.ingest import authlog
from mamori.analysers.logs.ingest.interface import LineFormat, LineParser, SourceInfo, json_object
from mamori.analysers.logs.ingest.syslog import linux_logsource, service_for

__all__ = ["JournaldFormat", "is_journal_record"]

_SEVERITIES = "emerg alert crit err warning notice info debug".split()
_COPIED = {"_SYSTEMD_UNIT": "unit", "_TRANSPORT": "transport", "_EXE": "exe", "_CMDLINE": "cmdline"}


def is_journal_record(record: Mapping[str, Any]) -> bool:
    """Whether a decoded JSON line is a journal entry."""
    return "__REALTIME_TIMESTAMP" in record and "MESSAGE" in record


def _text(value: Any) -> str:
    if isinstance(value, list):
        if all(isinstance(b, int) and 0 <= b < 256 for b in value):
            return bytes(value).decode("utf-8", "backslashreplace")
        return " ".join(_text(v) for v in value)  # a field logged more than once
    return "" if value is None else str(value)


def _stamp(value: Any) -> dt.datetime | None:
    try:
        return dt.datetime.fromtimestamp(int(value) / 1_000_000, dt.UTC)
    except (TypeError, ValueError, OverflowError, OSError):
        return None


def journal_fields(record: Mapping[str, Any]) -> dict[str, str]:
    """Normalised fields of one journal entry."""
    program = _text(record.get("SYSLOG_IDENTIFIER") or record.get("_COMM"))
    message = _text(record.get("MESSAGE"))
    fields = {"host": _text(record.get("_HOSTNAME")), "program": program, "message": message}
    if pid := _text(record.get("_PID") or record.get("SYSLOG_PID")):
        fields["pid"] = pid
    priority = _text(record.get("PRIORITY"))
    if priority.isdigit() and int(priority) < len(_SEVERITIES):
        fields["severity"] = _SEVERITIES[int(priority)]
    for key, name in _COPIED.items():
        if key in record:
            fields[name] = _text(record[key])
    authlog.extract(program, message, fields)
    return fields


class JournaldFormat(LineFormat):
    """``journalctl -o json`` exports."""

    name: ClassVar[str] = "journald"

    def probe(self, line: str) -> bool:
        record = json_object(line) if line.startswith("{") else None
        return record is not None and is_journal_record(record)

    def line_parser(self, source: SourceInfo) -> LineParser:
        display = source.display

        def parse(line: str, position: int) -> LogEvent | None:
            record = json_object(line)
            if record is None or "MESSAGE" not in record:
                return None
            fields = journal_fields(record)
            logsource = linux_logsource(service_for(fields["program"], auth_file=False))
            ts = _stamp(record.get("__REALTIME_TIMESTAMP"))
            return LogEvent(display, position, ts, logsource, fields, line)

        return parse
