"""The parsers' fast paths give exactly what their general paths give.

* syslog: sshd log-in verdicts read in the header's match vs. ``_BSD`` + ``authlog.extract``;
* syslog: per-minute stamp reuse vs. year inference stamp by stamp;
* web access: remembered request fields and possessive quoted strings vs. plain parsing.
"""

from __future__ import annotations

import datetime as dt
import random
import re

import pytest

from mamori.analysers.logs.ingest import authlog, syslog, webaccess
from mamori.analysers.logs.ingest.interface import SourceInfo

pytestmark = pytest.mark.usefixtures("both_parsers")  # compiled and Python parsers

ANCHOR = dt.datetime(2026, 1, 2, 12, tzinfo=dt.UTC)
SOURCE = SourceInfo("/var/log/auth.log", "auth.log", ANCHOR)

SSHD_LINES = [
    "Mar  3 10:00:01 web1 sshd[1011]: Failed password for alice from 198.51.3.4 port 40011 ssh2",
    "Mar  3 10:00:01 web1 sshd[7]: Accepted publickey for bob from 2001:db8::1 port 22 ssh2: RSA",
    "<38>Mar  3 10:00:02 web1 sshd[7]: Failed password for invalid user x from ::1 port 2 ssh2",
    "Mar  3 10:00:02.5 web1 sshd: Postponed keyboard-interactive for a b from h.example port 9",
    "Mar  3 10:00:03 web1 sshd-session[9]:Accepted password for u from 10.0.0.1 port 1",
    "Mar  3 10:00:03 web1 sshd[9]: Failed password for xinvalid user from 10.0.0.1 port 1 ssh2",
    "Mar  3 10:00:04 web1 sshd[9]: Failed password for bob from 10.0.0.1 port 1 invalid user",
]
GENERAL_SSHD_LINES = [
    "Mar  3 10:00:04 web1 sshd[9]:  Accepted password for u from 10.0.0.1 port 1",
    "Mar  3 10:00:04 web1 sshd[9]: Accepted password for u\nfrom 10.0.0.1 port 1",
    "Mar  3 10:00:04 web1 sshdx[9]: Accepted password for u from 10.0.0.1 port 1",
    "Mar  3 10:00:04 web1 SSHD[9]: Accepted password for u from 10.0.0.1 port 1",
    "Mar  3 10:00:04 web1 sshd[9]: Invalid user x from 10.0.0.1 port 1",
]


def general_fields(line: str) -> dict[str, str]:
    """The fields of an RFC 3164 line the long way: ``_BSD``, then ``authlog.extract``."""
    m = syslog._BSD.match(line)
    assert m is not None
    pri, _, host, program, pid, message = m.groups()
    fields = {} if pri is None else syslog._pri_fields(pri)
    fields["host"] = host
    fields["program"] = program or ""
    if pid:
        fields["pid"] = pid
    fields["message"] = message
    authlog.extract(program or "", message, fields)
    return fields


@pytest.mark.parametrize("line", SSHD_LINES + GENERAL_SSHD_LINES)
def test_sshd_fields_match_the_general_path_field_for_field_in_order(line: str) -> None:
    event = syslog.SyslogFormat().line_parser(SOURCE)(line, 1)
    assert event is not None
    assert list(event.fields.items()) == list(general_fields(line).items())
    assert event.logsource == syslog.linux_logsource(
        syslog.service_for(event.fields["program"], True)
    )


@pytest.mark.parametrize("line", SSHD_LINES)
def test_sshd_verdicts_take_the_fast_branch(line: str) -> None:
    m = syslog._BSD_SSHD.match(line)
    assert m is not None and m["verb"] is not None


@pytest.mark.parametrize("line", GENERAL_SSHD_LINES)
def test_other_sshd_shapes_take_the_general_branch(line: str) -> None:
    m = syslog._BSD_SSHD.match(line)
    assert m is not None and m["verb"] is None


# Stamps across second, minute, hour, day, month and year boundaries, with repeats, invalid
# dates, and a month going back after the rollover (must not reuse last year's minute).
STAMPS = [
    "Dec 31 23:58:59", "Dec 31 23:58:59", "Dec 31 23:59:00", "Dec 31 23:59:59", "Dec 31 23:59:60",
    "Jan  1 00:00:00", "Jan  1 00:00:01", "Jan  1 00:59:59", "Jan  1 01:00:00", "Jan  2 00:00:00",
    "Dec 31 23:59:30", "Jan  1 00:00:05", "Feb 29 10:00:00", "Feb 28 23:59:59", "Mar  1 00:00:00",
    "Foo  1 00:00:00", "Mar 01 00:00:00", "Mar  1 00:00:00", "Mar  1 25:00:00", "Jul  1 00:00:00",
    "Jan  1 00:00:00", "Jan  1 00:00:00", "Jan \u0663\u0663 00:00:00", "Jan  3 00:00:07",
]  # fmt: skip


def reference_stamp(tracker: syslog._YearTracker, stamp: str) -> dt.datetime | None:
    """Year inference for one stamp, with no reuse of earlier results."""
    month = syslog._MONTHS.get(stamp[:3])
    if month is None:
        return None
    try:
        return tracker.stamp(
            month, int(stamp[4:6]), int(stamp[7:9]), int(stamp[10:12]), int(stamp[13:15])
        )
    except ValueError:
        return None


@pytest.mark.parametrize("state", [(0, 0), (2025, 12), (2024, 2)])
def test_stamp_cache_matches_year_inference_stamp_by_stamp(state: syslog.YearState) -> None:
    cache = syslog._StampCache(ANCHOR, state)
    tracker = syslog._YearTracker(ANCHOR, state)
    got = [cache.bsd(stamp) for stamp in STAMPS]
    want = [reference_stamp(tracker, stamp) for stamp in STAMPS]
    assert got == want
    assert [t.tzinfo for t in got if t] == [dt.UTC] * len([t for t in got if t])
    assert cache.summary() == tracker.summary()
    assert got[5] == dt.datetime(2026, 1, 1, tzinfo=dt.UTC) or state != (0, 0)
    assert got[10] is not None and got[3] is not None and got[10].year == got[3].year + 1


ACCESS_LINES = [
    '203.0.113.9 - - [03/Mar/2026:10:00:00 +0000] "GET /a%20b?q=1 HTTP/1.1" 200 5 "-" "UA"',
    '203.0.113.9 - bob [03/Mar/2026:10:00:00 +0000] "GET /a%20b?q=1 HTTP/1.1" 200 5',
    'ex.com:443 ::1 - - [03/Mar/2026:10:00:00 +0000] "GET /a\\" HTTP/1.1" 200 5 "r\\"" "u\\\\"',
    '203.0.113.9 - - [03/Mar/2026:10:00:00 +0000] "GET /a\\" 200 5 "-" "UA"',
    '203.0.113.9 - - [03/Mar/2026:10:00:00 +0000] "-" 400 0 "-" "-" "extra"',
    '203.0.113.9 - - [03/Mar/2026:10:00:00 +0000] "GET /x" HTTP/1.1" 200 5 "-" "UA"',
    '203.0.113.9 - - [03/Mar/2026:10:00:00 +0000] "GET /\\x" 200 5 "a" "b\\',
]


@pytest.mark.parametrize("line", ACCESS_LINES)
def test_possessive_quotes_match_like_backtracking_ones(line: str) -> None:
    backtracking = re.compile(webaccess._ACCESS.pattern.replace("*+", "*"))
    fast = webaccess._ACCESS.match(line)
    slow = backtracking.match(line)
    assert (fast and (fast.groups(), fast.span())) == (slow and (slow.groups(), slow.span()))


def test_remembered_request_fields_are_the_split_ones_and_never_shared() -> None:
    parse = webaccess.WebAccessFormat().line_parser(SOURCE)
    first, again = parse(ACCESS_LINES[0], 1), parse(ACCESS_LINES[0], 2)
    assert first is not None and again is not None
    assert first.fields == again.fields and first.fields is not again.fields
    request: dict[str, str] = {}
    webaccess._split_request("GET /a%20b?q=1 HTTP/1.1", request)
    assert list(first.fields.items()) == [
        ("c-ip", "203.0.113.9"), ("sc-status", "200"), ("sc-bytes", "5"), *request.items(),
        ("cs-referer", "-"), ("cs-user-agent", "UA"),
    ]  # fmt: skip
    other = parse(ACCESS_LINES[1], 3)
    assert other is not None
    assert list(other.fields) == ["c-ip", "sc-status", "sc-bytes", "cs-username", *request]


def clf_time_afresh(text: str) -> dt.datetime | None:
    """A CLF stamp built from its parts, with nothing remembered (the reference)."""
    try:
        sign = -1 if text[21] == "-" else 1
        offset = dt.timedelta(hours=int(text[22:24]), minutes=int(text[24:26]))
        return dt.datetime(
            int(text[7:11]), webaccess._MONTHS[text[3:6]], int(text[0:2]),
            int(text[12:14]), int(text[15:17]), int(text[18:20]), tzinfo=dt.timezone(sign * offset),
        )  # fmt: skip
    except (KeyError, ValueError, IndexError):
        return None


def test_clf_stamps_from_remembered_minutes_equal_stamps_built_afresh() -> None:
    rnd = random.Random(5)  # noqa: S311 - test data
    parts = [
        ["01", "29", "30", "31", "00", " 5"], ["Mar", "Feb", "Dec", "Foo", "mar"],
        ["2024", "2026", "0000"], ["00", "23", "24"], ["00", "59", "60"],
        [":"], ["00", "59", "60", "-1", " 3", "٣٣"], ["+0900", "-0700", "-0000", "+99xx", "+09"],
    ]  # fmt: skip
    for _ in range(20_000):
        d, m, y, h, mi, sep, s, z = (rnd.choice(p) for p in parts)
        text = f"{d}/{m}/{y}:{h}:{mi}{sep}{s} {z}"[: rnd.choice([99, 99, 99, rnd.randrange(27)])]
        got, expected = webaccess.parse_clf_time(text), clf_time_afresh(text)
        assert repr(got) == repr(expected), text
