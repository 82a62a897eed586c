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
from mamori.analysers.logs.ingest._native import Speedups, speedups
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
_BSD_HEAD = (
    r"^(?:<(?P<pri>\d{1,3})>)?(?P<stamp>[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d)(?:\.\d+)? "
    r"(?P<host>\S+) "
)
_BSD = re.compile(_BSD_HEAD + _TAG, re.DOTALL)
# _BSD, except that an sshd log-in verdict is matched by the first branch, whose groups are
# those _TAG and then authlog's own match of the message would give (only the sshd[pid] tag
# shape and _SSHD_AUTH's text are accepted, so the message starts where _TAG's does).
_BSD_SSHD = re.compile(
    _BSD_HEAD + r"(?:(?P<sprog>sshd(?:-session)?)(?:\[(?P<spid>\d+)\])?: ?"
    rf"(?P<smsg>(?-s:{authlog.SSHD_AUTH}).*)|{_TAG})",
    re.DOTALL,
)
_SMSG, _PORT = _BSD_SSHD.groupindex["smsg"], _BSD_SSHD.groupindex["port"]
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
_SECONDS = {f"{s:02d}": dt.timedelta(seconds=s) for s in range(60)}
_MAX_MINUTES = 4096


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

    @property
    def state(self) -> YearState:
        """Where inference stands now."""
        return self._year, self._last_month

    def summary(self) -> YearSummary:
        return YearSummary(self.first, self.first_year, self.state)


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
    """Parses stamps, reusing earlier results: the last stamp (consecutive lines often share a
    second) and, for year-less stamps, the start of each minute seen in the current year and
    month (a stamp of that month leaves year inference as it is, so only its second is new)."""

    __slots__ = ("_iso", "_last", "_last_ts", "_years", "minutes")

    def __init__(self, anchor: dt.datetime, state: YearState = (0, 0)) -> None:
        self._years = _YearTracker(anchor, state)
        self._last = ""
        self._last_ts: dt.datetime | None = None
        self._iso: dict[str, dt.datetime | None] = {}
        self.minutes: dict[str, dt.datetime] = {}
        """The start of each minute seen (by ``stamp[:12]``); emptied when the year or month
        of inference moves, so a stamp whose minute is here leaves inference as it is."""

    def bsd(self, stamp: str) -> dt.datetime | None:
        """``Mar  5 02:21:05`` with its inferred year; None when it is not a real date."""
        if stamp == self._last:
            return self._last_ts
        minute = self.minutes.get(stamp[:12])
        second = _SECONDS.get(stamp[13:15])
        ts = self._infer(stamp) if minute is None or second is None else minute + second
        self._last, self._last_ts = stamp, ts
        return ts

    def _infer(self, stamp: str) -> dt.datetime | None:
        """:meth:`bsd` the long way, through year inference; remembers the stamp's minute."""
        years = self._years
        before = years.state
        month = _MONTHS.get(stamp[:3])
        try:
            ts = None if month is None else years.stamp(
                month, int(stamp[4:6]), int(stamp[7:9]), int(stamp[10:12]), int(stamp[13:15])
            )  # fmt: skip
        except ValueError:
            ts = None
        if years.state != before or len(self.minutes) >= _MAX_MINUTES:
            self.minutes.clear()
        second = _SECONDS.get(stamp[13:15])
        if ts is not None and second is not None:
            self.minutes[stamp[:12]] = ts - second
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

    __slots__ = ("_auth_file", "by_program")

    def __init__(self, auth_file: bool) -> None:
        self._auth_file = auth_file
        self.by_program: dict[str, LogSource] = {}
        """The sources computed so far (up to 4,096 programs)."""

    def get(self, program: str) -> LogSource:
        found = self.by_program.get(program)
        if found is None:
            found = linux_logsource(service_for(program, self._auth_file))
            if len(self.by_program) < 4096:
                self.by_program[program] = found
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


def _sshd_auth_fields(
    pri: str | None, host: str, program: str, pid: str | None, message: str,
    verb: str, method: str, user: str, ip: str, port: str, head: int,
) -> dict[str, str]:  # fmt: skip
    """The fields of a line :data:`_BSD_SSHD` matched by its sshd branch, in the order the
    general path (:data:`_TAG`, then :func:`.authlog.extract`) adds them; ``head`` is the
    length of the message part that :data:`.authlog.SSHD_AUTH` matched."""
    if pri is None and pid:
        fields = {"host": host, "program": program, "pid": pid, "message": message}
    else:
        fields = {} if pri is None else _pri_fields(pri)
        fields["host"] = host
        fields["program"] = program
        if pid:
            fields["pid"] = pid
        fields["message"] = message
    fields["user"] = user
    fields["src_ip"] = ip
    fields["src_port"] = port
    fields["auth_method"] = method
    fields["outcome"] = authlog.SSHD_OUTCOMES[verb]
    if "invalid user" in message and "invalid user" in message[:head]:
        fields["invalid_user"] = "true"
    return fields


_Header = tuple[dt.datetime | None, dict[str, str], str, str | None, str | None, str]
"""What a line's header gives: time, fields so far, host, program, pid, message."""


def _structured(line: str, stamps: _StampCache) -> _Header | None:
    """The header of an RFC 3339-prefixed or RFC 5424 line; None when it is neither."""
    if m := _RFC3339.match(line):
        stamp, host, program, pid, message = m.groups()
        return stamps.iso(stamp), {}, host, program, pid, message
    if m := _RFC5424.match(line):
        pri, stamp, host, program, pid, msgid, sd, message = m.groups()
        fields = _pri_fields(pri)
        if sd != "-":
            _add_sd(sd, fields)
        if msgid != "-":
            fields["msgid"] = msgid
        message = (message or "").removeprefix("\ufeff")
        return stamps.iso(stamp), fields, host, program, None if pid == "-" else pid, message
    return None


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
        that tells afterwards what the lines did to year inference (see :mod:`..shards`).
        The compiled parser when it is installed (see :mod:`._native`), else the Python one."""
        stamps = _StampCache(source.mtime, state)
        native = speedups()
        if native is None:
            return python_parser(source, stamps), stamps.summary
        return native_parser(native, source, stamps), stamps.summary


_Event = Callable[
    [str, int, dt.datetime | None, dict[str, str], str, str | None, str | None, str], LogEvent
]
"""Builds the event of a line from its position, time, fields so far, host, program, pid and
message: adds the header fields and those :func:`.authlog.extract` reads from the message."""


def _general(source: SourceInfo) -> tuple[_Event, _SourceCache]:
    """The event builder for lines of ``source`` and the logsource cache it uses."""
    display = source.display
    sources = _SourceCache(source.name in _AUTH_FILES)
    extract = authlog.extract

    def event(
        line: str, position: int, ts: dt.datetime | None, fields: dict[str, str],
        host: str, program: str | None, pid: str | None, message: str,
    ) -> LogEvent:  # fmt: skip
        program = program or ""
        fields["host"] = host
        fields["program"] = program
        if pid:
            fields["pid"] = pid
        fields["message"] = message
        extract(program, message, fields)
        return LogEvent(display, position, ts, sources.get(program), fields, line)

    return event, sources


def _structured_parser(stamps: _StampCache, event: _Event) -> LineParser:
    """The parser of RFC 3339-prefixed and RFC 5424 lines."""

    def structured(line: str, position: int) -> LogEvent | None:
        header = _structured(line, stamps)
        return None if header is None else event(line, position, *header)

    return structured


def python_parser(source: SourceInfo, stamps: _StampCache) -> LineParser:
    """The Python line parser (the reference for the compiled one). An RFC 3164 line costs one
    match of :data:`_BSD_SSHD`; sshd log-in verdicts are read from that match, other messages
    by :func:`.authlog.extract`."""
    display = source.display
    event, _ = _general(source)
    structured = _structured_parser(stamps, event)
    match, bsd_time = _BSD_SSHD.match, stamps.bsd
    sshd = linux_logsource("sshd")

    def parse(line: str, position: int) -> LogEvent | None:
        if (m := match(line)) is None:
            return structured(line, position)
        pri, stamp, host, sprog, spid, smsg, verb, method, user, ip, port, prog, pid, msg = (
            m.groups()
        )
        if (ts := bsd_time(stamp)) is None:
            return None
        if verb is None:
            fields = {} if pri is None else _pri_fields(pri)
            return event(line, position, ts, fields, host, prog, pid, msg)
        head = m.end(_PORT) - m.start(_SMSG)
        fields = _sshd_auth_fields(pri, host, sprog, spid, smsg, verb, method, user, ip, port, head)
        return LogEvent(display, position, ts, sshd, fields, line)

    return parse


def native_parser(native: Speedups, source: SourceInfo, stamps: _StampCache) -> LineParser:
    """:func:`python_parser` compiled: RFC 3164 lines are matched in C; year inference, PRI
    fields, the extractors of :mod:`.authlog`, other line shapes and cache misses go through
    the same Python code."""
    event, sources = _general(source)
    return native.syslog_parser(
        LogEvent, source.display, linux_logsource("sshd"), _structured_parser(stamps, event),
        stamps.bsd, _pri_fields, authlog.BY_PROGRAM, authlog.pam_fields, sources.by_program,
        sources.get, stamps.minutes, _SECONDS, authlog.BY_PROGRAM["sshd"],
        authlog.BY_PROGRAM["cron"],
    )  # fmt: skip
