"""Web server access logs: NCSA common, combined (nginx and Apache defaults), Apache
``vhost_combined``, and JSON access lines (nginx ``escape=json`` formats, Caddy-like keys).

Every event is logsource category ``webserver`` with the Sigma webserver field names:
``c-ip``, ``cs-username``, ``cs-method``, ``c-uri`` (path and query, as requested),
``cs-uri-stem``, ``c-uri-query`` and ``cs-uri-query`` (query without ``?``), ``cs-version``,
``sc-status``, ``sc-bytes``, ``cs-referer``, ``cs-user-agent``, ``cs-host``. Values are kept
as logged (not URL-decoded); an unparseable request line keeps its text in ``c-uri``. Mamori's
own web rules also read ``c-uri-decoded`` (see :func:`decoded_target`), so one pattern covers
every encoding of an attack.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from typing import Any, ClassVar, TypeVar
from urllib.parse import unquote, unquote_plus

from mamori.analysers.logs.events import LogEvent, LogSource
from mamori.analysers.logs.ingest._native import Speedups, speedups
from mamori.analysers.logs.ingest.interface import LineFormat, LineParser, SourceInfo, json_object

__all__ = [
    "WEBSERVER",
    "JsonAccessFormat",
    "WebAccessFormat",
    "access_fields",
    "decoded_target",
    "is_access_record",
    "parse_clf_time",
    "record_time",
]

WEBSERVER = LogSource(category="webserver")
"""The logsource of every access-log event."""

# A quoted string ends at its first unescaped quote whatever follows, so its loops may as well
# be possessive (no backtracking into them can ever succeed); that saves a fifth of a match.
_Q = r'"([^"\\]*+(?:\\.[^"\\]*+)*+)"'
_ACCESS = re.compile(
    r"^(?:(?P<vhost>[^\s:]+:\d+) )?(?P<ip>\S+) \S+ (?P<user>\S+) \[(?P<time>[^\]]+)\] "
    rf"{_Q} (?P<status>\d{{3}}|-) (?P<bytes>\d+|-)(?: {_Q} {_Q})?"
)
_MONTHS = {m: i for i, m in enumerate("Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split(), 1)}
_TIME_KEYS = ("time_iso8601", "@timestamp", "timestamp", "time", "ts", "time_local", "date")
_ALIASES: dict[str, tuple[str, ...]] = {
    "c-ip": ("remote_addr", "client_ip", "clientip", "remote_ip", "client", "ip", "c-ip"),
    "cs-username": ("remote_user", "user", "cs-username"),
    "cs-method": ("request_method", "method", "cs-method"),
    "c-uri": ("request_uri", "uri", "url", "c-uri"),
    "cs-uri-query": ("args", "query_string", "query", "cs-uri-query"),
    "sc-status": ("status", "status_code", "sc-status"),
    "sc-bytes": ("body_bytes_sent", "bytes_sent", "size", "sc-bytes"),
    "cs-referer": ("http_referer", "referer", "referrer", "cs-referer"),
    "cs-user-agent": ("http_user_agent", "user_agent", "useragent", "cs-user-agent"),
    "cs-host": ("host", "server_name", "http_host", "cs-host"),
    "cs-version": ("server_protocol", "protocol", "proto", "cs-version"),
}
_PERCENT_U = re.compile(r"%u([0-9a-fA-F]{4})")
_SQL_COMMENT = re.compile(r"/\*.*?\*/", re.DOTALL)
_SPACES = re.compile(r"\s+")
_REQUEST_KEYS = frozenset({"request", "request_uri", "uri", "url", "c-uri"})
_STATUS_KEYS = frozenset({"status", "status_code", "sc-status"})
_MEMO = 4096
_MINUTES: dict[str, dt.datetime] = {}
_SECONDS = {f"{n:02d}": dt.timedelta(seconds=n) for n in range(60)}
_ZONES: dict[str, dt.timezone] = {}


def parse_clf_time(text: str) -> dt.datetime | None:
    """``10/Oct/2000:13:55:36 -0700`` as an aware datetime; None if it is not one.

    Stamps of one minute share their start (remembered, keyed by the stamp without its
    seconds); the seconds are set on it, with the same checks as building it afresh.
    """
    key = text[:17] + text[20:]
    try:
        start = _MINUTES.get(key)
        if start is None:
            start = _memo(_MINUTES, key, _minute_start(text))
        seconds = _SECONDS.get(text[18:20])
        if seconds is not None:
            return start + seconds
        return start.replace(second=int(text[18:20]))  # " 5", "60"…: checked as afresh
    except (KeyError, ValueError, IndexError):
        return None


def _minute_start(text: str) -> dt.datetime:
    """The start of the minute of CLF stamp ``text`` (raises when it is not one)."""
    month = _MONTHS[text[3:6]]
    zone = text[21:26]
    tz = _ZONES.get(zone)
    if tz is None:
        offset = dt.timedelta(hours=int(text[22:24]), minutes=int(text[24:26]))
        tz = _memo(_ZONES, zone, dt.timezone(-offset if text[21] == "-" else offset))
    return dt.datetime(
        int(text[7:11]), month, int(text[0:2]), int(text[12:14]), int(text[15:17]), tzinfo=tz
    )


def _split_request(request: str, fields: dict[str, str]) -> None:
    parts = request.split(" ")
    if len(parts) == 3 and parts[0].isalpha():
        fields["cs-method"], target, fields["cs-version"] = parts
    else:
        target = request
    _set_target(target, fields)


def _request_fields(request: str) -> dict[str, str]:
    """The fields :func:`_split_request` reads from ``request``, in a dict of their own."""
    fields: dict[str, str] = {}
    _split_request(request, fields)
    return fields


_V = TypeVar("_V")


def _memo(memo: dict[str, _V], key: str, value: _V) -> _V:
    """Remember ``value`` for ``key`` in ``memo`` (emptied when it holds :data:`_MEMO`)."""
    if len(memo) >= _MEMO:
        memo.clear()
    memo[key] = value
    return value


def decoded_target(target: str) -> str:
    """``target`` as the application sees it, for attack rules that should not care how it was
    encoded: percent-decoded twice (double encoding), ``+`` and ``%uXXXX`` decoded, SQL inline
    comments (``/**/``) and runs of white space made one space. Unchanged if nothing is
    encoded."""
    if "%" not in target and "+" not in target and "/*" not in target:
        return target
    text = _PERCENT_U.sub(lambda m: chr(int(m[1], 16)), target) if "%u" in target else target
    text = unquote_plus(text)
    if "%" in text:
        text = unquote(text)
    if "/*" in text:
        text = _SQL_COMMENT.sub(" ", text)
    if text.isascii() and text.isprintable() and "  " not in text:
        return text  # no run of white space, nor any but single spaces (the usual case)
    return _SPACES.sub(" ", text)


def _set_target(target: str, fields: dict[str, str]) -> None:
    fields["c-uri"] = target
    fields["c-uri-decoded"] = decoded_target(target)
    stem, sep, query = target.partition("?")
    fields["cs-uri-stem"] = stem
    if sep:
        fields["c-uri-query"] = fields["cs-uri-query"] = query


def is_access_record(record: Mapping[str, Any]) -> bool:
    """Whether a decoded JSON line looks like a web access record."""
    return not _STATUS_KEYS.isdisjoint(record) and not _REQUEST_KEYS.isdisjoint(record)


class WebAccessFormat(LineFormat):
    """NCSA common / combined access logs (nginx, Apache, most proxies)."""

    name: ClassVar[str] = "webaccess"

    def probe(self, line: str) -> bool:
        return _ACCESS.match(line) is not None

    def line_parser(self, source: SourceInfo) -> LineParser:
        """The compiled parser when it is installed (see :mod:`._native`), else the Python one."""
        native = speedups()
        return python_parser(source) if native is None else native_parser(native, source)


def python_parser(source: SourceInfo) -> LineParser:
    """A parser that remembers (up to :data:`_MEMO`) the fields of each request line: they
    repeat a lot, and are a pure function of the line. The reference for the compiled one."""
    display = source.display
    match = _ACCESS.match
    requests: dict[str, dict[str, str]] = {}

    def parse(line: str, position: int) -> LogEvent | None:
        if (m := match(line)) is None:
            return None
        vhost, ip, user, when, request, status, size, referer, agent = m.groups()
        if (request_fields := requests.get(request)) is None:
            request_fields = _memo(requests, request, _request_fields(request))
        fields = {"c-ip": ip, "sc-status": status, "sc-bytes": size}
        if user != "-":
            fields["cs-username"] = user
        if vhost:
            fields["cs-host"] = vhost
        fields.update(request_fields)
        if referer is not None:
            fields["cs-referer"] = referer
            fields["cs-user-agent"] = agent
        return LogEvent(display, position, parse_clf_time(when), WEBSERVER, fields, line)

    return parse


def native_parser(native: Speedups, source: SourceInfo) -> LineParser:
    """:func:`python_parser` compiled: the same fields and time stamps (the request line is
    split in C; targets with something to decode, and stamps of a minute not seen yet, go
    through the same Python code)."""
    return native.access_parser(
        LogEvent, source.display, WEBSERVER, {}, decoded_target, _MINUTES, _SECONDS, parse_clf_time
    )


def record_time(record: Mapping[str, Any]) -> dt.datetime | None:
    """The time of a JSON record from its usual time keys (CLF, ISO 8601 or epoch seconds)."""
    for key in _TIME_KEYS:
        value = record.get(key)
        if isinstance(value, str):
            ts = parse_clf_time(value)
            if ts is None:
                try:
                    ts = dt.datetime.fromisoformat(value)
                except ValueError:
                    continue
            return ts if ts.tzinfo else ts.replace(tzinfo=dt.UTC)
        if isinstance(value, int | float) and not isinstance(value, bool):
            try:
                return dt.datetime.fromtimestamp(value, dt.UTC)
            except (OverflowError, OSError, ValueError):
                continue
    return None


def access_fields(record: Mapping[str, Any]) -> dict[str, str]:
    """Sigma webserver fields from one JSON access record."""
    fields: dict[str, str] = {}
    for name, keys in _ALIASES.items():
        for key in keys:
            value = record.get(key)
            if value is not None and value != "" and not isinstance(value, dict | list):
                fields[name] = str(value)
                break
    if isinstance(request := record.get("request"), str):
        _split_request(request, fields)
    elif "c-uri" in fields:
        _set_target(fields["c-uri"], fields)
    return fields


class JsonAccessFormat(LineFormat):
    """Access logs written as one JSON object per line."""

    name: ClassVar[str] = "webaccess-json"

    def probe(self, line: str) -> bool:
        record = json_object(line) if line.startswith("{") else None
        return record is not None and is_access_record(record)

    def line_parser(self, source: SourceInfo) -> LineParser:
        display = source.display

        def parse(line: str, position: int) -> LogEvent | None:
            record = json_object(line)
            if record is None:
                return None
            return LogEvent(
                display, position, record_time(record), WEBSERVER, access_fields(record), line
            )

        return parse
