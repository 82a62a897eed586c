"""Web access logs (combined, common, vhost, JSON) and generic JSON lines."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from urllib.parse import unquote, unquote_plus

import pytest
from hypothesis import given
from hypothesis import strategies as st

from analysers.logs.ingest_helpers import copy_sample, events_of
from mamori.analysers.logs.events import LogSource
from mamori.analysers.logs.ingest import sniff, webaccess
from mamori.analysers.logs.ingest.jsonl import flatten
from mamori.analysers.logs.ingest.webaccess import decoded_target

pytestmark = pytest.mark.usefixtures("both_parsers")  # compiled and Python parsers

JST = dt.timezone(dt.timedelta(hours=9))


def test_combined_log_fields(tmp_path: Path) -> None:
    path = copy_sample("access_combined.log", tmp_path)
    assert sniff(str(path)).name == "webaccess"
    events, stats = events_of(path)
    assert (stats.events, stats.bad, stats.first_bad) == (4, 1, (4,))
    sqli = events[0]
    assert sqli.logsource == LogSource(category="webserver")
    assert sqli.ts == dt.datetime(2026, 3, 15, 2, 21, 5, tzinfo=JST)
    assert sqli.fields["c-ip"] == "203.0.113.9"
    assert sqli.fields["cs-method"] == "GET"
    assert sqli.fields["c-uri"] == "/index.php?id=1%27%20OR%201=1--"
    assert sqli.fields["cs-uri-stem"] == "/index.php"
    assert sqli.fields["cs-uri-query"] == sqli.fields["c-uri-query"] == "id=1%27%20OR%201=1--"
    assert sqli.fields["sc-status"] == "200"
    assert sqli.fields["cs-user-agent"].startswith("sqlmap/")
    assert events[1].fields["cs-username"] == "jdoe"
    assert events[1].fields["cs-referer"] == "https://ib.example-bank.jp/ib/home"


def test_garbage_request_line_and_vhost_prefix(tmp_path: Path) -> None:
    events, _ = events_of(copy_sample("access_combined.log", tmp_path))
    tls_probe, traversal = events[2], events[3]
    assert "cs-method" not in tls_probe.fields
    assert tls_probe.fields["c-uri"].startswith("\\x16\\x03")
    assert tls_probe.fields["sc-status"] == "400"
    assert traversal.position == 5
    assert traversal.fields["cs-host"] == "ib.example-bank.jp:443"
    assert traversal.fields["c-uri"] == "/../../etc/passwd"


def test_common_log_format(tmp_path: Path) -> None:
    events, stats = events_of(copy_sample("access_common.log", tmp_path))
    assert stats.bad == 0
    first, second = events
    assert first.ts == dt.datetime(2000, 10, 10, 20, 55, 36, tzinfo=dt.UTC)
    assert "cs-user-agent" not in first.fields
    assert (second.fields["cs-username"], second.fields["sc-status"]) == ("frank", "403")


def test_json_access_log(tmp_path: Path) -> None:
    path = copy_sample("access.json", tmp_path)
    assert sniff(str(path)).name == "webaccess-json"
    events, stats = events_of(path)
    assert (stats.events, stats.bad) == (2, 1)
    xss, login = events
    assert xss.logsource.category == "webserver"
    assert xss.ts == dt.datetime(2026, 3, 15, 2, 21, 5, tzinfo=JST)
    assert xss.fields["cs-uri-query"] == "q=%3Cscript%3Ealert(1)%3C/script%3E"
    assert xss.fields["cs-host"] == "ib.example-bank.jp"
    assert "cs-username" not in xss.fields
    assert (login.fields["cs-method"], login.fields["c-uri"]) == ("POST", "/api/login")
    assert login.fields["sc-status"] == "401"


def test_generic_json_lines_are_flattened(tmp_path: Path) -> None:
    path = copy_sample("app.jsonl", tmp_path)
    assert sniff(str(path)).name == "jsonl"
    events, stats = events_of(path)
    assert (stats.events, stats.bad, stats.first_bad) == (2, 1, (3,))
    first, second = events
    assert first.logsource == LogSource()
    assert first.ts == dt.datetime(2026, 3, 15, 2, 21, 5, 123000, tzinfo=dt.UTC)
    assert first.fields["event.outcome"] == "failure"
    assert first.fields["tags.1"] == "web"
    assert (first.fields["ok"], first.fields["extra"]) == ("false", "null")
    assert second.ts == dt.datetime.fromtimestamp(1773508865.5, dt.UTC)


def test_flatten_nests_lists_and_objects() -> None:
    assert flatten({"a": {"b": [1, {"c": True}]}, "d": "x"}) == {
        "a.b.0": "1",
        "a.b.1.c": "true",
        "d": "x",
    }


@pytest.mark.parametrize(
    ("target", "decoded"),
    [
        ("/index.html", "/index.html"),
        ("/search?q=a+b", "/search?q=a b"),
        ("/x?id=1%27%20OR%201=1", "/x?id=1' OR 1=1"),
        ("/x?id=1%2527", "/x?id=1'"),  # double encoding
        ("/x?q=%u003cscript%u003e", "/x?q=<script>"),
        ("/x?id=1/**/UNION/**/SELECT", "/x?id=1 UNION SELECT"),
        ("/x?q=a%09%0a++b", "/x?q=a b"),  # runs of white space: one space
        ("/x?q=%c3%a9%e2%80%83x", "/x?q=é x"),  # UTF-8, a Unicode space
        ("/x?q=%ff", "/x?q=\ufffd"),
    ],
)
def test_decoded_target(target: str, decoded: str) -> None:
    assert decoded_target(target) == decoded


PIECES = ["%", "u", "U", "2", "0", "a", "F", "+", "/", "*", " ", "  ", "\t", "\x1c", "\xa0", "%20",
          "%2520", "%u0041", "%u00", "/**/", "/*", "*/", "x", "é", "\u2003", "%0a", "%09", "%e9",
          "%c3%a9", "\n", "?", "="]  # fmt: skip
"""Pieces of targets: escapes whole and cut, white space of every kind, comment markers."""


def _decoded_in_full(target: str) -> str:
    """Every step of :func:`decoded_target`, none skipped (the reference for its shortcuts)."""
    if "%" not in target and "+" not in target and "/*" not in target:
        return target
    text = webaccess._PERCENT_U.sub(lambda m: chr(int(m[1], 16)), target)
    text = unquote(unquote_plus(text))
    return webaccess._SPACES.sub(" ", webaccess._SQL_COMMENT.sub(" ", text))


@given(st.lists(st.sampled_from(PIECES), max_size=14).map("".join))
def test_decoded_target_shortcuts_change_nothing(target: str) -> None:
    assert decoded_target(target) == _decoded_in_full(target)
