"""Bad input never crashes a parser: every line format returns an event or None for any line."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mamori.analysers.logs.events import LogEvent
from mamori.analysers.logs.ingest import FORMATS, Bad, SourceInfo
from mamori.analysers.logs.ingest.interface import LineFormat

SOURCE = SourceInfo("x.log", "x.log", dt.datetime(2026, 3, 3, tzinfo=dt.UTC))
LINE_FORMATS = [f for f in FORMATS.values() if isinstance(f, LineFormat)]

# Lines that start like each format and then go wrong, plus anything at all.
PREFIXES = [
    "",
    "Mar  3 10:00:00 host sshd[1]: ",
    "<38>1 2026-03-03T10:00:00Z host app 1 - ",
    "type=SYSCALL msg=audit(1700000000.1:1): ",
    "node=x type=EXECVE msg=audit(99999999999999999999.123:1): a0=",
    '{"EventID": ',
    '{"Event": {"System": ',
    '{"winlog": {"event_id": 1, "channel": ',
    '{"eventSource": "s3.amazonaws.com", "eventName": "x", "awsRegion": ',
    '203.0.113.9 - - [03/Mar/2026:10:00:00 +0000] "GET ',
    '{"__REALTIME_TIMESTAMP": ',
]


@settings(max_examples=300, deadline=None)
@given(prefix=st.sampled_from(PREFIXES), tail=st.text(max_size=200))
def test_every_line_format_survives_any_line(prefix: str, tail: str) -> None:
    line = prefix + tail
    for fmt in LINE_FORMATS:
        fmt.probe(line)
        event = fmt.line_parser(SOURCE)(line, 1)
        assert event is None or isinstance(event, LogEvent)
        if event is not None:
            assert all(isinstance(k, str) and isinstance(v, str) for k, v in event.fields.items())


@settings(max_examples=100, deadline=None)
@given(body=st.one_of(st.binary(max_size=300), st.text(max_size=300).map(str.encode)))
def test_cloudtrail_document_reader_survives_any_bytes(
    tmp_path_factory: pytest.TempPathFactory, body: bytes
) -> None:
    path: Path = tmp_path_factory.mktemp("ct") / "trail.json"
    path.write_bytes(b'{"Records": [' + body)
    items = list(FORMATS["cloudtrail"].read(SourceInfo.of(str(path))))
    assert items and all(isinstance(i, (LogEvent, Bad)) for i in items)
