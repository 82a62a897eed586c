"""Correlations (event_count, value_count, temporal, aliases) and deduplication."""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from collections.abc import Callable

import pytest

from mamori.analysers.logs.correlation import Correlator
from mamori.analysers.logs.dedupe import SAMPLE_LIMIT, Alert, dedupe, entities
from mamori.analysers.logs.events import LogEvent, LogSource
from mamori.analysers.logs.sigma_engine import Match, SigmaEngine
from mamori.analysers.logs.sigma_load import load_text

T0 = dt.datetime(2026, 3, 3, 10, 0, tzinfo=dt.UTC)
SSHD = LogSource("linux", "sshd")

RULES = """
title: fail
name: fail
logsource: {product: linux, service: sshd}
detection: {s: {outcome: failure}, condition: s}
---
title: ok
name: ok
logsource: {product: linux, service: sshd}
detection: {s: {outcome: success}, condition: s}
---
title: burst
name: burst
correlation: {type: event_count, rules: [fail], group-by: [src_ip], timespan: 1m,
              condition: {gte: 3}}
level: high
---
title: spray
correlation: {type: value_count, rules: [fail], group-by: [src_ip], timespan: 10m,
              condition: {field: user, gte: 3}}
---
title: then
correlation: {type: temporal_ordered, rules: [burst, ok], group-by: [src_ip], timespan: 5m}
"""


def ev(sec: int, outcome: str, ip: str = "203.0.113.9", user: str = "root") -> LogEvent:
    fields = {"outcome": outcome, "src_ip": ip, "user": user, "host": "web1"}
    return LogEvent("auth.log", sec + 1, T0 + dt.timedelta(seconds=sec), SSHD, fields, outcome)


def run(events: list[LogEvent], rules: str = RULES) -> tuple[list[Alert], Correlator]:
    loaded = load_text(rules)
    assert loaded.failures == ()
    matches = list(SigmaEngine(loaded.rules).match(events))
    correlator = Correlator(loaded.correlations)
    assert correlator.failures == []
    return correlator.run(matches), correlator


def titles(alerts: list[Alert]) -> list[str]:
    return sorted(a.title for a in alerts)


def test_event_count_fires_once_per_burst_and_not_below_threshold() -> None:
    alerts, _ = run([ev(0, "failure"), ev(10, "failure")])
    assert titles(alerts) == []
    alerts, _ = run([ev(s, "failure") for s in range(0, 50, 5)])
    (burst,) = [a for a in alerts if a.title == "burst"]
    assert burst.count == 10
    assert burst.group == (("src_ip", "203.0.113.9"),)
    assert burst.correlation == "event_count"
    assert burst.first_seen == T0 and burst.last_seen == T0 + dt.timedelta(seconds=45)


def test_event_count_respects_timespan_and_group() -> None:
    spread = [ev(s, "failure") for s in (0, 70, 140)]
    two_ips = [ev(0, "failure", "198.51.100.1"), ev(1, "failure"), ev(2, "failure")]
    assert run(spread)[0] == []
    assert run(two_ips)[0] == []


def test_two_bursts_far_apart_are_two_alerts() -> None:
    events = [ev(s, "failure") for s in (0, 1, 2, 600, 601, 602)]
    alerts, _ = run(events)
    assert [a.count for a in alerts if a.title == "burst"] == [3, 3]


def test_value_count_counts_distinct_users() -> None:
    same_user = [ev(s, "failure", user="root") for s in range(0, 300, 60)]
    sprayed = [ev(s, "failure", user=f"u{s}") for s in range(0, 300, 60)]
    assert "spray" not in titles(run(same_user)[0])
    assert "spray" in titles(run(sprayed)[0])


def test_temporal_ordered_chains_a_correlation_then_a_rule() -> None:
    attack = [ev(s, "failure") for s in range(3)] + [ev(30, "success")]
    reversed_order = [ev(0, "success")] + [ev(s, "failure") for s in range(100, 103)]
    assert "then" in titles(run(attack)[0])
    assert "then" not in titles(run(reversed_order)[0])


def test_referenced_rules_are_silent_unless_generate() -> None:
    _, correlator = run([])
    assert correlator.silent == {"fail", "ok"}
    generating = RULES.replace("timespan: 1m,", "timespan: 1m, generate: true,")
    assert run([], generating)[1].silent == {"ok"}


def test_aliases_map_group_by_fields_per_rule() -> None:
    rules = """
title: made
name: made
logsource: {product: linux, service: auth}
detection: {s: {action: user-added}, condition: s}
---
title: promoted
name: promoted
logsource: {product: linux, service: auth}
detection: {s: {action: group-member-added}, condition: s}
---
title: new admin
correlation:
  type: temporal_ordered
  rules: [made, promoted]
  group-by: [account]
  aliases: {account: {made: new_user, promoted: user}}
  timespan: 1h
"""
    auth = LogSource("linux", "auth")
    made = LogEvent("a", 1, T0, auth, {"action": "user-added", "new_user": "eve"}, "")
    same = LogEvent("a", 2, T0 + dt.timedelta(minutes=1), auth,
                    {"action": "group-member-added", "user": "eve"}, "")  # fmt: skip
    other = LogEvent("a", 2, T0 + dt.timedelta(minutes=1), auth,
                     {"action": "group-member-added", "user": "bob"}, "")  # fmt: skip
    hit = run([made, same], rules)[0]
    assert [(a.title, a.group) for a in hit] == [("new admin", (("account", "eve"),))]
    assert run([made, other], rules)[0] == []


def test_unsupported_correlation_is_a_failure() -> None:
    rules = (
        RULES
        + """---
title: avg
correlation: {type: value_sum, rules: [fail], group-by: [src_ip], timespan: 1m,
              condition: {field: n, gte: 3}}
"""
    )
    loaded = load_text(rules)
    correlator = Correlator(loaded.correlations)
    assert [f.title for f in correlator.failures] == ["avg"]
    assert "value_sum" in correlator.failures[0].reason


def test_dedupe_one_alert_per_rule_group_and_window() -> None:
    loaded = load_text(RULES)
    engine = SigmaEngine(loaded.rules)
    events = [ev(s, "failure") for s in range(0, 100, 10)]
    events += [ev(5, "failure", ip="198.51.100.7")]
    events += [ev(3 * 3600, "failure")]
    alerts = dedupe(engine.match(events), window=dt.timedelta(hours=1))
    summary = sorted((dict(a.group)["src_ip"], a.count) for a in alerts)
    assert summary == [("198.51.100.7", 1), ("203.0.113.9", 1), ("203.0.113.9", 10)]
    assert all(a.rule_id == "fail" for a in alerts)


def at(when: dt.timedelta, user: str = "root", ip: str = "203.0.113.9", line: int = 0) -> LogEvent:
    fields = {"outcome": "failure", "src_ip": ip, "user": user, "host": "web1"}
    return LogEvent("auth.log", line or int(when.total_seconds()), T0 + when, SSHD, fields, "")


def by_title(alerts: list[Alert], title: str) -> list[Alert]:
    return [a for a in alerts if a.title == title]


def test_window_holds_a_hit_exactly_timespan_old_and_not_one_more() -> None:
    second = dt.timedelta(seconds=1)
    edge = [at(0 * second), at(30 * second), at(60 * second)]
    past = [at(0 * second), at(30 * second), at(60 * second + dt.timedelta(microseconds=1))]
    (burst,) = by_title(run(edge)[0], "burst")
    assert (burst.count, burst.first_seen, burst.last_seen) == (3, T0, T0 + 60 * second)
    assert by_title(run(past)[0], "burst") == []


def test_value_count_keeps_a_value_still_in_the_window_after_its_first_hit_left() -> None:
    minute = dt.timedelta(minutes=1)
    repeated = [at(0 * minute, "u1"), at(5 * minute, "u2"), at(9.9 * minute, "u1"),
                at(10.1 * minute, "u3")]  # fmt: skip
    left = [at(0 * minute, "u1"), at(5 * minute, "u2"), at(10.1 * minute, "u3")]
    (spray,) = by_title(run(repeated)[0], "spray")
    assert (spray.count, spray.first_seen) == (3, T0 + 5 * minute)
    assert by_title(run(left)[0], "spray") == []


def test_value_count_within_one_window_counts_every_hit_after_it_holds() -> None:
    second = dt.timedelta(seconds=1)
    events = [at(s * second, u) for s, u in ((0, "a"), (10, "b"), (20, "a"), (30, "c"), (40, "a"))]
    (spray,) = by_title(run(events)[0], "spray")
    assert (spray.count, spray.first_seen, spray.last_seen) == (5, T0, T0 + 40 * second)


def test_long_burst_is_one_alert_with_the_first_events_as_sample() -> None:
    events = [at(dt.timedelta(seconds=5 * i)) for i in range(50)]
    (burst,) = by_title(run(events[::-1])[0], "burst")  # any input order
    assert burst.count == 50 and burst.last_seen == T0 + dt.timedelta(seconds=245)
    assert [e.position for e in burst.events] == [e.position for e in events[:SAMPLE_LIMIT]]


def test_many_groups_fire_each_in_first_seen_order() -> None:
    ips = [f"198.51.100.{i}" for i in range(12)]
    events = [at(dt.timedelta(seconds=s), ip=ip) for s in range(3) for ip in ips]
    events += [at(dt.timedelta(seconds=9), ip="192.0.2.1")]  # a group too small to fire
    bursts = by_title(run(events)[0], "burst")
    assert [dict(a.group)["src_ip"] for a in bursts] == ips
    assert {a.count for a in bursts} == {3}


def _plain_slide(hits: list[LogEvent], span: dt.timedelta, holds: Callable[..., bool]) -> list:
    """Reference: push each hit into a window of the last ``span``; an alert opens when the
    condition holds, and later hits that hold within ``span`` of the last one join it."""
    alerts: list[list[object]] = []  # [count, first, last, positions]
    window: list[LogEvent] = []
    for hit in sorted(hits, key=lambda e: e.ts or T0):
        assert hit.ts is not None
        window = [h for h in window if h.ts is not None and hit.ts - h.ts <= span] + [hit]
        if not holds(window):
            continue
        if alerts and hit.ts - alerts[-1][2] <= span:  # type: ignore[operator]
            alerts[-1][0] += 1  # type: ignore[operator]
            alerts[-1][2] = hit.ts
            alerts[-1][3].append(hit.position)  # type: ignore[attr-defined]
            continue
        alerts.append([len(window), window[0].ts, hit.ts, [h.position for h in window]])
    return [(c, f, la, tuple(p[:SAMPLE_LIMIT])) for c, f, la, p in alerts]  # type: ignore[index]


def test_correlations_match_a_plain_sliding_window_on_random_bursts() -> None:
    rnd = random.Random(5)  # noqa: S311 - test data
    for _ in range(60):
        t, events = 0, []
        for _ in range(rnd.choice([5, 30, 120])):
            t += rnd.choice([0, 10, 30, 60, 61, 300, 600, 601])
            user, ip = rnd.choice("abcd"), rnd.choice(["x", "y"])
            events.append(at(dt.timedelta(seconds=t), user, ip, line=len(events) + 1))
        alerts = run(events)[0]
        for title, span, holds in (
            ("burst", dt.timedelta(minutes=1), lambda w: len(w) >= 3),
            ("spray", dt.timedelta(minutes=10), lambda w: len({h.fields["user"] for h in w}) >= 3),
        ):
            for ip in ("x", "y"):
                mine = [a for a in by_title(alerts, title) if dict(a.group)["src_ip"] == ip]
                got = [(a.count, a.first_seen, a.last_seen, tuple(e.position for e in a.events))
                       for a in mine]  # fmt: skip
                hits = [e for e in events if e.fields["src_ip"] == ip]
                assert got == _plain_slide(hits, span, holds), (title, ip, events)


def test_dedupe_orders_by_first_seen_and_keeps_untimed_matches_last() -> None:
    loaded = load_text(RULES)
    engine = SigmaEngine(loaded.rules)
    untimed = LogEvent("auth.log", 99, None, SSHD, {"outcome": "failure", "src_ip": "-"}, "")
    late = ev(7200, "failure", ip="198.51.100.7", user="unknown")
    events = [untimed, late, ev(60, "failure"), ev(0, "failure")]
    alerts = dedupe(engine.match(events))
    assert [(a.group, a.count, a.first_seen) for a in alerts] == [
        ((("host", "web1"), ("src_ip", "203.0.113.9"), ("user", "root")), 2, T0),
        ((("host", "web1"), ("src_ip", "198.51.100.7")), 1, late.ts),
        ((), 1, None),
    ]


@pytest.mark.parametrize("start", [(0, 0), (0, 10**6), (10**6, 0)])
def test_split_keeps_a_correlation_with_those_it_reads_and_loses_no_alert(
    start: tuple[int, int],
) -> None:
    events = [ev(s, "failure", user=f"u{s % 4}") for s in range(0, 50, 5)] + [ev(60, "success")]
    # Many other log-ins make "then" (which reads them) heavier than "burst" (which it reads).
    events += [ev(61 + s, "success", ip=f"198.51.100.{s}") for s in range(30)]
    alerts, correlator = run(events)
    assert {a.title for a in alerts} == {"burst", "spray", "then"}
    names = [plan.template.title for plan in correlator._plans]
    loaded = load_text(RULES)
    matches = list(SigmaEngine(loaded.rules).match(events))
    parts = correlator.split(Counter(m.rule.rule_id for m in matches), start)
    assert parts[0] | parts[1] == set(range(len(names))) and not parts[0] & parts[1]
    with_burst = next(p for p in parts if names.index("burst") in p)
    assert names.index("then") in with_burst  # "then" reads burst's alerts
    if start[1] > start[0]:
        assert parts[1] == set()  # all the work goes where there is least already
    merged = correlator.run_plans(matches, parts[0]) | correlator.run_plans(matches, parts[1])
    assert [a for i in sorted(merged) for a in merged[i]] == alerts


def _plain_dedupe(matches: list[Match], window: dt.timedelta) -> set[tuple[object, ...]]:
    """De-duplication as the docstring says it, key by key: a key's matches by time (untimed
    last, each in match order), a new alert where the gap to the previous time exceeds
    ``window``; untimed matches join the key's last alert."""
    by_key: dict[tuple[str, object], list[LogEvent]] = {}
    for m in matches:
        by_key.setdefault((m.rule.rule_id, entities(m.event.fields)), []).append(m.event)
    found = set()
    for (rule, group), events in by_key.items():
        timed = sorted((e for e in events if e.ts is not None), key=lambda e: e.ts)  # type: ignore[arg-type, return-value]
        runs: list[list[LogEvent]] = []
        for e in timed:
            if runs and e.ts - runs[-1][-1].ts <= window:  # type: ignore[operator]
                runs[-1].append(e)
            else:
                runs.append([e])
        untimed = [e for e in events if e.ts is None]
        if untimed:
            runs[-1:] = [(runs[-1] if runs else []) + untimed]
        for run in runs:
            times = [e.ts for e in run if e.ts is not None]
            found.add((rule, group, len(run), min(times, default=None), max(times, default=None),
                       tuple(e.position for e in run[:SAMPLE_LIMIT])))  # fmt: skip
    return found


def test_dedupe_matches_the_plain_definition_on_random_matches() -> None:
    loaded = load_text(RULES)
    engine = SigmaEngine(loaded.rules)
    rnd = random.Random(5)  # noqa: S311 - test data
    window = dt.timedelta(seconds=30)
    for _ in range(300):
        events = []
        for line in range(rnd.randint(1, 60)):
            ip = rnd.choice(["203.0.113.9", "198.51.100.7", "-"])
            when = None if rnd.random() < 0.1 else T0 + dt.timedelta(seconds=rnd.randint(0, 200))
            fields = {"outcome": "failure", "src_ip": ip, "user": "root", "host": "web1"}
            events.append(LogEvent("auth.log", line + 1, when, SSHD, fields, ""))
        matches = list(engine.match(events))
        alerts = dedupe(matches, window)
        got = {
            (
                a.rule_id,
                a.group,
                a.count,
                a.first_seen,
                a.last_seen,
                tuple(e.position for e in a.events),
            )
            for a in alerts
        }
        assert got == _plain_dedupe(matches, window)
        assert len(got) == len(alerts)
