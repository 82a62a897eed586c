"""Correlations (event_count, value_count, temporal, aliases) and deduplication."""

from __future__ import annotations

import datetime as dt

from mamori.analysers.logs.correlation import Correlator
from mamori.analysers.logs.dedupe import Alert, dedupe
from mamori.analysers.logs.events import LogEvent, LogSource
from mamori.analysers.logs.sigma_engine import SigmaEngine
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
