"""Windows events exported as JSON lines (flat, Winlogbeat, evtx_dump shapes) meet Windows rules."""

from __future__ import annotations

import datetime as dt

from analysers.logs.ingest_helpers import SAMPLES, events_of
from mamori.analysers.logs.ingest import sniff
from mamori.analysers.logs.sigma_engine import SigmaEngine
from mamori.analysers.logs.sigma_load import load_rules
from shared_data import SHARED_DATA

WINDOWS = SAMPLES / "windows_events.jsonl"


def test_each_shape_is_read_with_sigma_windows_fields() -> None:
    assert sniff(str(WINDOWS)).name == "windows-json"
    events, stats = events_of(WINDOWS)
    assert len(events) == 4 and stats.bad == 1 and stats.first_bad == (5,)
    flat, _, winlog, dumped = events
    assert flat.logsource.service == "sysmon" and flat.logsource.category == "process_creation"
    assert flat.fields["Computer"] == "WKS-07.bank.local" and flat.fields["EventID"] == "1"
    assert flat.ts == dt.datetime(2026, 3, 3, 10, 0, 1, 123456, tzinfo=dt.UTC)
    assert winlog.logsource.service == "security"
    assert winlog.logsource.category == "process_creation"
    assert winlog.fields["Image"] == "C:\\Windows\\System32\\whoami.exe"  # 4688 alias
    assert winlog.fields["EventID"] == "4688" and winlog.fields["Computer"] == "SRV-DB1"
    assert dumped.fields["TargetUserName"] == "administrator"
    assert dumped.fields["EventID"] == "4625" and dumped.logsource.service == "security"
    assert dumped.ts == dt.datetime(2026, 3, 3, 10, 6, 0, 523418, tzinfo=dt.UTC)


def test_sigmahq_process_creation_rule_fires_on_both_exports_and_not_on_the_benign_one() -> None:
    rules = SHARED_DATA / "sigma" / "rules" / "windows" / "process_creation"
    loaded = load_rules([rules / "proc_creation_win_whoami_all_execution.yml"])
    engine = SigmaEngine(loaded.rules)
    events, _ = events_of(WINDOWS)
    hits = sorted(m.event.position for m in engine.match(events))
    assert hits == [1, 3]  # Sysmon (flat) and Security 4688 (Winlogbeat); not `whoami` alone
