"""Web access logs (combined, common, vhost, JSON) and generic JSON lines."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from analysers.logs.ingest_helpers import copy_sample, events_of
from mamori.analysers.logs.events import LogSource
from mamori.analysers.logs.ingest import sniff
from mamori.analysers.logs.ingest.jsonl import flatten

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
