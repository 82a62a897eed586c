"""Parse and match many log files on every core, with exactly the result of reading them in turn.

Work is cut into *units*: an uncompressed text log larger than ``chunk`` bytes is split at line
boundaries, anything else (EVTX, gzip'd rotations, small files) is one unit. The parent finds
the boundaries and counts the newlines before each, so a unit knows the number of its first
line. Worker processes (forked, so they share the compiled rules) parse and match units and
send back only the events that matched, carrying the fields Mamori reads after matching
(entities, correlation fields), plus their parse counts. The parent puts everything back in
file order; de-duplication and correlation then see what a sequential read would give them.

RFC 3164 syslog stamps have no year, and the year of a line depends on every line before it
(:mod:`.ingest.syslog`). A unit that starts mid-file is read as if it were the start of a file
(its first stamp takes the year of the file's modification time, or the one before); each unit
reports where its first stamp landed and where year inference ended. The parent then walks
the units in order and re-reads, from the exact state, any unit whose first stamp got a
different year than the lines before it imply — which happens only in files that cross a New
Year. Tests compare sharded and sequential reading event for event.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gzip
import logging
import marshal
import multiprocessing
import os
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import chain, count
from multiprocessing.connection import Connection
from typing import Any, BinaryIO, TypeVar, cast

from mamori.analysers._gc import paused_gc
from mamori.analysers.logs.events import LogEvent, LogSource, ParseStats
from mamori.analysers.logs.ingest._native import loops, speedups
from mamori.analysers.logs.ingest.detect import sniff
from mamori.analysers.logs.ingest.interface import (
    Bad,
    LineFormat,
    LineParser,
    LogFormat,
    LogFormatError,
    SourceInfo,
    iter_line_blocks,
    open_binary,
)
from mamori.analysers.logs.ingest.syslog import SyslogFormat, YearState, YearSummary, year_at
from mamori.analysers.logs.sigma_engine import BATCH, CompiledRule, Match, SigmaEngine

__all__ = ["CHUNK", "FileReport", "default_workers", "match_files", "side_by_side"]

log = logging.getLogger(__name__)

CHUNK = 1 << 20
"""Bytes of text log per unit of work. Small enough that the last units leave no core idle
for long (a 1 MiB unit is ~0.1 s of work); measured on the bench's 56 MiB of auth and access
logs on two cores: median 4.96 s with 1 MiB units against 5.28 s with 4 MiB ones."""

_FIRST_BAD = 10
_A = TypeVar("_A")
_B = TypeVar("_B")
_START: YearState = (0, 0)


@dataclass(frozen=True, slots=True)
class FileReport:
    """How one file went."""

    display: str
    """The file as shown to people."""
    stats: ParseStats | None = None
    """Parse counts, when the file could be read."""
    error: str = ""
    """Why the file could not be read at all (binary, unknown format…), else empty."""


@dataclass(frozen=True, slots=True)
class _Unit:
    file: int
    """Index of the file in the caller's list."""
    source: SourceInfo
    """The file, described once for all its units (one modification time anchors the year)."""
    fmt: LogFormat
    start: int = 0
    end: int | None = None
    first: int = 1
    """Number of the unit's first line."""
    mid_file: bool = False
    """Whether the unit starts after the file's first byte."""


@dataclass(slots=True)
class _Result:
    events: int = 0
    bad: int = 0
    first_bad: list[int] = field(default_factory=list)
    sources: list[LogSource] = field(default_factory=list)
    matched: list[tuple[int, bytes, int, int, dict[str, str], str]] = field(default_factory=list)
    """Matched events: (position, packed time, its zone number, index into ``sources``, kept
    fields, raw line); see :func:`_pack_time`."""
    zones: list[dt.tzinfo | None] = field(default_factory=list)
    """Time zones of the packed times, by number."""
    times: dict[int, dt.datetime | None] = field(default_factory=dict)
    """Times that could not be packed, by index into ``matched``."""
    matches: list[tuple[int, int]] = field(default_factory=list)
    """(rule number, index into ``matched``) in match order."""
    years: YearSummary | None = None
    error: str = ""
    """Why the unit could not be read (the file vanished, became unreadable…)."""

    def __getstate__(self) -> dict[str, object]:
        """What a worker sends back: the matched events and matches — plain data, and nearly all
        of it — go as one :mod:`marshal` blob, which costs a fifth of pickling them object by
        object (both ends are this interpreter: :mod:`marshal`'s format is its own). Anything
        marshal cannot write (a field value of a ``str`` subclass…) is pickled as it is."""
        state = {name: getattr(self, name) for name in self.__slots__}
        with contextlib.suppress(ValueError):
            state["matched"] = marshal.dumps((self.matched, self.matches))
            del state["matches"]
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        if "matches" not in state:
            state["matched"], state["matches"] = marshal.loads(state["matched"])  # noqa: S302
        for name, value in state.items():
            setattr(self, name, value)

    def count_bad(self, position: int) -> None:
        """Count a bad line or record, keeping the positions of the first few."""
        self.bad += 1
        if len(self.first_bad) < _FIRST_BAD:
            self.first_bad.append(position)


# The engine of the current run, its rule numbers and the kept field names; forked workers
# inherit them.
_ENGINE: SigmaEngine | None = None
_NUMBERS: dict[int, int] = {}
_KEEP: frozenset[str] = frozenset()


def default_workers() -> int:
    """Worker processes to use: the cores this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


def match_files(
    engine: SigmaEngine,
    files: Sequence[tuple[str, str]],
    keep: frozenset[str],
    workers: int = 0,
    chunk: int = CHUNK,
) -> tuple[list[Match], list[FileReport]]:
    """Every match of ``engine`` over ``files`` ((path, display) pairs), in file order.

    Matched events carry only the fields named in ``keep``. ``workers`` 0 means one per core;
    1 reads everything in this process. A file that cannot be read is reported, never fatal.
    """
    global _ENGINE, _KEEP, _NUMBERS  # noqa: PLW0603 - handed to forked workers
    units, errors = _plan(files, chunk)
    _ENGINE, _KEEP = engine, keep
    _NUMBERS = {id(rule): n for n, rule in enumerate(engine.rules)}
    workers = workers or default_workers()
    with paused_gc():
        results: list[_Result] = []
        matches: list[list[Match]] = []
        for unit, result in zip(units, _run(units, workers), strict=True):
            results.append(result)  # matches are rebuilt here while workers read on
            matches.append(_matches(engine, unit, result))
        for i, result in _settle_years(units, results, workers):
            results[i], matches[i] = result, _matches(engine, units[i], result)
    return list(chain.from_iterable(matches)), _reports(files, units, results, errors)


def side_by_side(here: Callable[[], _A], there: Callable[[], _B], workers: int) -> tuple[_A, _B]:
    """``here()`` in this process while a forked child computes ``there()``; both results.

    With one worker, or no ``fork``, both run here in turn. If the child fails (it cannot
    pickle its result, it is killed…), ``there()`` runs here afterwards, with a warning: the
    caller always gets both results.
    """
    if workers <= 1 or "fork" not in multiprocessing.get_all_start_methods():
        return here(), there()
    ctx = multiprocessing.get_context("fork")
    receive, send = ctx.Pipe(duplex=False)
    child = ctx.Process(target=_send_result, args=(there, send), daemon=True)
    child.start()
    send.close()
    try:
        mine = here()
        try:
            status, theirs = receive.recv()
        except (EOFError, OSError) as e:
            status, theirs = f"it ended without a result ({e})", None
    finally:
        receive.close()
        if child.is_alive():  # here() failed, or the result never came: do not wait for it
            child.kill()
        child.join()
    if status != "ok":
        log.warning("work in a child process failed (%s); doing it here", status)
        return mine, there()
    return mine, cast(_B, theirs)


def _send_result(work: Callable[[], object], conn: Connection) -> None:
    """In the child: send ("ok", ``work()``), or why it failed."""
    try:
        result: tuple[str, object] = ("ok", work())
    except Exception as e:  # reported to the parent, which does the work itself
        result = (f"{type(e).__name__}: {e}", None)
    try:
        conn.send(result)
    except Exception as e:  # noqa: BLE001 - e.g. an unpicklable result; the parent redoes it
        conn.send((f"cannot send the result ({type(e).__name__}: {e})", None))
    finally:
        conn.close()


def _plan(files: Sequence[tuple[str, str]], chunk: int) -> tuple[list[_Unit], dict[int, str]]:
    units: list[_Unit] = []
    errors: dict[int, str] = {}
    for number, (path, display) in enumerate(files):
        try:
            fmt = sniff(path)
            units.extend(_split(number, SourceInfo.of(path, display or path), fmt, chunk))
        except (LogFormatError, OSError) as e:
            errors[number] = str(e).splitlines()[0]
    return units, errors


def _split(number: int, source: SourceInfo, fmt: LogFormat, chunk: int) -> Iterator[_Unit]:
    path = source.path
    size = os.path.getsize(path)
    if not isinstance(fmt, LineFormat) or size <= chunk or _compressed(path):
        yield _Unit(number, source, fmt)
        return
    start, first = 0, 1
    with open(path, "rb") as fh:
        while start < size:
            end = _line_start_after(fh, start + chunk, size)
            yield _Unit(number, source, fmt, start, end, first, mid_file=start > 0)
            first += _count_newlines(fh, start, end)
            start = end


def _compressed(path: str) -> bool:
    with open_binary(path) as fh:
        return isinstance(fh, gzip.GzipFile)


def _line_start_after(fh: BinaryIO, offset: int, size: int) -> int:
    """The first line start at or after ``offset`` (``size`` if there is none)."""
    if offset >= size:
        return size
    fh.seek(offset - 1)
    while piece := fh.read(1 << 16):
        at = piece.find(b"\n")
        if at >= 0:
            return fh.tell() - len(piece) + at + 1
    return size


def _count_newlines(fh: BinaryIO, start: int, end: int) -> int:
    fh.seek(start)
    left, count = end - start, 0
    while left > 0 and (piece := fh.read(min(left, 1 << 22))):
        count += piece.count(b"\n")
        left -= len(piece)
    return count


def _run(
    units: list[_Unit], workers: int, states: list[YearState] | None = None
) -> Iterator[_Result]:
    """Each unit's result, in unit order, as soon as it (and those before it) are done."""
    starts = states or [_START] * len(units)
    if workers <= 1 or len(units) <= 1 or "fork" not in multiprocessing.get_all_start_methods():
        yield from map(_read, units, starts)
        return
    ctx = multiprocessing.get_context("fork")
    with ctx.Pool(min(workers, len(units))) as pool:
        yield from pool.imap(_unpack, zip(units, starts, strict=True))


def _unpack(job: tuple[_Unit, YearState]) -> _Result:
    return _read(*job)


def _read(unit: _Unit, state: YearState = _START) -> _Result:
    """Parse and match one unit (in a worker, or here)."""
    assert _ENGINE is not None  # noqa: S101 - set by match_files
    result = _Result()
    try:
        _fill(unit, state, result)
    except (LogFormatError, OSError) as e:
        result.error = str(e).splitlines()[0]
    except Exception as e:  # a defect must not cost the other files: report this one, go on
        log.exception("reading %s from line %d failed", unit.source.display, unit.first)
        result.error = f"internal error ({type(e).__name__}: {e}); please report it"
    return result


def _fill(unit: _Unit, state: YearState, result: _Result) -> None:
    assert _ENGINE is not None  # noqa: S101 - set by match_files
    source = unit.source
    summary = None
    events: Iterator[LogEvent]
    if isinstance(unit.fmt, LineFormat):
        if isinstance(unit.fmt, SyslogFormat):
            parse, summary = unit.fmt.unit_parser(source, state)
        else:
            parse = unit.fmt.line_parser(source)
        events = chain.from_iterable(_line_events(unit, parse, result))
    else:
        events = _counted(unit.fmt.read(source), result)
    sources: dict[LogSource, int] = {}
    zones: dict[int, int] = {}
    native = speedups()
    pack = _pack if native is None else native.pack
    for pairs in _ENGINE.pairs(events):
        pack(pairs, _NUMBERS, sources, zones, _KEEP, result.matched, result.matches,
             result.zones, result.times)  # fmt: skip
    result.sources = list(sources)
    result.years = summary() if summary is not None else None


def _pack(
    pairs: list[tuple[CompiledRule, LogEvent]],
    numbers: dict[int, int],
    sources: dict[LogSource, int],
    zones: dict[int, int],
    keep: frozenset[str],
    matched: list[tuple[int, bytes, int, int, dict[str, str], str]],
    matches: list[tuple[int, int]],
    zone_list: list[dt.tzinfo | None],
    times: dict[int, dt.datetime | None],
) -> None:
    """Keep what the parent needs of a batch's (rule, event) pairs (an event's pairs are
    together): each event once in ``matched``, numbering its logsource in ``sources`` and its
    time's zone as :func:`_pack_time` does, and each pair in ``matches`` as (the rule's number
    in ``numbers``, by identity; the event's index in ``matched``). The compiled module does
    the same (``_mamori_speedups.pack``)."""
    kept = loops().kept
    last: LogEvent | None = None
    for rule, event in pairs:
        if event is not last:
            last = event
            ls = sources.setdefault(event.logsource, len(sources))
            when, zone = _pack_time(event.ts, len(matched), zones, zone_list, times)
            matched.append((event.position, when, zone, ls, kept(event.fields, keep), event.raw))
        matches.append((numbers[id(rule)], len(matched) - 1))


def _line_events(unit: _Unit, parse: LineParser, result: _Result) -> Iterator[list[LogEvent]]:
    """The events of a unit of a line log, a block of lines at a time; bad lines are counted
    in ``result``. A compiled parser (:mod:`.ingest._native`) parses a whole block in one call."""
    bad = result.count_bad
    block = getattr(parse, "block", None)
    for number, texts, problems in iter_line_blocks(
        unit.source.path, unit.start, unit.end, unit.first
    ):
        for at in range(0, len(texts), BATCH):  # parsed and matched while still in the cache
            if block is not None:
                events, failed, blank = block(texts[at : at + BATCH], number + at)
                if problems and blank:
                    failed = sorted(failed + [p for p in blank if p in problems])
                for position in failed:
                    bad(position)
                result.events += len(events)
                yield events
                continue
            events = []
            keep = events.append
            for position, line in zip(count(number + at), texts[at : at + BATCH]):
                if not line or line.isspace():
                    if position in problems:
                        bad(position)
                elif (event := parse(line, position)) is None:
                    bad(position)
                else:
                    keep(event)
            result.events += len(events)
            yield events


def _counted(records: Iterator[LogEvent | Bad], result: _Result) -> Iterator[LogEvent]:
    for item in records:
        if isinstance(item, Bad):
            result.count_bad(item.position)
            continue
        result.events += 1
        yield item


def _settle_years(
    units: list[_Unit], results: list[_Result], workers: int
) -> Iterator[tuple[int, _Result]]:
    """Re-read, from the right year state, units that started mid-file in the wrong year;
    yield (unit index, new result) for each.

    A unit's inference evolves the same whatever year it starts from (roll-overs depend on
    months only), so the right start state of every unit follows from the reports alone and
    all the units to re-read go back to the workers at once.
    """
    state: YearState = _START
    redo: list[tuple[int, YearState]] = []
    for i, (unit, result) in enumerate(zip(units, results, strict=True)):
        if not unit.mid_file:
            state = _START
        years = result.years
        if years is None or years.first is None:
            continue
        shift = 0
        if unit.mid_file:
            anchor = unit.source.mtime
            shift = year_at(anchor, state, *years.first) - years.first_year
            if shift:
                log.debug("%s: re-reading from line %d with year state %s", unit.source.display,
                          unit.first, state)  # fmt: skip
                redo.append((i, state))
        state = (years.end[0] + shift, years.end[1])
    if redo:
        again = _run([units[i] for i, _ in redo], workers, [s for _, s in redo])
        yield from zip((i for i, _ in redo), again, strict=True)


_State = tuple[bytes, dt.tzinfo] | tuple[bytes]
"""What a datetime's ``__reduce__`` gives to rebuild it: its state, and its tzinfo if any."""
_from_state = cast(Callable[[bytes, dt.tzinfo | None], dt.datetime], dt.datetime)
"""``datetime(state, tzinfo)``: how pickle rebuilds a datetime from ``__reduce__``'s state."""


def _pack_time(
    ts: dt.datetime | None,
    index: int,
    numbers: dict[int, int],
    zones: list[dt.tzinfo | None],
    times: dict[int, dt.datetime | None],
) -> tuple[bytes, int]:
    """An event's time packed for the trip to the parent: (state, zone number).

    Pickling a datetime costs about 2 µs and a unit may send back 100,000 matched events, while
    the state pickle rebuilds a datetime from (ten bytes, from ``__reduce__``) costs next to
    nothing to pickle. So a time goes as those bytes and the number of its tzinfo in
    ``zones`` (``result.zones``; numbered in ``numbers`` by identity: zones that compare equal
    but are named differently stay apart); :func:`_matches` rebuilds it as pickle would. A time
    with ``fold`` set (which ``__reduce__`` drops) or none goes as it is in ``times``
    (``result.times``) under ``index``, the event's place in ``result.matched``, with zone
    number -1.
    """
    if ts is None or ts.fold:
        times[index] = ts
        return b"", -1
    state = cast(_State, ts.__reduce__()[1])
    zone = state[1] if len(state) == 2 else None
    number = numbers.get(id(zone))
    if number is None:
        number = numbers[id(zone)] = len(zones)
        zones.append(zone)
    return state[0], number


def _matches(engine: SigmaEngine, unit: _Unit, result: _Result) -> list[Match]:
    """The matches of one unit, with its events rebuilt (times as :func:`_pack_time` packed
    them), by :func:`_rebuild` or the compiled ``unpack``."""
    native = speedups()
    unpack = _rebuild if native is None else native.unpack
    return unpack(result.matched, result.matches, engine.rules, result.sources, result.zones,
                  result.times, unit.source.display, LogEvent, Match)  # fmt: skip


def _rebuild(
    matched: list[tuple[int, bytes, int, int, dict[str, str], str]],
    matches: list[tuple[int, int]],
    rules: list[CompiledRule],
    sources: list[LogSource],
    zones: list[dt.tzinfo | None],
    times: dict[int, dt.datetime | None],
    display: str,
    event_type: type[LogEvent],
    match_type: type[Match],
) -> list[Match]:
    """What :func:`_pack` kept, rebuilt: each matched event (shown as ``display``) once, and
    each match of a rule (numbered in ``rules``) with it. The named tuples are made by
    ``tuple.__new__`` itself, as their own ``__new__`` does after a Python call that costs
    more than the rest here."""
    rebuild, new = _from_state, tuple.__new__
    events = [
        new(event_type, (
            display,
            position,
            rebuild(state, zones[zone]) if zone >= 0 else times[index],
            sources[ls],
            fields,
            raw,
        ))
        for index, (position, state, zone, ls, fields, raw) in enumerate(matched)
    ]  # fmt: skip
    return [new(match_type, (rules[rule], events[at])) for rule, at in matches]


def _reports(
    files: Sequence[tuple[str, str]],
    units: list[_Unit],
    results: list[_Result],
    errors: dict[int, str],
) -> list[FileReport]:
    per_file: dict[int, list[_Result]] = {}
    for unit, result in zip(units, results, strict=True):
        per_file.setdefault(unit.file, []).append(result)
    reports: list[FileReport] = []
    for number, (path, display) in enumerate(files):
        shown = display or path
        if number in errors:
            reports.append(FileReport(shown, error=errors[number]))
            continue
        parts = per_file.get(number, [])
        failed = next((r.error for r in parts if r.error), "")
        if failed:
            reports.append(FileReport(shown, error=failed))
            continue
        first_bad = tuple(p for r in parts for p in r.first_bad)[:_FIRST_BAD]
        stats = ParseStats(
            shown, sum(r.events for r in parts), sum(r.bad for r in parts), first_bad
        )
        reports.append(FileReport(shown, stats))
    return reports
