"""Sharded reading: units across processes give exactly what reading each file in turn gives."""

from __future__ import annotations

import contextlib
import datetime as dt
import gzip
import logging
import os
import pickle
import random
import shutil
import weakref
import zoneinfo
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analysers.logs.ingest_helpers import SAMPLES
from mamori.analysers.logs import analyser, shards
from mamori.analysers.logs.analyser import Pack
from mamori.analysers.logs.events import LogEvent, LogSource
from mamori.analysers.logs.ingest import interface, open_events
from mamori.analysers.logs.ingest._native import speedups
from mamori.analysers.logs.ingest.interface import SourceInfo, iter_lines
from mamori.analysers.logs.ingest.syslog import SyslogFormat
from mamori.analysers.logs.sigma_engine import Match

MONTHS = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()


@pytest.fixture(scope="module")
def pack() -> Pack:
    return Pack(())


def _auth_over_two_years(path: Path) -> None:
    """An auth.log whose stamps run Jan..Dec twice, so year inference rolls over mid-file."""
    rnd = random.Random(3)  # noqa: S311 - test data
    lines = []
    for year in range(2):
        for month in MONTHS:
            for i in range(40):
                ip = f"198.51.100.{rnd.randrange(1, 30)}"
                verb = "Failed" if rnd.random() < 0.6 else "Accepted"
                lines.append(
                    f"{month} {1 + i % 28:2d} 10:{i % 60:02d}:{year:02d} web1 sshd[{100 + i}]: "
                    f"{verb} password for root from {ip} port {40000 + i} ssh2"
                )
            lines.append("")  # blank lines count as positions, never as events
            lines.append("garbage that is not syslog")
    path.write_text("\n".join(lines) + "\n")
    stamp = dt.datetime(2027, 1, 1, tzinfo=dt.UTC).timestamp()
    os.utime(path, (stamp, stamp))


def _estate(folder: Path) -> list[tuple[str, str]]:
    _auth_over_two_years(folder / "auth.log")
    access = (SAMPLES / "access_combined.log").read_text().splitlines()
    long_line = "A" * (interface.MAX_LINE + 10)
    body = [*access * 30, long_line, *access * 30, "", long_line]
    (folder / "access.log").write_text("\n".join(body))  # no newline at the end
    (folder / "access.log.2.gz").write_bytes(gzip.compress("\n".join(access * 5).encode()))
    shutil.copyfile(SAMPLES / "access.json", folder / "access.json")
    (folder / "core.log").write_bytes(b"\x00\x01\x02" * 100)
    names = ["auth.log", "access.log", "access.log.2.gz", "access.json", "core.log"]
    return [(str(folder / n), n) for n in names]


def _sequential(pack: Pack, files: list[tuple[str, str]]) -> Iterator[tuple[object, ...]]:
    for path, name in files:
        if name == "core.log":
            continue
        for m in pack.engine.match(open_events(path, name)):
            e = m.event
            yield m.rule.rule_id, e.source, e.position, e.ts, e.raw


@pytest.mark.usefixtures("both_parsers")
@pytest.mark.parametrize("workers", [1, 2])
def test_sharded_matches_and_counts_equal_reading_in_turn(
    tmp_path: Path, pack: Pack, workers: int, caplog: pytest.LogCaptureFixture
) -> None:
    files = _estate(tmp_path)
    with caplog.at_level(logging.DEBUG, logger=shards.__name__):
        matches, reports = shards.match_files(
            pack.engine, files, pack.keep, workers=workers, chunk=4096
        )
    got = [(m.rule.rule_id, m.event.source, m.event.position, m.event.ts, m.event.raw)
           for m in matches]  # fmt: skip
    expected = list(_sequential(pack, files))
    assert len(expected) > 500
    assert got == expected
    assert {(type(m), type(m.event)) for m in matches} == {(Match, LogEvent)}
    # Units that began in the wrong year were re-read from the right state.
    assert any("re-reading" in r.getMessage() for r in caplog.records)
    years = {m.event.ts.year for m in matches if m.event.source == "auth.log" and m.event.ts}
    assert years == {2027, 2028}

    by_name = {r.display: r for r in reports}
    assert "binary" in by_name["core.log"].error
    for path, name in files[:-1]:
        stream = open_events(path, name)
        list(stream)
        assert by_name[name].stats == stream.stats, name
    access_stats = by_name["access.log"].stats
    assert access_stats is not None and access_stats.bad >= 2  # incl. the two over-long lines


@pytest.mark.usefixtures("both_parsers")
def test_bad_lines_are_counted_in_line_order(tmp_path: Path, pack: Pack) -> None:
    """Lines a parser rejects and lines that could not be read (over-long: read as empty, with a
    problem) are counted in the order they come, whichever parser reads them."""
    good = "Mar  3 10:00:00 h sshd[1]: Failed password for root from 192.0.2.1 port 22 ssh2"
    long_line = "A" * (interface.MAX_LINE + 10)
    lines = [good, long_line, "garbage", "", long_line, "more garbage", "  ", good]
    path = tmp_path / "auth.log"
    path.write_text("\n".join(lines) + "\n")
    matches, (report,) = shards.match_files(pack.engine, [(str(path), "auth.log")], pack.keep, 1)
    assert report.stats is not None
    assert report.stats.first_bad == (2, 3, 5, 6)
    assert (report.stats.events, report.stats.bad) == (2, 4)
    assert {m.event.position for m in matches} == {1, 8}


def test_sharded_alerts_equal_sequential_alerts(tmp_path: Path, pack: Pack) -> None:
    files = _estate(tmp_path)
    alerts, _ = pack.detect_files(files, workers=2)
    readable = [f for f in files if not f[1].startswith("core")]
    expected = pack.detect(e for path, name in readable for e in open_events(path, name))

    def key(alerts: list[object]) -> list[tuple[object, ...]]:
        return sorted(
            (a.rule_id, a.group, a.first_seen, a.last_seen, a.count,  # type: ignore[attr-defined]
             tuple((e.source, e.position) for e in a.events))  # type: ignore[attr-defined]
            for a in alerts
        )  # fmt: skip

    assert key(alerts) == key(expected)  # type: ignore[arg-type]
    assert any(a.correlation for a in alerts)


def test_matched_events_carry_only_the_fields_read_after_matching(
    tmp_path: Path, pack: Pack
) -> None:
    files = _estate(tmp_path)[:1]
    matches, _ = shards.match_files(pack.engine, files, pack.keep, workers=2, chunk=4096)
    assert matches
    assert all(set(m.event.fields) <= pack.keep for m in matches)
    assert {"src_ip", "user", "host"} <= set(matches[0].event.fields)


def _readline_oracle(path: str) -> list[tuple[int, str, str]]:
    """Line splitting as ``readline`` gives it: the behaviour block reading must keep."""
    out = []
    limit = interface.MAX_LINE
    with open(path, "rb") as fh:
        position = 0
        while raw := fh.readline(limit):
            position += 1
            if len(raw) == limit and not raw.endswith(b"\n"):
                while (rest := fh.readline(limit)) and not rest.endswith(b"\n"):
                    pass
                out.append((position, "", f"line longer than {limit} bytes"))
                continue
            out.append((position, raw.decode("utf-8", "backslashreplace").rstrip("\r\n"), ""))
    return out


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    lines=st.lists(
        st.one_of(st.integers(0, 40), st.sampled_from([15, 16, 17, 31, 32, 33, 70])), max_size=30
    ),
    tail=st.booleans(),
    block=st.integers(1, 20),
    data=st.data(),
)
def test_block_reading_equals_readline_for_any_line_lengths(
    tmp_path_factory: pytest.TempPathFactory,
    monkeypatch: pytest.MonkeyPatch,
    lines: list[int],
    tail: bool,
    block: int,
    data: st.DataObject,
) -> None:
    # The same patch for every example: the limit is small so short lines exercise it.
    monkeypatch.setattr(interface, "MAX_LINE", 16)
    monkeypatch.setattr(interface, "_TOO_LONG", "line longer than 16 bytes")
    body = b"".join(bytes([97 + i % 26]) * n + b"\r\n"[i % 2 :] for i, n in enumerate(lines))
    if tail and body:
        body = body[:-1]
    path = tmp_path_factory.mktemp("lines") / "x.log"
    path.write_bytes(body + b"\xff\xfe" if tail else body)
    expected = _readline_oracle(str(path))
    assert list(iter_lines(str(path), block=block)) == expected
    # Any range that starts at a line start reads the same lines with the same numbers.
    starts = [0] + [i + 1 for i, b in enumerate(path.read_bytes()) if b == 10]
    starts = [s for s in starts if s < path.stat().st_size] or [0]
    i = data.draw(st.integers(0, len(starts) - 1))
    j = data.draw(st.integers(i, len(starts)))
    end = starts[j] if j < len(starts) else path.stat().st_size
    got = list(iter_lines(str(path), starts[i], end, first=i + 1, block=block))
    assert got == [row for row in expected if i < row[0] <= (j if j < len(starts) else 10**9)]


_PIECES = [b"a", b"bc", b"\n", b"\r", b"\r\n", "é".encode(), "日本".encode(), "😀".encode(),
           b"\xe6\x97", b"\xff", b"\x80\x80", b"\xf0\x9f", b" ", b"\x00"]  # fmt: skip


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(pieces=st.lists(st.sampled_from(_PIECES), max_size=60), block=st.integers(1, 24))
def test_block_reading_equals_readline_for_any_bytes(
    tmp_path_factory: pytest.TempPathFactory,
    monkeypatch: pytest.MonkeyPatch,
    pieces: list[bytes],
    block: int,
) -> None:
    """Whole blocks are decoded at once: the same text as line by line, whatever the bytes
    (split characters, undecodable bytes next to a newline, carriage returns)."""
    monkeypatch.setattr(interface, "MAX_LINE", 16)
    monkeypatch.setattr(interface, "_TOO_LONG", "line longer than 16 bytes")
    path = tmp_path_factory.mktemp("bytes") / "x.log"
    path.write_bytes(b"".join(pieces))
    assert list(iter_lines(str(path), block=block)) == _readline_oracle(str(path))


@pytest.mark.parametrize("workers", [1, 2])
def test_a_defect_on_one_file_is_reported_and_the_others_still_read(
    tmp_path: Path, pack: Pack, workers: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = _estate(tmp_path)
    real = shards._fill

    def broken(unit: shards._Unit, state: object, result: object) -> None:
        if unit.source.display == "access.log.2.gz":
            raise KeyError("a parser bug")
        real(unit, state, result)  # type: ignore[arg-type]

    monkeypatch.setattr(shards, "_fill", broken)
    matches, reports = shards.match_files(pack.engine, files, pack.keep, workers=workers)
    by_name = {r.display: r for r in reports}
    assert "internal error (KeyError" in by_name["access.log.2.gz"].error
    assert by_name["auth.log"].error == "" and by_name["access.log"].error == ""
    assert {m.event.source for m in matches} == {"auth.log", "access.log", "access.json"}


def _named(hours: int, name: str) -> dt.timezone:
    return dt.timezone(dt.timedelta(hours=hours), name)


@pytest.mark.parametrize(
    "ts",
    [
        dt.datetime(2026, 3, 3, 9, 0, 1, 123456, tzinfo=dt.UTC),
        dt.datetime(2026, 3, 3, 9, 0, 1, tzinfo=_named(9, "JST")),
        dt.datetime(1969, 12, 31, 23, 59, 59, 999999, tzinfo=dt.timezone(dt.timedelta(hours=-5))),
        dt.datetime(9999, 12, 31, 23, 59, 59, 999999, tzinfo=dt.UTC),
        dt.datetime(1, 1, 1, tzinfo=dt.timezone(dt.timedelta(minutes=30))),
        dt.datetime(2026, 3, 3, 9, 0, 1),  # naive
        dt.datetime(2026, 11, 1, 1, 30, fold=1, tzinfo=dt.UTC),
        dt.datetime(2026, 3, 3, 9, tzinfo=zoneinfo.ZoneInfo("Asia/Tokyo")),
        None,
    ],
)
@pytest.mark.parametrize("packer", ["python", "compiled"])
def test_times_of_matched_events_come_back_exactly_as_they_were(
    ts: dt.datetime | None, packer: str
) -> None:
    """Times travel packed (see ``shards._pack_time``); offset, zone and fold must survive,
    packed by ``shards._pack`` or by the compiled ``pack``."""
    engine = Pack(()).engine
    rule = engine.rules[0]
    native = speedups()
    assert native is not None
    pack = shards._pack if packer == "python" else native.pack
    result = shards._Result()
    sources: dict[LogSource, int] = {}
    zones: dict[int, int] = {}
    # An equal zone of another name, packed first, must not stand in for the event's zone.
    other = dt.datetime(2026, 1, 1, tzinfo=_named(9, "KST"))
    events = [LogEvent("x.log", 1, when, LogSource("linux"), {}, "line") for when in (other, ts)]
    for event in events:  # a batch each, the same position twice
        pack([(rule, event)], {id(rule): 0}, sources, zones, frozenset(), result.matched,
             result.matches, result.zones, result.times)  # fmt: skip
    result.sources = list(sources)
    assert result.matches == [(0, 0), (0, 1)]
    unit = shards._Unit(0, SourceInfo.of(__file__, "x.log"), SyslogFormat())
    again = pickle.loads(pickle.dumps(result))  # noqa: S301 - our own bytes, as the pool sends them
    back = [m.event.ts for m in shards._matches(engine, unit, again)]
    assert [m.rule for m in shards._matches(engine, unit, again)] == [rule, rule]
    for got, want in zip(back, [other, ts], strict=True):
        assert repr(got) == repr(want)
        if want is not None:
            assert got is not None
            assert (got.fold, got.tzname(), got.utcoffset()) == (
                want.fold, want.tzname(), want.utcoffset()
            )  # fmt: skip


class _Text(str):
    """A ``str`` subclass: marshal cannot write it, pickle can."""

    __slots__ = ()


@pytest.mark.parametrize("value", ["plain", _Text("subclass")])
def test_a_result_comes_back_from_a_worker_whole(value: str) -> None:
    """Results travel with matched events marshalled in one blob (see ``_Result.__getstate__``),
    or pickled object by object when marshal cannot write them; either way all comes back."""
    result = shards._Result(events=3, bad=1, first_bad=[2], sources=[LogSource(product="linux")])
    result.matched = [(1, b"\x07\xea", 0, 0, {"user": value, "host": "h\u00e9"}, "line \ud800"),
                      (3, b"", -1, 0, {}, "")]  # fmt: skip
    result.matches = [(0, 0), (5, 1), (0, 1)]
    result.zones, result.times, result.error = [dt.UTC], {1: None}, "x"
    data = pickle.dumps(result)
    assert (b"\x8c\x04user" in data) is (type(value) is _Text)  # pickled object by object
    again = pickle.loads(data)  # noqa: S301 - our own bytes, as the pool sends them
    for name in shards._Result.__slots__:
        assert getattr(again, name) == getattr(result, name), name
    assert type(again.matched[0][4]["user"]) is type(value)
    assert type(again.matches[0]) is tuple and type(again.matched) is list


def test_alerts_computed_side_by_side_equal_those_computed_in_turn(
    tmp_path: Path, pack: Pack, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = _estate(tmp_path)
    matches, _ = shards.match_files(pack.engine, files, pack.keep, workers=1)
    in_turn = pack.alerts(matches, workers=1)
    monkeypatch.setattr(analyser, "_SIDE_BY_SIDE", 0)
    parent = os.getpid()
    seen: list[int] = []
    real = analyser.dedupe

    def dedupe_noting_the_process(*args: object, **kwargs: object) -> object:
        seen.append(os.getpid())  # only the parent's own call is visible here
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(analyser, "dedupe", dedupe_noting_the_process)
    side_by_side = pack.alerts(matches, workers=2)
    assert side_by_side == in_turn
    assert any(a.correlation for a in in_turn) and any(not a.correlation for a in in_turn)
    assert seen == []  # de-duplication ran in the child, not here
    assert os.getpid() == parent


def test_side_by_side_does_the_work_here_when_the_child_cannot_send_it(
    caplog: pytest.LogCaptureFixture,
) -> None:
    def unpicklable() -> object:
        return lambda: None  # a lambda cannot be pickled back to the parent

    with caplog.at_level(logging.WARNING, logger=shards.__name__):
        here, there = shards.side_by_side(lambda: os.getpid(), unpicklable, workers=2)
    assert here == os.getpid()
    assert callable(there)
    assert "cannot send the result" in caplog.text

    def failing() -> object:
        raise ValueError("boom")

    with pytest.raises(ValueError, match="boom"):  # redone here, where it fails the same way
        shards.side_by_side(lambda: 1, failing, workers=2)
    assert shards.side_by_side(lambda: 1, lambda: 2, workers=1) == (1, 2)


def test_matched_events_are_freed_before_the_collector_comes_back(
    tmp_path: Path, pack: Pack, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Its first pass would otherwise walk every matched event only to find them garbage."""

    class Matches(list):  # type: ignore[type-arg] - a list that can be watched
        pass

    watched: list[weakref.ref[Matches]] = []
    real_match_files, real_paused = analyser.match_files, analyser.paused_gc

    def match_files(*args: object, **kwargs: object) -> tuple[Matches, object]:
        matches, reports = real_match_files(*args, **kwargs)
        found = Matches(matches)
        watched.append(weakref.ref(found))
        return found, reports

    alive_at_exit: list[bool] = []

    @contextlib.contextmanager
    def paused_gc() -> Iterator[None]:
        with real_paused():
            yield
            alive_at_exit.append(any(ref() is not None for ref in watched))

    monkeypatch.setattr(analyser, "match_files", match_files)
    monkeypatch.setattr(analyser, "paused_gc", paused_gc)
    alerts, _ = pack.detect_files(_estate(tmp_path), workers=1)
    assert alerts and watched
    assert alive_at_exit == [False]


_ZONES = [dt.UTC, zoneinfo.ZoneInfo("Asia/Tokyo"), dt.timezone(dt.timedelta(hours=9)), None]
KEEP = frozenset({"user", "src_ip"})


@given(st.lists(st.tuples(st.integers(0, 4), st.integers(0, 3), st.integers(1, 3)), max_size=30))
def test_compiled_pack_keeps_what_python_pack_keeps(
    shape: list[tuple[int, int, int]],
) -> None:
    """Events of every kind of time (none, fold set, zones equal or not) and logsource, each
    matching one to three rules: both packers give the same rows, numbers, zones and times."""
    native = speedups()
    assert native is not None
    rules = Pack(()).engine.rules[:3]
    numbers = {id(rule): n for n, rule in enumerate(rules)}
    pairs = []
    for line, (when, zone, hits) in enumerate(shape, 1):
        if when == 0:
            ts = None
        else:
            ts = dt.datetime(2026, 11, 1, 1, 30, fold=when % 2, tzinfo=_ZONES[zone])
        source = LogSource("linux", "sshd" if zone % 2 else "")
        fields = {"user": "root", "host": "web1", "message": "m", "src_ip": str(line)}
        event = LogEvent("auth.log", line, ts, source, fields, f"line {line}")
        pairs += [(rules[n], event) for n in range(hits)]
    got = []
    for pack in (shards._pack, native.pack):
        result, sources, zones = shards._Result(), {}, {}  # type: ignore[var-annotated]
        at = 0
        while at < len(pairs):  # batches of about 7 pairs, an event's pairs in one
            end = min(at + 7, len(pairs))
            while end < len(pairs) and pairs[end][1] is pairs[end - 1][1]:
                end += 1
            pack(pairs[at:end], numbers, sources, zones, KEEP, result.matched, result.matches,
                 result.zones, result.times)  # fmt: skip
            at = end
        got.append((result.matched, result.matches, result.zones, result.times, sources))
    python, compiled = got
    assert compiled[0] == python[0]
    assert [list(row[4]) for row in compiled[0]] == [list(row[4]) for row in python[0]]
    assert compiled[1:] == python[1:]
    assert [id(z) for z in compiled[2]] == [id(z) for z in python[2]]
    # ... and both rebuild every pair as it was, with the same objects where they can.
    matched, matches, zone_list, times, numbered = python
    args = (matched, matches, rules, list(numbered), zone_list, times, "auth.log", LogEvent, Match)
    for rebuilt in (shards._rebuild(*args), native.unpack(*args)):
        assert [type(m) for m in rebuilt] == [Match] * len(pairs)
        assert [m.rule for m in rebuilt] == [rule for rule, _ in pairs]
        kept = [
            e._replace(fields={k: v for k, v in e.fields.items() if k in KEEP}) for _, e in pairs
        ]
        assert [m.event for m in rebuilt] == kept
        assert [repr(m.event.ts) for m in rebuilt] == [repr(event.ts) for _, event in pairs]
        assert all(type(m.event) is LogEvent for m in rebuilt)


def test_compiled_unpack_refuses_what_it_cannot_rebuild() -> None:
    native = speedups()
    assert native is not None
    rules = Pack(()).engine.rules[:1]
    row = (1, b"", -1, 0, {}, "x")
    ok = ([row], [(0, 0)], rules, [LogSource("linux")], [], {0: None}, "a", LogEvent, Match)
    assert native.unpack(*ok)[0].event == LogEvent("a", 1, None, LogSource("linux"), {}, "x")
    with pytest.raises(KeyError):
        native.unpack(ok[0], ok[1], ok[2], ok[3], ok[4], {}, *ok[6:])  # no time kept
    with pytest.raises(IndexError):
        native.unpack(ok[0], [(5, 0)], *ok[2:])  # no rule 5
    with pytest.raises(IndexError):
        native.unpack([(1, b"", 0, 0, {}, "x")], *ok[1:])  # no zone 0
    with pytest.raises(TypeError):
        native.unpack([(1, b"")], *ok[1:])


def test_compiled_pack_refuses_what_it_cannot_keep() -> None:
    native = speedups()
    assert native is not None
    rule = Pack(()).engine.rules[0]
    event = LogEvent("auth.log", 1, None, LogSource("linux"), {}, "x")
    args = ({}, {}, {}, frozenset(), [], [], [], {})
    with pytest.raises(KeyError):
        native.pack([(rule, event)], *args)  # a rule without a number
    with pytest.raises(TypeError):
        native.pack([(rule, ("not", "an", "event"))], {id(rule): 0}, *args[1:])
    with pytest.raises(TypeError):
        native.pack([(rule, event._replace(ts="10:00"))], {id(rule): 0}, *args[1:])


def test_compiled_pack_survives_fields_that_empty_the_batch() -> None:
    """``pack`` holds what it reads: a mapping whose ``items()`` drops the batch (and with it
    the last reference to the event being packed) must not crash it; it stops where the batch
    now ends, as the Python loop does."""
    native = speedups()
    assert native is not None
    rules = Pack(()).engine.rules[:2]
    pairs: list[tuple[object, LogEvent]] = []

    class Dropping(dict[str, str]):
        def items(self):  # type: ignore[no-untyped-def, override]
            pairs.clear()
            return super().items()

    numbers = {id(rule): n for n, rule in enumerate(rules)}
    for pack in (shards._pack, native.pack):
        event = LogEvent("a", 1, None, LogSource("linux"), Dropping(user="u"), "x")
        pairs[:] = [(rules[0], event), (rules[1], event)]
        del event
        result = shards._Result()
        pack(pairs, numbers, {}, {}, frozenset({"user"}), result.matched, result.matches,
             result.zones, result.times)  # fmt: skip
        assert [row[4] for row in result.matched] == [{"user": "u"}]
        assert result.matches == [(0, 0)]
