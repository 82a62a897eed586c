"""The rule index: batched keyword scans and memoised field look-ups never lose a candidate."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mamori.analysers.logs import _sigma_index
from mamori.analysers.logs._sigma_compile import Doc
from mamori.analysers.logs.events import LogEvent, LogSource
from mamori.analysers.logs.sigma_engine import BATCH, SigmaEngine
from mamori.analysers.logs.sigma_load import load_text

T0 = dt.datetime(2026, 3, 3, 10, 0, tzinfo=dt.UTC)
LINUX = LogSource("linux", "sshd")

RULES = """
title: keyword
logsource: {product: linux}
detection:
  k: [evil thing, 'rm -rf /']
  condition: k
---
title: field
logsource: {product: linux}
detection:
  s: {user|endswith: [admin, root]}
  condition: s
---
title: uri
logsource: {product: linux}
detection:
  s: {path|contains: ['../', '<script']}
  condition: s
"""


def engine() -> SigmaEngine:
    loaded = load_text(RULES)
    built = SigmaEngine(loaded.rules)
    assert len(built.rules) == 3
    return built


def slow(built: SigmaEngine, events: list[LogEvent]) -> list[tuple[str, int]]:
    """Every applicable rule evaluated on every event: what the index must reproduce."""
    found = []
    for e in events:
        doc = Doc(e.fields, e.raw.lower())
        found += [(r.title, e.position) for r in built.candidates(e) if r.predicate(doc)]
    return found


def fast(built: SigmaEngine, events: list[LogEvent]) -> list[tuple[str, int]]:
    return [(m.rule.title, m.event.position) for m in built.match(events)]


def line(n: int, raw: str, **fields: str) -> LogEvent:
    return LogEvent("t.log", n, T0, LINUX, {"program": "sshd", **fields}, raw)


def test_keywords_at_line_edges_are_found_in_their_own_line() -> None:
    # The batch is scanned as one text; a keyword ending a line, starting the next, or
    # spelled across the join must point at the right line (and the join never invents a match).
    events = [
        line(1, "aaa evil"),
        line(2, "thing bbb"),
        line(3, "x EVIL THING"),
        line(4, "Evil Thing at start"),
        line(5, "rm -rf /"),
    ]
    got = fast(engine(), events)
    assert got == [("keyword", 3), ("keyword", 4), ("keyword", 5)]
    assert got == slow(engine(), events)


def test_lowercasing_that_changes_length_does_not_shift_lines() -> None:
    # "İ".lower() is two code points: offsets must come from the lower-cased lines.
    events = [line(1, "İİİİ harmless"), line(2, "evil thing"), line(3, "İ rm -rf /")]
    assert fast(engine(), events) == [("keyword", 2), ("keyword", 3)]


def test_a_batch_boundary_changes_nothing() -> None:
    rnd = random.Random(3)  # noqa: S311 - test data
    words = ["evil", "thing", "rm", "-rf", "/", "ok", "admin", "../", "İ"]
    events = [
        line(i, " ".join(rnd.choice(words) for _ in range(6)), user=rnd.choice(words))
        for i in range(1, 3 * BATCH + 7)
    ]
    built = engine()
    together = fast(built, events)
    one_by_one = [m for e in events for m in fast(built, [e])]
    assert together == one_by_one == slow(built, events)
    assert len({title for title, _ in together}) == 2


def test_a_field_that_stops_memoising_still_finds_every_match(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(_sigma_index, "MEMO_LIMIT", 8)

    def user_lookup(built: SigmaEngine) -> _sigma_index._Lookup:
        return next(lookup for p in built._plans.values() for n, lookup in p.fields if n == "user")

    unique = [line(i, "", user=f"u{i}admin" if i % 3 else f"u{i}") for i in range(1, 200)]
    built = engine()
    assert fast(built, unique) == slow(built, unique)
    assert user_lookup(built).stopped  # a memo of values that never repeat does not pay
    repeated = [line(i, "", user=["root", "bob"][i % 2]) for i in range(1, 200)]
    built = engine()
    assert fast(built, repeated) == slow(built, repeated)
    assert not user_lookup(built).stopped
    assert set(user_lookup(built).memo) == {"root", "bob", None}  # None: events without it


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(alphabet="eEvilthng rm-f/İ.<script>ADMIN", max_size=30), max_size=40))
def test_index_equals_evaluating_every_rule(raws: list[str]) -> None:
    events = [line(i, raw, user=raw[-6:], path=raw[:8]) for i, raw in enumerate(raws, 1)]
    built = engine()
    assert fast(built, events) == slow(built, events)


def test_a_lone_surrogate_in_a_value_neither_crashes_nor_hides_a_match() -> None:
    # ``%uD800`` decodes to a lone surrogate, which is no UTF-8: the automata cannot take it.
    rules = """
title: many needles
logsource: {product: linux}
detection:
  s: {agent|contains: [sqlmap, nikto, nmap, masscan, zgrab, dirb]}
  h: {host: web1}
  condition: s and h
"""
    built = SigmaEngine(load_text(rules + "---\n" + RULES).rules)
    events = [
        line(1, "a", path="/q=\ud800' union ../", user="x\udc80admin"),
        line(2, "evil thing \ud800"),
        line(3, "b", agent="sqlmap \udc80", host="web1"),
        line(4, "c", agent="curl \udc80", host="web1"),
    ]
    got = fast(built, events)
    assert got == slow(built, events)
    assert got == [("field", 1), ("uri", 1), ("keyword", 2), ("many needles", 3)]


def test_events_read_before_a_failing_source_are_still_matched() -> None:
    def source() -> Iterator[LogEvent]:
        yield line(1, "evil thing")
        yield line(2, "harmless")
        raise OSError("disk gone")

    seen: list[tuple[str, int]] = []
    with pytest.raises(OSError, match="disk gone"):
        seen.extend((m.rule.title, m.event.position) for m in engine().match(source()))
    assert seen == [("keyword", 1)]


def test_a_source_that_fails_before_its_first_event_raises_its_own_error() -> None:
    def source() -> Iterator[LogEvent]:
        raise OSError("disk gone")
        yield line(1, "evil thing")  # never reached: makes this a generator

    with pytest.raises(OSError, match="disk gone"):
        list(engine().match(source()))
