"""Format sniffing, bad input, compressed rotations, long lines and parse speed."""

from __future__ import annotations

import gzip
import os
import shutil
import time
from pathlib import Path

import pytest

from analysers.logs.ingest_helpers import SAMPLES, events_of
from mamori.analysers.logs.ingest import FORMATS, LogFormatError, open_events, read_events, sniff
from mamori.analysers.logs.ingest.interface import MAX_LINE


@pytest.mark.parametrize(
    ("sample", "expected"),
    [
        ("auth.log", "syslog"),
        ("debian12_auth.log", "syslog"),
        ("syslog_rfc5424.log", "syslog"),
        ("journal.json", "journald"),
        ("access_combined.log", "webaccess"),
        ("access_common.log", "webaccess"),
        ("access.json", "webaccess-json"),
        ("app.jsonl", "jsonl"),
    ],
)
def test_sniff_picks_format_by_content_even_when_renamed(
    tmp_path: Path, sample: str, expected: str
) -> None:
    renamed = tmp_path / "data.txt"
    shutil.copyfile(SAMPLES / sample, renamed)
    assert sniff(str(renamed)).name == expected


def test_binary_file_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "core.log"
    path.write_bytes(os.urandom(4096) + b"\x00" * 64)
    with pytest.raises(LogFormatError, match="binary"):
        read_events(str(path))


def test_text_that_is_no_log_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "notes.log"
    path.write_text("Dear team,\nplease find the minutes below.\n\nRegards\n")
    with pytest.raises(LogFormatError, match="no known log format") as caught:
        sniff(str(path))
    assert caught.value.hint


def test_fake_evtx_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "Security.evtx"
    path.write_text("not really\n")
    with pytest.raises(LogFormatError, match="EVTX header"):
        sniff(str(path))


def test_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(LogFormatError, match="cannot read"):
        open_events(str(tmp_path / "absent.log"))


def test_empty_file_has_no_events_and_no_bad_lines(tmp_path: Path) -> None:
    path = tmp_path / "access.log"
    path.write_text("")
    assert sniff(str(path)).name == "webaccess"
    events, stats = events_of(path)
    assert (events, stats.events, stats.bad) == ([], 0, 0)


def test_gzip_rotation_is_read_transparently(tmp_path: Path) -> None:
    path = tmp_path / "auth.log.2.gz"
    path.write_bytes(gzip.compress((SAMPLES / "auth.log").read_bytes()))
    events, stats = events_of(path)
    assert (stats.events, stats.bad) == (22, 1)
    assert events[2].fields["user"] == "admin"


def test_truncated_gzip_keeps_what_was_read_and_counts_the_rest(tmp_path: Path) -> None:
    data = gzip.compress((SAMPLES / "access_combined.log").read_bytes() * 400)
    path = tmp_path / "access.log.1.gz"
    path.write_bytes(data[: len(data) // 2])
    events, stats = events_of(path)
    assert events
    assert stats.bad >= 1
    assert stats.events == len(events)


def test_over_long_line_is_bad_and_the_next_line_still_parses(tmp_path: Path) -> None:
    good = (SAMPLES / "access_common.log").read_text().splitlines()[0]
    path = tmp_path / "access.log"
    path.write_text(f"{good}\n{'A' * (MAX_LINE * 3)}\n{good}\n")
    events, stats = events_of(path)
    assert [e.position for e in events] == [1, 3]
    assert stats.first_bad == (2,)


def test_first_bad_is_bounded(tmp_path: Path) -> None:
    good = (SAMPLES / "access_common.log").read_text().splitlines()[0]
    path = tmp_path / "access.log"
    path.write_text("\n".join([good] * 40 + ["junk"] * 30) + "\n")
    _, stats = events_of(path)
    assert stats.bad == 30
    assert stats.first_bad == tuple(range(41, 51))


def test_stream_stats_are_final_after_iteration(tmp_path: Path) -> None:
    stream = open_events(str(SAMPLES / "auth.log"), "auth.log")
    assert stream.stats.events == 0
    count = sum(1 for _ in stream)
    assert stream.stats.events == count == 22
    assert stream.stats.source == "auth.log"


def test_every_format_is_registered_once() -> None:
    assert set(FORMATS) == {
        "syslog",
        "auditd",
        "journald",
        "webaccess",
        "webaccess-json",
        "windows-json",
        "cloudtrail-jsonl",
        "jsonl",
        "evtx",
        "cloudtrail",
    }


def _throughput(path: Path, lines: list[str], count: int) -> float:
    path.write_text("\n".join(lines[i % len(lines)] for i in range(count)) + "\n")
    stream = open_events(str(path))
    start = time.perf_counter()
    parsed = sum(1 for _ in stream)
    elapsed = time.perf_counter() - start
    assert parsed == count
    return count / elapsed


def test_parse_speed_auth_and_access(tmp_path: Path) -> None:
    # Generous floor so a loaded CI box passes; the report quotes the measured rates.
    auth = (SAMPLES / "debian12_auth.log").read_text().splitlines()
    access = (SAMPLES / "access_combined.log").read_text().splitlines()
    access = [ln for ln in access if not ln.startswith("192.0.2.2 ")]
    assert _throughput(tmp_path / "auth.log", auth, 30_000) > 15_000
    assert _throughput(tmp_path / "access.log", access, 30_000) > 15_000
