"""auditd audit.log: records, decoding of hex-encoded strings, and SigmaHQ's auditd rules."""

from __future__ import annotations

import datetime as dt

from analysers.logs.ingest_helpers import SAMPLES, events_of
from mamori.analysers.logs.ingest import sniff
from mamori.analysers.logs.ingest.auditd import AUDITD
from mamori.analysers.logs.sigma_engine import SigmaEngine
from mamori.analysers.logs.sigma_load import load_rules
from shared_data import SHARED_DATA

AUDIT = SAMPLES / "audit.log"


def by_serial() -> dict[tuple[str, str], dict[str, str]]:
    events, _ = events_of(AUDIT)
    return {(e.fields["msg_id"], e.fields["type"]): dict(e.fields) for e in events}


def test_sniffed_as_auditd_and_bad_records_are_counted() -> None:
    assert sniff(str(AUDIT)).name == "auditd"
    events, stats = events_of(AUDIT)
    assert len(events) == 12
    assert stats.bad == 2 and stats.first_bad == (13, 14)
    assert all(e.logsource == AUDITD for e in events)
    assert events[0].ts == dt.datetime(2023, 11, 14, 22, 13, 20, 101000, tzinfo=dt.UTC)


def test_fields_are_unquoted_and_hex_strings_decoded() -> None:
    records = by_serial()
    syscall = records[("1001", "SYSCALL")]
    assert syscall["comm"] == "chattr" and syscall["exe"] == "/usr/bin/chattr"
    assert syscall["a0"] == "55d0c8"  # register values of SYSCALL records stay as written
    assert syscall["SYSCALL"] == "execve"  # from the x86_64 syscall number 59
    assert records[("1001", "EXECVE")]["a1"] == "-i"
    assert records[("1001", "PROCTITLE")]["proctitle"] == "chattr -i /etc/passwd"
    assert records[("1002", "EXECVE")]["a1"] == "--post-file=/tmp/my data.txt"
    assert records[("1003", "SYSCALL")]["SYSCALL"] == "mknod"
    assert records[("1003", "SYSCALL")]["key"] == "(null)"


def test_enriched_fields_and_user_records() -> None:
    records = by_serial()
    enriched = records[("1004", "SYSCALL")]
    assert enriched["SYSCALL"] == "openat" and enriched["AUID"] == "alice"
    assert enriched["exe"] == "/usr/bin/cat"
    auth = records[("1005", "USER_AUTH")]
    assert auth["acct"] == "root" and auth["res"] == "failed"
    assert auth["addr"] == "203.0.113.9" and auth["exe"] == "/usr/sbin/sshd"
    assert auth["host"] == "db1"


def test_sigmahq_auditd_rules_fire_on_the_attacks_and_not_on_the_look_alikes() -> None:
    loaded = load_rules([SHARED_DATA / "sigma" / "rules" / "linux" / "auditd"])
    engine = SigmaEngine(loaded.rules, loaded.sources)
    assert not engine.failures
    events, _ = events_of(AUDIT)
    fired: dict[str, set[str]] = {}
    for m in engine.match(events):
        fired.setdefault(m.rule.title, set()).add(m.event.fields["msg_id"])
    assert fired["Remove Immutable File Attribute - Auditd"] == {"1001"}  # not +i (1006)
    assert fired["Data Exfiltration with Wget"] == {"1002"}  # decoded a1; not 1007
    assert fired["Special File Creation via Mknod Syscall"] == {"1003"}  # not mkdir (1008)
