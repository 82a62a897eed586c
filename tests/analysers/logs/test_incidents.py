"""Incidents: alerts joined by shared entities and time, with an ordered timeline."""

from __future__ import annotations

import datetime as dt

from mamori.analysers.logs.dedupe import Alert
from mamori.analysers.logs.events import LogEvent, LogSource
from mamori.analysers.logs.incidents import build_incidents
from mamori.model import Severity

T0 = dt.datetime(2026, 3, 3, 10, 0, tzinfo=dt.UTC)


def alert(rule: str, minute: int, sev: Severity = Severity.MEDIUM, **fields: str) -> Alert:
    when = T0 + dt.timedelta(minutes=minute)
    event = LogEvent("auth.log", minute + 1, when, LogSource("linux", "auth"), fields, rule)
    return Alert(rule, rule, sev, (f"attack.t10{minute:02d}",), "", (), when, when, 1, (event,))


def test_alerts_sharing_entities_chain_into_one_ordered_incident() -> None:
    brute = alert("brute", 0, Severity.HIGH, src_ip="203.0.113.9", user="deploy")
    shell = alert("shell", 30, Severity.CRITICAL, user="deploy", host="web1")
    backdoor = alert("backdoor", 50, host="web1")
    (incident,) = build_incidents([backdoor, shell, brute])
    assert [a.rule_id for a in incident.alerts] == ["brute", "shell", "backdoor"]
    assert incident.severity is Severity.CRITICAL
    assert incident.techniques == ("T1000", "T1030", "T1050")
    assert "ip:203.0.113.9" in incident.entities and "host:web1" in incident.entities
    assert incident.first_seen == T0
    assert incident.last_seen == T0 + dt.timedelta(minutes=50)


def test_unrelated_or_distant_alerts_form_no_incident() -> None:
    a = alert("a", 0, src_ip="203.0.113.9")
    b = alert("b", 1, src_ip="198.51.100.1")
    c = alert("c", 0, user="root")
    late = alert("late", 59, user="root")
    assert build_incidents([a, b]) == []
    assert build_incidents([c, late], gap=dt.timedelta(minutes=10)) == []
    assert len(build_incidents([c, late], gap=dt.timedelta(hours=1))) == 1


def test_placeholder_entities_do_not_join_alerts() -> None:
    a = alert("a", 0, user="-")
    b = alert("b", 1, user="-")
    assert build_incidents([a, b]) == []


def test_incident_id_is_stable() -> None:
    alerts = [alert("a", 0, host="h"), alert("b", 5, host="h")]
    assert build_incidents(alerts)[0].id == build_incidents(list(reversed(alerts)))[0].id
