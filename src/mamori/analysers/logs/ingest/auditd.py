"""Linux audit logs: ``/var/log/audit/audit.log`` in auditd's raw or enriched format.

Each record line is one event (``type=SYSCALL``, ``type=EXECVE``, ``type=PATH``…; Sigma's auditd
rules match single records), logsource ``linux``/``auditd``::

    type=SYSCALL msg=audit(1700000000.123:4242): arch=c000003e syscall=59 success=yes … comm="id"
    type=EXECVE msg=audit(1700000000.123:4242): argc=2 a0="id" a1=2D61
    type=USER_AUTH msg=audit(…): pid=1 uid=0 … msg='op=PAM:authentication acct="root" … res=failed'

Fields: ``type``, ``msg_id`` (the serial that ties the records of one event together), every
``key=value`` pair with quotes removed, the pairs inside a quoted ``msg='…'`` (user-space
records), and the enriched pairs after the ``\\x1d`` separator (``UID``, ``SYSCALL``…). Strings
auditd hex-encodes because they hold spaces or control characters — ``EXECVE`` arguments,
``proctitle`` (NULs between arguments become spaces) and unquoted values of string fields such
as ``exe``, ``name`` or ``cmd`` — are decoded. Raw-format x86_64 records also get ``SYSCALL``
from the syscall number, as the enriched format would write it. ``node=`` becomes ``host``.
"""

from __future__ import annotations

import binascii
import datetime as dt
import re
from typing import ClassVar

from mamori.analysers.logs.events import LogEvent, LogSource
from mamori.analysers.logs.ingest._syscalls import X86_64_ARCH, X86_64_SYSCALLS
from mamori.analysers.logs.ingest.interface import LineFormat, LineParser, SourceInfo

__all__ = ["AUDITD", "AuditdFormat", "audit_fields"]

AUDITD = LogSource(product="linux", service="auditd")
"""The logsource of every audit record."""

_RECORD = re.compile(
    r"^(?:node=(?P<node>\S+) )?type=(?P<type>[A-Z0-9_]+) "
    r"msg=audit\((?P<sec>\d+)\.(?P<ms>\d{1,6}):(?P<serial>\d+)\): ?(?P<rest>.*)$",
    re.DOTALL,
)
_PAIR = re.compile(r"""([A-Za-z_][\w-]*)=("[^"]*"|'[^']*'|\S*)""")
_HEX = re.compile(r"^(?:[0-9A-F]{2})+$")
_STRING_FIELDS = frozenset(
    {"comm", "exe", "name", "cwd", "key", "proctitle", "acct", "cmd", "data", "path", "old",
     "new", "terminal", "unit"}
)  # fmt: skip
"""Fields auditd writes as quoted text, or hex-encoded when the text is unsafe to quote."""
_ARG = re.compile(r"^a\d+$")


def _decoded(text: str, nul: str = "\x00") -> str:
    try:
        raw = binascii.unhexlify(text)
    except (binascii.Error, ValueError):
        return text
    return raw.decode("utf-8", "backslashreplace").replace("\x00", nul).rstrip(nul)


def _value(record_type: str, key: str, raw: str) -> str:
    if raw[:1] == '"' and raw[-1:] == '"' and len(raw) >= 2:
        return raw[1:-1]
    hexed = _HEX.match(raw) is not None
    if key == "proctitle" and hexed:
        return _decoded(raw, " ")
    if hexed and (key in _STRING_FIELDS or (record_type == "EXECVE" and _ARG.match(key))):
        return _decoded(raw)
    return raw


def audit_fields(record_type: str, rest: str) -> dict[str, str]:
    """The fields of one record's ``key=value`` text (after the ``msg=audit(…):`` part)."""
    fields: dict[str, str] = {}
    plain, _, enriched = rest.partition("\x1d")
    for key, raw in _PAIR.findall(plain):
        if key == "msg" and raw[:1] == "'":
            for inner, inner_raw in _PAIR.findall(raw[1:-1]):
                fields.setdefault(inner, _value(record_type, inner, inner_raw))
            continue
        fields[key] = _value(record_type, key, raw)
    for key, raw in _PAIR.findall(enriched):
        fields[key] = raw[1:-1] if raw[:1] == '"' and raw[-1:] == '"' else raw
    if "SYSCALL" not in fields and fields.get("arch") == X86_64_ARCH:
        name = X86_64_SYSCALLS.get(fields.get("syscall", ""))
        if name is not None:
            fields["SYSCALL"] = name
    return fields


class AuditdFormat(LineFormat):
    """auditd's audit.log (one record per line)."""

    name: ClassVar[str] = "auditd"

    def probe(self, line: str) -> bool:
        return _RECORD.match(line) is not None

    def line_parser(self, source: SourceInfo) -> LineParser:
        display = source.display
        match = _RECORD.match

        def parse(line: str, position: int) -> LogEvent | None:
            m = match(line)
            if m is None:
                return None
            record_type = m["type"]
            fields = audit_fields(record_type, m["rest"])
            fields["type"] = record_type
            fields["msg_id"] = m["serial"]
            if m["node"]:
                fields["host"] = m["node"]
            try:
                ts = dt.datetime.fromtimestamp(int(m["sec"]), dt.UTC)
            except (OverflowError, OSError, ValueError):
                return None
            ts += dt.timedelta(microseconds=int(m["ms"].ljust(6, "0")))
            return LogEvent(display, position, ts, AUDITD, fields, line)

        return parse
