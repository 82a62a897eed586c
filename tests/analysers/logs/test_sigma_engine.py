"""The in-process engine: Sigma matching semantics and log-source dispatch."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from mamori.analysers.logs._sigma_compile import Doc
from mamori.analysers.logs.events import LogEvent, LogSource
from mamori.analysers.logs.sigma_engine import SigmaEngine, rule_key, techniques
from mamori.analysers.logs.sigma_load import load_text
from shared_data import SHARED_DATA

T0 = dt.datetime(2026, 3, 3, 10, 0, tzinfo=dt.UTC)
SYSMON = LogSource("windows", "sysmon", "process_creation")
LINUX = LogSource("linux", "sshd")


def event(ls: LogSource = LINUX, raw: str = "", **fields: str) -> LogEvent:
    return LogEvent("test.log", 1, T0, ls, dict(fields), raw)


def engine(detection: str, logsource: str = "{product: linux}") -> SigmaEngine:
    text = f"title: t\nlogsource: {logsource}\ndetection:\n{detection}\n"
    loaded = load_text(text)
    assert loaded.failures == ()
    built = SigmaEngine(loaded.rules)
    assert built.failures == []
    return built


def hits(built: SigmaEngine, *events: LogEvent) -> int:
    return sum(1 for _ in built.match(events))


@pytest.mark.parametrize(
    ("detection", "good", "bad"),
    [
        ("  s: {f: Abc}\n  condition: s", "aBC", "abcd"),
        ("  s: {f|contains: mid}\n  condition: s", "xxMIDyy", "mi d"),
        ("  s: {f|startswith: pre}\n  condition: s", "prefix", "xpre"),
        ("  s: {f|endswith: '.EXE'}\n  condition: s", "C:\\a.exe", "a.exe.txt"),
        ("  s: {f: 'a*c?e'}\n  condition: s", "abbbcde", "abce"),
        ("  s: {f|re: '^[0-9]{3}$'}\n  condition: s", "123", "1234"),
        ("  s: {f|cidr: 10.0.0.0/8}\n  condition: s", "10.1.2.3", "11.0.0.1"),
        ("  s: {f|gt: 5}\n  condition: s", "7", "5"),
        ("  s: {f|contains|all: [a, b]}\n  condition: s", "xaxb", "xaxx"),
        ("  s: {f: [one, two]}\n  condition: s", "TWO", "three"),
        ("  s: {f|endswith: [.sh, .py]}\n  condition: s", "x.PY", "x.rb"),
        ("  s: {f|cased: Abc}\n  condition: s", "Abc", "abc"),
        ("  s: {f: x}\n  n: {f: xy}\n  condition: s and not n", "x", "xy"),
    ],
)
def test_value_matching(detection: str, good: str, bad: str) -> None:
    built = engine(detection)
    assert hits(built, event(f=good)) == 1
    assert hits(built, event(f=bad)) == 0


def test_exists_null_and_fieldref() -> None:
    assert hits(engine("  s: {f|exists: true}\n  condition: s"), event(f="")) == 1
    assert hits(engine("  s: {f|exists: true}\n  condition: s"), event(g="1")) == 0
    assert hits(engine("  s: {f: null}\n  condition: s"), event(g="1")) == 1
    assert hits(engine("  s: {f: null}\n  condition: s"), event(f="1")) == 0
    ref = engine("  s: {a|fieldref: b}\n  condition: s")
    assert hits(ref, event(a="X", b="x")) == 1
    assert hits(ref, event(a="X", b="y")) == 0


def test_keywords_search_the_raw_line() -> None:
    built = engine("  k: ['NOT in sudoers']\n  condition: k")
    assert hits(built, event(raw="bob : user NOT in sudoers ; TTY=pts/0")) == 1
    assert hits(built, event(raw="bob : TTY=pts/0 ; COMMAND=/bin/ls")) == 0


def test_logsource_dispatch_and_event_id_index() -> None:
    text = """
title: whoami
id: 8d1e3f8e-5d7a-4c61-9a57-0f4a5c8f0b11
logsource: {product: windows, category: process_creation}
detection:
  sel: {Image|endswith: '\\\\whoami.exe'}
  condition: sel
---
title: logon
logsource: {product: windows, service: security}
detection:
  sel: {EventID: 4625, TargetUserName: admin}
  condition: sel
"""
    built = SigmaEngine(load_text(text).rules)
    sysmon = event(LogSource("windows", "sysmon"), EventID="1", Image="C:\\W\\whoami.exe")
    security_4688 = event(
        LogSource("windows", "security"), EventID="4688", NewProcessName="C:\\W\\whoami.exe"
    )
    linux = event(LINUX, Image="C:\\W\\whoami.exe")
    failed = event(LogSource("windows", "security"), EventID="4625", TargetUserName="admin")
    other = event(LogSource("windows", "security"), EventID="4624", TargetUserName="admin")
    titles = [m.rule.title for m in built.match([sysmon, security_4688, linux, failed, other])]
    assert titles == ["whoami", "whoami", "logon"]
    assert [r.title for r in built.candidates(other)] == []
    assert {m.rule.rule_id for m in built.match([sysmon])} == {
        "8d1e3f8e-5d7a-4c61-9a57-0f4a5c8f0b11"
    }


def test_rule_key_and_techniques() -> None:
    (rule,) = load_text(
        "title: Odd Rule!\nlogsource: {product: linux}\ndetection: {s: {a: b}, condition: s}\n"
    ).rules
    assert rule_key(rule) == "odd-rule"
    assert techniques(["attack.t1110.001", "attack.credential_access", "attack.T1078"]) == (
        "T1110.001",
        "T1078",
    )


def test_placeholder_rule_is_a_failure_not_a_crash() -> None:
    text = (
        "title: p\nlogsource: {product: linux}\n"
        "detection:\n  s: {f|expand: '%admins%'}\n  condition: s\n"
    )
    built = SigmaEngine(load_text(text).rules)
    assert built.rules == []
    assert "placeholder" in built.failures[0].reason


def test_index_never_hides_a_match_on_real_evtx_samples() -> None:

    from mamori.analysers.logs.ingest.detect import open_events
    from mamori.analysers.logs.sigma_load import load_rules

    samples = sorted((SHARED_DATA / "evtx-attack-samples").rglob("*.evtx"))[:80]
    events = [e for p in samples for e in open_events(str(p))]
    loaded = load_rules([str(SHARED_DATA / "sigma" / "rules" / "windows" / "process_creation")])
    built = SigmaEngine(loaded.rules)
    fast = {(m.rule.rule_id, m.event.source, m.event.position) for m in built.match(events)}
    slow = set()
    for e in events:
        doc = Doc(e.fields, e.raw.lower())
        slow |= {(r.rule_id, e.source, e.position) for r in built.candidates(e) if r.predicate(doc)}
    assert len(events) > 500
    assert fast == slow
    assert fast


def test_renamed_condition_matches_like_the_pipeline_mapped_copy() -> None:
    """Compiling the rule's own condition with renamed fields equals applying the pySigma
    pipeline to a deep copy (the general path), on every process_creation rule and real
    Security/Sysmon events."""
    from mamori.analysers.logs.ingest.detect import open_events
    from mamori.analysers.logs.sigma_engine import _compile
    from mamori.analysers.logs.sigma_load import load_rules, mapped_rule, variants

    samples = sorted((SHARED_DATA / "evtx-attack-samples").rglob("*.evtx"))[:120]
    events = [e for p in samples for e in open_events(str(p))]
    loaded = load_rules([str(SHARED_DATA / "sigma" / "rules" / "windows" / "process_creation")])
    built = SigmaEngine(loaded.rules)
    mapped = [r for r in built.rules if r.scope.category.endswith("@security")]
    assert len(mapped) > 300
    general = []
    for rule in loaded.rules:
        for scope, pipeline in variants(rule):
            if pipeline is not None:
                general.append(_compile(mapped_rule(rule, pipeline), scope))
    assert [r.rule_id for r in general] == [r.rule_id for r in mapped]
    for fast, slow in zip(mapped, general, strict=True):
        assert fast.gate == slow.gate and fast.event_ids == slow.event_ids
    security = [e for e in events if e.fields.get("EventID") == "4688"]
    assert security
    for e in security:
        doc = Doc(e.fields, e.raw.lower())
        assert [r.predicate(doc) for r in mapped] == [r.predicate(doc) for r in general]


def test_index_never_hides_a_match_on_linux_and_web_logs() -> None:
    """Gates on the raw line (keyword rules) and on web fields are sound: the indexed engine
    finds exactly what evaluating every applicable rule finds."""
    from mamori.analysers.logs.ingest.detect import open_events
    from mamori.analysers.logs.sigma_load import BUILTIN_RULES, load_rules

    logs = Path(__file__).parent / "samples"
    demo = Path(__file__).parents[3] / "examples" / "estate" / "logs"
    paths = [*sorted(logs.glob("*")), *sorted(demo.glob("*"))]
    events = [e for p in paths for e in open_events(str(p))]
    rules = SHARED_DATA / "sigma" / "rules"
    loaded = load_rules([BUILTIN_RULES, rules / "linux", rules / "web"])
    built = SigmaEngine(loaded.rules)
    fast = [(m.rule.rule_id, m.event.source, m.event.position) for m in built.match(events)]
    slow = []
    for e in events:
        doc = Doc(e.fields, e.raw.lower())
        slow += [(r.rule_id, e.source, e.position) for r in built.candidates(e) if r.predicate(doc)]
    assert len(events) > 200
    assert fast == slow
    assert len({rule for rule, _, _ in fast}) >= 10


def test_security_4688_matches_a_process_rule_once_not_once_per_variant() -> None:
    """Security 4688 carries process_creation; the rule's field-mapped variant covers it, and
    the plain variant must not match the same event again (an alert would count it twice)."""
    built = engine(
        "  sel: {Image|endswith: '\\\\whoami.exe'}\n  condition: sel",
        "{product: windows, category: process_creation}",
    )
    security = LogSource("windows", "security", "process_creation")
    hit = event(security, EventID="4688", Channel="Security",
                NewProcessName="C:\\Windows\\System32\\whoami.exe",
                Image="C:\\Windows\\System32\\whoami.exe")  # fmt: skip
    sysmon = event(SYSMON, EventID="1", Image="C:\\Windows\\System32\\whoami.exe")
    assert [m.rule.scope.category for m in built.match([hit])] == ["process_creation@security"]
    assert [m.rule.scope.category for m in built.match([sysmon])] == ["process_creation"]
