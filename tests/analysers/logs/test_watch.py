"""Follow mode across rename-rotation and truncation: nothing lost, nothing duplicated."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from mamori.analysers.logs.events import LogEvent, ParseStats
from mamori.analysers.logs.ingest.interface import MAX_LINE
from mamori.analysers.logs.ingest.watch import follow


def _line(seq: int) -> str:
    return f"2026-03-15T02:21:05.000001+09:00 bank-app1 payments[42]: transfer batch seq={seq}\n"


def _seqs(events: list[LogEvent]) -> list[int]:
    return [int(e.fields["message"].rsplit("=", 1)[1]) for e in events]


def _wait(condition: Callable[[], bool], timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "follower did not catch up in time"
        time.sleep(0.01)


@contextmanager
def _following(*paths: Path) -> Iterator[tuple[list[LogEvent], dict[str, ParseStats]]]:
    events: list[LogEvent] = []
    stats: dict[str, ParseStats] = {}
    done = threading.Event()

    def run() -> None:
        stats.update(follow([str(p) for p in paths], events.append, poll=0.01, stop=done.is_set))

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    try:
        yield events, stats
    finally:
        done.set()
        worker.join(timeout=10)
    assert not worker.is_alive()


def test_rotation_and_truncation_lose_and_duplicate_nothing(tmp_path: Path) -> None:
    log = tmp_path / "payments.log"
    other = tmp_path / "other.log"
    other.write_text("".join(_line(n) for n in (1001, 1002)))
    writer = log.open("a", encoding="utf-8")
    writer.write("".join(_line(n) for n in range(1, 51)))
    writer.write(_line(51)[:30])  # a partial line: held until its newline arrives
    writer.flush()
    with _following(log, other) as (events, stats):
        _wait(lambda: len(events) == 52)
        writer.write(_line(51)[30:] + "".join(_line(n) for n in range(52, 56)))
        writer.flush()
        _wait(lambda: len(events) == 57)
        log.rename(tmp_path / "payments.log.1")  # logrotate: rename, then create
        writer.write("".join(_line(n) for n in range(56, 59)))  # daemon not yet HUPed
        writer.flush()
        log.write_text("".join(_line(n) for n in range(59, 81)))
        _wait(lambda: len(events) == 82)
        writer.close()
        with log.open("r+") as fh:  # copytruncate
            fh.truncate(0)
        log.write_text("".join(_line(n) for n in range(81, 86)))
        _wait(lambda: len(events) == 87)
    mine = [e for e in events if e.source == str(log)]
    assert sorted(_seqs(mine)) == list(range(1, 86))
    assert len(mine) == 85
    assert sorted(_seqs([e for e in events if e.source == str(other)])) == [1001, 1002]
    assert stats[str(log)].bad == 0
    assert stats[str(other)].events == 2
    assert all(e.fields["program"] == "payments" for e in mine)


def test_endless_line_is_dropped_with_bounded_memory(tmp_path: Path) -> None:
    log = tmp_path / "app.log"
    log.write_text(_line(1))
    with _following(log) as (events, stats):
        _wait(lambda: len(events) == 1)
        with log.open("a") as fh:
            for _ in range(5):
                fh.write("X" * MAX_LINE)
                fh.flush()
                time.sleep(0.02)
            fh.write("\n" + _line(2))
        _wait(lambda: len(events) == 2)
    assert _seqs(events) == [1, 2]
    assert stats[str(log)].bad == 1


def test_file_created_after_start_and_unknown_lines_counted(tmp_path: Path) -> None:
    log = tmp_path / "late.log"
    with _following(log) as (events, stats):
        time.sleep(0.05)
        log.write_text("this is not a log line\n" + _line(7))
        _wait(lambda: len(events) == 1)
    assert _seqs(events) == [7]
    assert events[0].position == 2
    assert stats[str(log)].bad == 1
    assert stats[str(log)].first_bad == (1,)


def test_stop_returns_stats_even_when_nothing_exists(tmp_path: Path) -> None:
    result = follow([os.fspath(tmp_path / "never.log")], lambda e: None, poll=0, stop=lambda: True)
    assert result[str(tmp_path / "never.log")].events == 0
