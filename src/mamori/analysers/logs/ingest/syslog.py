"""Syslog files: RFC 3164 (BSD), RFC 5424, and RFC 3339-prefixed lines (Debian 12 rsyslog).

Accepted line shapes::

    Mar 15 02:21:05 host sshd[123]: message                         RFC 3164, no PRI
    <38>Mar 15 02:21:05 host sshd[123]: message                     RFC 3164 with PRI
    <38>1 2026-03-15T02:21:05.003Z host sshd 123 - [sd@1 a="b"] msg  RFC 5424
    2026-03-15T02:21:05.099001+09:00 host sshd[123]: message        RFC 3339 prefix

RFC 3164 stamps carry no year: the first line takes the file's modification year (or the year
before, if that would put it in the future), and the year advances when the month goes back
(December → January). Stamps without a zone are taken as UTC.

Events get ``host``, ``program``, ``pid``, ``message``, ``facility``/``severity`` when a PRI is
present, RFC 5424 structured data as ``sd.<id>.<param>``, plus the authentication fields of
:mod:`.authlog`. The logsource is ``linux`` with service ``sshd``/``sudo``/``cron`` for those
daemons, ``auth`` for other authentication programs or auth files, and ``syslog`` otherwise.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import ClassVar

from mamori.analysers.logs.events import LogEvent, LogSource
from mamori.analysers.logs.ingest import authlog
from mamori.analysers.logs.ingest.interface import LineFormat, LineParser, SourceInfo

__all__ = [
    "SyslogFormat",
    "YearState",
    "YearSummary",
    "first_year",
    "linux_logsource",
    "parse_iso",
    "service_for",
    "year_at",
]

_MONTHS = {m: i for i, m in enumerate("Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split(), 1)}
_TAG = r"(?:(?P<prog>[^\s\[:]{1,64})(?:\[(?P<pid>\d+)\])?: ?)?(?P<msg>.*)"
_BSD = re.compile(
    r"^(?:<(?P<pri>\d{1,3})>)?(?P<stamp>[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d)(?:\.\d+)? "
    r"(?P<host>\S+) " + _TAG,
    re.DOTALL,
)
_RFC3339 = re.compile(
    r"^(?P<ts>\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d{1,9})?(?:Z|[+-]\d\d:\d\d)) (?P<host>\S+) "
    + _TAG,
    re.DOTALL,
)
_RFC5424 = re.compile(
    r"^<(?P<pri>\d{1,3})>1 (?P<ts>\S+) (?P<host>\S+) (?P<prog>\S+) (?P<pid>\S+) (?P<msgid>\S+) "
    r"(?P<sd>-|(?:\[(?:[^\]\\]|\\.)*\])+)(?: (?P<msg>.*))?$",
    re.DOTALL,
)
_SD_ELEMENT = re.compile(r"\[(?P<id>[^\s\]]+)(?P<params>(?:[^\]\\]|\\.)*)\]")
_SD_PARAM = re.compile(r'(?P<k>[^\s=]+)="(?P<v>(?:[^"\\]|\\.)*)"')

_PROGRAM_SERVICES = {"sshd": "sshd", "sshd-session": "sshd", "sudo": "sudo", "cron": "cron"}
_AUTH_FILES = frozenset({"auth.log", "secure", "authlog"})
_ROLLOVER_MONTHS = 6
_FUTURE_SLACK = dt.timedelta(days=2)
_FACILITIES = (
    "kern user mail daemon auth syslog lpr news uucp cron authpriv ftp ntp security console "
    "solaris-cron local0 local1 local2 local3 local4 local5 local6 local7"
).split()
_SEVERITIES = "emerg alert crit err warning notice info debug".split()
_SOURCES: dict[str, LogSource] = {}


def service_for(program: str, auth_file: bool) -> str:
    """The Sigma service of a record of ``program`` (``auth_file``: it came from auth.log)."""
    program = program.lower()
    if program in _PROGRAM_SERVICES:
        return _PROGRAM_SERVICES[program]
    return "auth" if auth_file or program in authlog.AUTH_PROGRAMS else "syslog"


def linux_logsource(service: str) -> LogSource:
    """The (shared) ``linux`` logsource of ``service``."""
    source = _SOURCES.get(service)
    if source is None:
        source = _SOURCES[service] = LogSource(product="linux", service=service)
    return source


def parse_iso(text: str) -> dt.datetime | None:
    """An ISO-8601 / RFC 3339 stamp as an aware datetime (UTC when zoneless); None if invalid."""
    try:
        stamp = dt.datetime.fromisoformat(text)
    except ValueError:
        return None
    return stamp if stamp.tzinfo is not None else stamp.replace(tzinfo=dt.UTC)


YearState = tuple[int, int]
"""Where year inference stands: (year, month of the last stamp); year 0 before any stamp."""


@dataclass(frozen=True, slots=True)
class YearSummary:
    """What a unit of a file (read from a given :data:`YearState`) did to year inference."""

    first: tuple[int, int] | None
    """(month, day) of its first year-less stamp, or None when it had none."""
    first_year: int
    """The year it gave that stamp."""
    end: YearState
    """The state after its last line."""


class _YearTracker:
    """Infers the year of successive year-less stamps (see module docstring)."""

    __slots__ = ("_anchor", "_last_month", "_year", "first", "first_year")

    def __init__(self, anchor: dt.datetime, state: YearState = (0, 0)) -> None:
        self._anchor = anchor
        self._year, self._last_month = state
        self.first: tuple[int, int] | None = None
        self.first_year = 0

    def stamp(self, month: int, day: int, h: int, m: int, s: int) -> dt.datetime:
        if not self._year:
            self._year = first_year(self._anchor, month, day)
        elif self._last_month - month >= _ROLLOVER_MONTHS:
            self._year += 1
        self._last_month = month
        if self.first is None:
            self.first, self.first_year = (month, day), self._year
        return dt.datetime(self._year, month, day, h, m, s, tzinfo=dt.UTC)

    def summary(self) -> YearSummary:
        return YearSummary(self.first, self.first_year, (self._year, self._last_month))


def first_year(anchor: dt.datetime, month: int, day: int) -> int:
    """The year of a file's first year-less stamp: the anchor's, unless that is the future."""
    year = anchor.year
    first = dt.datetime(year, month, 1, tzinfo=dt.UTC) + dt.timedelta(days=day - 1)
    return year - 1 if first > anchor + _FUTURE_SLACK else year


def year_at(anchor: dt.datetime, state: YearState, month: int, day: int) -> int:
    """The year a stamp of ``month``/``day`` gets when year inference is at ``state``."""
    year, last_month = state
    if not year:
        return first_year(anchor, month, day)
    return year + 1 if last_month - month >= _ROLLOVER_MONTHS else year


class _StampCache:
    """Parses stamps, reusing the last result (consecutive lines often share a second)."""

    __slots__ = ("_iso", "_last", "_last_ts", "_years")

    def __init__(self, anchor: dt.datetime, state: YearState = (0, 0)) -> None:
        self._years = _YearTracker(anchor, state)
        self._last = ""
        self._last_ts: dt.datetime | None = None
        self._iso: dict[str, dt.datetime | None] = {}

    def bsd(self, stamp: str) -> dt.datetime | None:
        """``Mar  5 02:21:05`` with its inferred year; None when it is not a real date."""
        if stamp == self._last:
            return self._last_ts
        month = _MONTHS.get(stamp[:3])
        try:
            ts = None if month is None else self._years.stamp(
                month, int(stamp[4:6]), int(stamp[7:9]), int(stamp[10:12]), int(stamp[13:15])
            )  # fmt: skip
        except ValueError:
            ts = None
        self._last, self._last_ts = stamp, ts
        return ts

    def summary(self) -> YearSummary:
        """See :meth:`_YearTracker.summary`."""
        return self._years.summary()

    def iso(self, stamp: str) -> dt.datetime | None:
        """An RFC 3339 stamp (``-`` for none)."""
        if stamp == self._last:
            return self._last_ts
        ts = None if stamp == "-" else parse_iso(stamp)
        self._last, self._last_ts = stamp, ts
        return ts


class _SourceCache:
    """The logsource of each program, computed once per file."""

    __slots__ = ("_auth_file", "_by_program")

    def __init__(self, auth_file: bool) -> None:
        self._auth_file = auth_file
        self._by_program: dict[str, LogSource] = {}

    def get(self, program: str) -> LogSource:
        found = self._by_program.get(program)
        if found is None:
            found = linux_logsource(service_for(program, self._auth_file))
            if len(self._by_program) < 4096:
                self._by_program[program] = found
        return found


def _pri_fields(pri: str) -> dict[str, str]:
    value = int(pri)
    facility = value >> 3
    name = _FACILITIES[facility] if facility < len(_FACILITIES) else str(facility)
    return {"facility": name, "severity": _SEVERITIES[value & 7]}


def _add_sd(sd: str, fields: dict[str, str]) -> None:
    for element in _SD_ELEMENT.finditer(sd):
        for param in _SD_PARAM.finditer(element["params"]):
            fields[f"sd.{element['id']}.{param['k']}"] = param["v"].replace('\\"', '"')


class SyslogFormat(LineFormat):
    """Syslog text files in any of the three common line shapes."""

    name: ClassVar[str] = "syslog"

    def probe(self, line: str) -> bool:
        return bool(_BSD.match(line) or _RFC3339.match(line) or _RFC5424.match(line))

    def line_parser(self, source: SourceInfo) -> LineParser:
        return self.unit_parser(source)[0]

    def unit_parser(
        self, source: SourceInfo, state: YearState = (0, 0)
    ) -> tuple[LineParser, Callable[[], YearSummary]]:
        """A parser for lines of ``source`` read from year-inference ``state``, and a function
        that tells afterwards what the lines did to year inference (see :mod:`..shards`)."""
        display = source.display
        stamps = _StampCache(source.mtime, state)
        sources = _SourceCache(source.name in _AUTH_FILES)
        bsd, rfc3339, rfc5424 = _BSD.match, _RFC3339.match, _RFC5424.match
        extract = authlog.extract

        def parse(line: str, position: int) -> LogEvent | None:
            fields: dict[str, str]
            if m := bsd(line):
                pri, stamp, host, program, pid, message = m.groups()
                ts = stamps.bsd(stamp)
                if ts is None:
                    return None
                fields = {} if pri is None else _pri_fields(pri)
            elif m := rfc3339(line):
                stamp, host, program, pid, message = m.groups()
                ts = stamps.iso(stamp)
                fields = {}
            elif m := rfc5424(line):
                pri, stamp, host, program, pid, msgid, sd, message = m.groups()
                ts = stamps.iso(stamp)
                fields = _pri_fields(pri)
                if sd != "-":
                    _add_sd(sd, fields)
                if msgid != "-":
                    fields["msgid"] = msgid
                if pid == "-":
                    pid = None
                message = (message or "").removeprefix("\ufeff")
            else:
                return None
            program = program or ""
            fields["host"] = host
            fields["program"] = program
            if pid:
                fields["pid"] = pid
            fields["message"] = message
            extract(program, message, fields)
            return LogEvent(display, position, ts, sources.get(program), fields, line)

        return parse, stamps.summary
