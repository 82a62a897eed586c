"""EVTX through the ``evtx`` package, on the real EVTX-ATTACK-SAMPLES corpus."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from analysers.logs.ingest_helpers import EVTX_CORPUS, events_of
from mamori.analysers.logs.events import LogSource
from mamori.analysers.logs.ingest import sniff
from mamori.analysers.logs.ingest.evtx import logsource_for


def test_sysmon_process_creation_fields() -> None:
    path = EVTX_CORPUS / "Execution" / "exec_sysmon_1_lolbin_pcalua.evtx"
    assert sniff(str(path)).name == "evtx"
    events, stats = events_of(path)
    assert (stats.events, stats.bad) == (3, 0)
    pcalua = events[1]
    assert pcalua.logsource == LogSource("windows", "sysmon", "process_creation")
    assert pcalua.fields["EventID"] == "1"
    assert pcalua.fields["Channel"] == "Microsoft-Windows-Sysmon/Operational"
    assert pcalua.fields["Computer"] == "IEWIN7"
    assert pcalua.fields["Image"] == "C:\\Windows\\System32\\pcalua.exe"
    assert pcalua.fields["CommandLine"].endswith("-a c:\\Windows\\system32\\calc.exe")
    assert pcalua.fields["ParentImage"] == "C:\\Windows\\System32\\cmd.exe"
    assert pcalua.fields["User"] == "IEWIN7\\IEUser"
    assert pcalua.ts == dt.datetime(2019, 5, 12, 17, 1, 50, 781015, tzinfo=dt.UTC)
    assert '"EventID":1' in pcalua.raw


def test_sysmon_network_connection() -> None:
    path = EVTX_CORPUS / "Execution" / "exec_wmic_xsl_internet_sysmon_3_1_11.evtx"
    events, _ = events_of(path)
    network = [e for e in events if e.logsource.category == "network_connection"]
    assert [e.fields["DestinationIp"] for e in network] == ["45.76.12.27", "105.73.6.105"]
    assert network[0].fields["Image"].endswith("WMIC.exe")
    assert {e.logsource.category for e in events} >= {"process_creation", "registry_set"}


def test_security_4688_gets_process_creation_aliases() -> None:
    path = EVTX_CORPUS / "Lateral Movement" / "LM_WMI_4624_4688_TargetHost.evtx"
    events, _ = events_of(path)
    created = [e for e in events if e.fields["EventID"] == "4688"]
    logons = [e for e in events if e.fields["EventID"] == "4624"]
    assert len(created) == 2 and len(logons) == 6
    assert created[1].logsource == LogSource("windows", "security", "process_creation")
    assert created[1].fields["Image"] == created[1].fields["NewProcessName"]
    assert created[1].fields["Image"] == "C:\\Windows\\System32\\calc.exe"
    assert logons[0].logsource == LogSource("windows", "security", "")
    assert logons[0].fields["LogonType"].isdigit()


def test_userdata_is_flattened_for_log_cleared() -> None:
    path = EVTX_CORPUS / "Defense Evasion" / "DE_1102_security_log_cleared.evtx"
    events, _ = events_of(path)
    cleared = next(e for e in events if e.fields["EventID"] == "1102")
    assert cleared.fields["SubjectUserName"] == "user01"
    assert cleared.fields["Provider_Name"] == "Microsoft-Windows-Eventlog"


def test_corrupt_chunk_is_counted_and_the_rest_still_read(tmp_path: Path) -> None:
    source = EVTX_CORPUS / "AutomatedTestingTools" / "PanacheSysmon_vs_AtomicRedTeam01.evtx"
    data = bytearray(source.read_bytes()[:400_000])
    data[70_000:72_000] = b"A" * 2_000  # smash the second chunk
    path = tmp_path / "broken.evtx"
    path.write_bytes(bytes(data))
    events, stats = events_of(path)
    assert stats.bad > 0
    assert stats.events == len(events) > 100
    assert min(stats.first_bad) > max(
        e.position for e in events if e.position < min(stats.first_bad)
    )


@pytest.mark.parametrize(
    ("channel", "event_id", "expected"),
    [
        ("Security", "4625", LogSource("windows", "security", "")),
        ("Microsoft-Windows-Sysmon/Operational", "22", LogSource("windows", "sysmon", "dns_query")),
        (
            "Microsoft-Windows-PowerShell/Operational",
            "4104",
            LogSource("windows", "powershell", "ps_script"),
        ),
        (
            "Windows PowerShell",
            "400",
            LogSource("windows", "powershell-classic", "ps_classic_start"),
        ),
        ("System", "7045", LogSource("windows", "system", "")),
        ("Some-Vendor/Operational", "1", LogSource("windows", "some-vendor/operational", "")),
    ],
)
def test_channel_and_event_id_map_to_sigma_logsource(
    channel: str, event_id: str, expected: LogSource
) -> None:
    assert logsource_for(channel, event_id) == expected
