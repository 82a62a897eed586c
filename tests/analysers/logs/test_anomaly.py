"""Drain3 rare-template and burst detection, with vulnerable and safe streams."""

from __future__ import annotations

import datetime as dt

import pytest

from mamori.analysers.logs.events import LogEvent, LogSource
from mamori.analysers.logs.ingest.anomaly import ANALYSER_ID, AnomalySettings, detect_anomalies
from mamori.model import Confidence, Severity

START = dt.datetime(2026, 3, 15, 0, 0, tzinfo=dt.UTC)
SSHD = LogSource("linux", "sshd")
ROUTINE = (
    "Accepted publickey for deploy from 10.0.{a}.{b} port {p} ssh2",
    "pam_unix(sshd:session): session opened for user deploy(uid=1001) by (uid=0)",
    "Received disconnect from 10.0.{a}.{b} port {p}:11: disconnected by user",
)


def _event(position: int, message: str, seconds: float, host: str = "web1") -> LogEvent:
    fields = {"host": host, "program": "sshd", "message": message}
    return LogEvent(
        "auth.log", position, START + dt.timedelta(seconds=seconds), SSHD, fields, message
    )


def _routine(count: int, every: float = 10.0) -> list[LogEvent]:
    return [
        _event(i + 1, ROUTINE[i % 3].format(a=i % 7, b=i % 200, p=40000 + i), i * every)
        for i in range(count)
    ]


def test_safe_routine_stream_has_no_anomalies() -> None:
    assert detect_anomalies(_routine(600)) == []


def test_rare_message_in_a_long_stream_is_reported() -> None:
    events = _routine(600)
    odd = "error: kex_exchange_identification: banner line has bad characters password=hunter2"
    events.insert(300, _event(9999, odd, 3000.5))
    findings = detect_anomalies(events)
    assert [f.rule_id for f in findings] == ["anomaly.rare-template"]
    rare = findings[0]
    assert rare.analyser == ANALYSER_ID
    assert rare.confidence is Confidence.LOW
    assert rare.severity is Severity.LOW
    assert (rare.location.path, rare.location.start_line) == ("auth.log", 9999)
    assert "hunter2" not in rare.evidence and "hunter2" not in rare.message
    assert "REDACTED" in rare.evidence
    assert rare.properties["count"] == 1 and rare.properties["stream_events"] == 601


def test_rarity_needs_enough_history() -> None:
    events = _routine(50)
    events.append(_event(51, "fatal: something never seen before happened here", 600))
    assert detect_anomalies(events) == []


def test_streams_are_per_host_and_program() -> None:
    common_on_web1 = _routine(300)
    db1 = [
        _event(1000 + i, f"Starting session {i} of user postgres.", i * 5.0, "db1")
        for i in range(300)
    ]
    odd_on_db1 = _event(
        5000, "Accepted publickey for deploy from 10.0.0.9 port 40999 ssh2", 90, "db1"
    )
    findings = detect_anomalies([*common_on_web1, *db1, odd_on_db1])
    assert [(f.properties["host"], f.location.start_line) for f in findings] == [("db1", 5000)]


def test_burst_of_failures_is_reported_with_stable_fingerprint() -> None:
    events = _routine(600)
    burst_at = 3000.0
    attack = [
        _event(2000 + i, f"Failed password for root from 203.0.113.{i % 250} port {50000 + i} ssh2",
               burst_at + i * 0.2)
        for i in range(150)
    ]  # fmt: skip
    baseline = [
        _event(
            3000 + i,
            f"Failed password for root from 198.51.100.{i} port {30000 + i} ssh2",
            i * 120 + 70,
        )
        for i in range(40)
    ]
    findings = detect_anomalies(events + baseline + attack)
    bursts = [f for f in findings if f.rule_id == "anomaly.burst"]
    assert len(bursts) == 1
    burst = bursts[0]
    assert burst.properties["count"] >= 100
    assert burst.severity is Severity.MEDIUM
    assert burst.location.start_line == 2000
    again = detect_anomalies(events + baseline + attack)
    assert [f.fingerprint for f in again if f.rule_id == "anomaly.burst"] == [burst.fingerprint]


def test_steady_high_rate_is_not_a_burst() -> None:
    events = [
        _event(i, f"Failed password for root from 203.0.113.{i % 250} port {i} ssh2", i * 2.0)
        for i in range(1200)
    ]
    assert [f for f in detect_anomalies(events) if f.rule_id == "anomaly.burst"] == []


def test_settings_are_validated() -> None:
    with pytest.raises(ValueError, match="burst_factor"):
        AnomalySettings(burst_factor=1.0)
