"""Windows EVTX files, read with the Rust-backed ``evtx`` package.

Each record becomes one event whose fields are the flat Sigma Windows names: the System
values (``EventID``, ``Channel``, ``Computer``, ``Provider_Name``, ``Level``, ``Task``,
``Opcode``, ``Keywords``, ``EventRecordID``, ``ProcessID``, ``ThreadID``, ``UserID``) plus
every ``EventData`` / ``UserData`` value under its own name (``Image``, ``CommandLine``,
``TargetUserName``…). Unnamed ``Data`` items become ``Data``, ``Data.1``…

The logsource is ``windows`` with the service of the channel (``Security`` → ``security``,
``Microsoft-Windows-Sysmon/Operational`` → ``sysmon``…) and, where Sigma defines one, the
category of the event (Sysmon 1 and Security 4688 → ``process_creation``, Sysmon 3 →
``network_connection``, PowerShell 4104 → ``ps_script``…). Security 4688 also gets the
Sysmon-style aliases ``Image`` and ``ParentImage`` so one process-creation rule fits both.

A corrupt chunk is counted: one bad record per record id the chunk claimed to hold.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
from collections.abc import Iterator, Mapping
from typing import Any, ClassVar

import evtx

from mamori.analysers.logs.events import LogEvent, LogSource
from mamori.analysers.logs.ingest.interface import Bad, LogFormat, LogFormatError, SourceInfo

__all__ = [
    "EVTX_MAGIC",
    "EvtxFormat",
    "event_fields",
    "event_time",
    "logsource_for",
    "windows_event",
]

_log = logging.getLogger(__name__)

EVTX_MAGIC = b"ElfFile\x00"
"""The first eight bytes of every EVTX file."""

_SERVICES = {
    "security": "security",
    "system": "system",
    "application": "application",
    "microsoft-windows-sysmon/operational": "sysmon",
    "windows powershell": "powershell-classic",
    "microsoft-windows-powershell/operational": "powershell",
    "powershellcore/operational": "powershell",
    "microsoft-windows-taskscheduler/operational": "taskscheduler",
    "microsoft-windows-windows defender/operational": "windefend",
    "microsoft-windows-wmi-activity/operational": "wmi",
    "microsoft-windows-dns-client/operational": "dns-client",
    "microsoft-windows-bits-client/operational": "bits-client",
    "microsoft-windows-codeintegrity/operational": "codeintegrity-operational",
    "microsoft-windows-ntlm/operational": "ntlm",
    "microsoft-windows-smbclient/security": "smbclient-security",
    "microsoft-windows-printservice/admin": "printservice-admin",
    "microsoft-windows-printservice/operational": "printservice-operational",
    "microsoft-windows-terminalservices-localsessionmanager/operational": (
        "terminalservices-localsessionmanager"
    ),
    "microsoft-windows-windows firewall with advanced security/firewall": "firewall-as",
    "microsoft-windows-driverframeworks-usermode/operational": "driver-framework",
    "microsoft-windows-ldap-client/debug": "ldap_debug",
    "microsoft-windows-shell-core/operational": "shell-core",
    "microsoft-windows-appxpackaging/operational": "appxpackaging-om",
    "openssh/operational": "openssh",
    "msexchange management": "msexchange-management",
}
_SYSMON_CATEGORIES = {
    1: "process_creation", 2: "file_change", 3: "network_connection", 4: "sysmon_status",
    5: "process_termination", 6: "driver_load", 7: "image_load", 8: "create_remote_thread",
    9: "raw_access_thread", 10: "process_access", 11: "file_event", 12: "registry_add",
    13: "registry_set", 14: "registry_rename", 15: "create_stream_hash", 16: "sysmon_status",
    17: "pipe_created", 18: "pipe_created", 19: "wmi_event", 20: "wmi_event", 21: "wmi_event",
    22: "dns_query", 23: "file_delete", 25: "process_tampering", 26: "file_delete_detected",
    27: "file_block_executable", 28: "file_block_shredding", 29: "file_executable_detected",
    255: "sysmon_error",
}  # fmt: skip
_OTHER_CATEGORIES = {
    ("security", 4688): "process_creation",
    ("powershell", 4104): "ps_script",
    ("powershell", 4103): "ps_module",
    ("powershell-classic", 400): "ps_classic_start",
    ("powershell-classic", 600): "ps_classic_provider_start",
    ("powershell-classic", 800): "ps_classic_script",
}
_SYSTEM_ATTRS = {
    ("Provider", "Name"): "Provider_Name",
    ("Provider", "Guid"): "Provider_Guid",
    ("Execution", "ProcessID"): "ProcessID",
    ("Execution", "ThreadID"): "ThreadID",
    ("Security", "UserID"): "UserID",
}
_SYSTEM_VALUES = ("EventID", "Version", "Level", "Task", "Opcode", "Keywords", "EventRecordID")
_LOST_CHUNK = re.compile(r"record IDs (\d+)\.\.(\d+)")
_FRACTION = re.compile(r"(\.\d{6})\d+")
_MAX_LOST = 10_000
_MAX_ERRORS = 1_000
_SOURCES: dict[tuple[str, str], LogSource] = {}


def _text(value: Any) -> str:
    if isinstance(value, dict):
        return _text(value.get("#text", ""))
    if isinstance(value, list):
        return "\n".join(_text(v) for v in value)
    if value is None:
        return ""
    return str(value)


def _system_fields(system: Mapping[str, Any], fields: dict[str, str]) -> None:
    for key in _SYSTEM_VALUES:
        if key in system:
            fields[key] = _text(system[key])
    for key in ("Channel", "Computer"):
        fields[key] = _text(system.get(key))
    for (element, attr), name in _SYSTEM_ATTRS.items():
        holder = system.get(element)
        if isinstance(holder, dict) and (attrs := holder.get("#attributes")):
            if attrs.get(attr) is not None:
                fields[name] = _text(attrs[attr])


def _data_fields(data: Any, fields: dict[str, str]) -> None:
    if not isinstance(data, dict):
        if data not in (None, ""):
            fields.setdefault("Data", _text(data))
        return
    for key, value in data.items():
        if key == "#attributes":
            continue
        if key == "Data" and isinstance(value, list):
            for index, item in enumerate(value):
                fields["Data" if index == 0 else f"Data.{index}"] = _text(item)
        elif isinstance(value, dict) and "#text" not in value:
            _data_fields(value, fields)  # UserData wraps its values in one element
        else:
            fields[key] = _text(value)


def event_fields(event: Mapping[str, Any]) -> dict[str, str]:
    """Flat Sigma fields of one decoded EVTX ``Event`` element."""
    fields: dict[str, str] = {}
    system = event.get("System")
    if isinstance(system, dict):
        _system_fields(system, fields)
    _data_fields(event.get("EventData"), fields)
    _data_fields(event.get("UserData"), fields)
    return fields


def logsource_for(channel: str, event_id: str, fields: Mapping[str, str] = {}) -> LogSource:  # noqa: B006
    """The Sigma logsource of an event of ``channel`` with ``event_id``."""
    lowered = channel.lower()
    service = _SERVICES.get(lowered, lowered)
    number = int(event_id) if event_id.isdigit() else -1
    if service == "sysmon":
        category = _SYSMON_CATEGORIES.get(number, "")
        if number == 12 and "Delete" in fields.get("EventType", ""):
            category = "registry_delete"
    else:
        category = _OTHER_CATEGORIES.get((service, number), "")
    key = (service, category)
    if key not in _SOURCES:
        _SOURCES[key] = LogSource(product="windows", service=service, category=category)
    return _SOURCES[key]


def event_time(system: Any) -> dt.datetime | None:
    """The ``TimeCreated`` of a decoded ``System`` element (UTC when zoneless), or None."""
    try:
        text = system["TimeCreated"]["#attributes"]["SystemTime"]
        stamp = dt.datetime.fromisoformat(_FRACTION.sub(r"\1", text))
    except (KeyError, TypeError, ValueError):
        return None
    return stamp if stamp.tzinfo else stamp.replace(tzinfo=dt.UTC)


def _to_event(record: Mapping[str, Any], display: str) -> LogEvent | Bad:
    position = int(record.get("event_record_id") or 0)
    try:
        event = json.loads(record["data"])["Event"]
    except (KeyError, TypeError, ValueError):
        return Bad(position, "EVTX record is not a decodable event")
    fields = event_fields(event)
    return windows_event(display, position, event_time(event.get("System")), fields, record["data"])


def windows_event(
    display: str, position: int, ts: dt.datetime | None, fields: dict[str, str], raw: str
) -> LogEvent:
    """The event of one Windows record whose flat Sigma ``fields`` are known (from EVTX or a
    JSON export): its logsource, and the Sysmon-style aliases of Security 4688."""
    logsource = logsource_for(fields.get("Channel", ""), fields.get("EventID", ""), fields)
    if logsource.category == "process_creation" and "NewProcessName" in fields:
        fields.setdefault("Image", fields["NewProcessName"])
        if "ParentProcessName" in fields:
            fields.setdefault("ParentImage", fields["ParentProcessName"])
    return LogEvent(display, position, ts, logsource, fields, raw)


def _lost(error: RuntimeError, last: int) -> Iterator[Bad]:
    reason = f"corrupt EVTX chunk: {str(error)[:200]}"
    m = _LOST_CHUNK.search(str(error))
    if m is None:
        yield Bad(last + 1, reason)
        return
    first, end = int(m[1]), int(m[2])
    for position in range(first, min(end, first + _MAX_LOST) + 1):
        yield Bad(position, reason)


class EvtxFormat(LogFormat):
    """Windows event log files (``.evtx``)."""

    name: ClassVar[str] = "evtx"

    def read(self, source: SourceInfo) -> Iterator[LogEvent | Bad]:
        try:
            parser = evtx.PyEvtxParser(source.path, number_of_threads=1, indent=False)
            records = parser.records_json()
        except (RuntimeError, OSError) as e:
            raise LogFormatError(
                f"{source.display}: not a readable EVTX file ({e})",
                hint="check the file is a complete .evtx export (wevtutil epl)",
            ) from e
        last, errors = 0, 0
        while errors < _MAX_ERRORS:
            try:
                record = next(records)
            except StopIteration:
                return
            except RuntimeError as e:
                errors += 1
                _log.warning("%s: skipping corrupt EVTX data: %s", source.display, e)
                yield from _lost(e, last)
                continue
            if isinstance(record, dict):
                item = _to_event(record, source.display)
                last = item.position
                yield item
        yield Bad(last + 1, f"gave up after {_MAX_ERRORS} corrupt EVTX chunks")
