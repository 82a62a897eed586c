"""Syslog (RFC 3164 / 5424 / RFC 3339 prefix), auth.log field extraction and journald."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from analysers.logs.ingest_helpers import by_position, copy_sample, events_of
from mamori.analysers.logs.events import LogSource
from mamori.analysers.logs.ingest import sniff

pytestmark = pytest.mark.usefixtures("both_parsers")  # compiled and Python parsers

JAN_2026 = dt.datetime(2026, 1, 2, 12, 0, tzinfo=dt.UTC)


def test_rfc3164_year_comes_from_mtime_and_rolls_over_at_new_year(tmp_path: Path) -> None:
    events, _ = events_of(copy_sample("auth.log", tmp_path, JAN_2026))
    first, last = events[0], events[-1]
    assert first.ts == dt.datetime(2025, 12, 31, 23, 58, 1, tzinfo=dt.UTC)
    assert last.ts == dt.datetime(2026, 1, 1, 0, 4, 1, tzinfo=dt.UTC)


def test_rfc3164_year_is_the_mtime_year_when_no_rollover(tmp_path: Path) -> None:
    events, _ = events_of(
        copy_sample("auth.log", tmp_path, dt.datetime(2031, 12, 31, tzinfo=dt.UTC))
    )
    assert {e.ts.year for e in events if e.ts} == {2031, 2032}


def test_truncated_line_is_counted_bad_not_fatal(tmp_path: Path) -> None:
    events, stats = events_of(copy_sample("auth.log", tmp_path, JAN_2026))
    assert stats.bad == 1
    assert stats.first_bad == (21,)
    assert stats.events == len(events) == 22
    assert 21 not in by_position(events)


def test_sshd_failed_password_for_invalid_user(tmp_path: Path) -> None:
    e = by_position(events_of(copy_sample("auth.log", tmp_path, JAN_2026))[0])[3]
    assert e.logsource == LogSource(product="linux", service="sshd")
    assert e.fields["host"] == "bank-web1"
    assert e.fields["program"] == "sshd"
    assert e.fields["pid"] == "2200"
    assert e.fields["user"] == "admin"
    assert e.fields["src_ip"] == "203.0.113.9"
    assert e.fields["src_port"] == "52144"
    assert e.fields["auth_method"] == "password"
    assert e.fields["outcome"] == "failure"
    assert e.fields["invalid_user"] == "true"
    assert e.raw.endswith("port 52144 ssh2")


def test_sshd_accepted_publickey_and_pam_failure(tmp_path: Path) -> None:
    events = by_position(events_of(copy_sample("auth.log", tmp_path, JAN_2026))[0])
    accepted, pam = events[1], events[5]
    assert (accepted.fields["user"], accepted.fields["outcome"]) == ("deploy", "success")
    assert accepted.fields["auth_method"] == "publickey"
    assert pam.fields["outcome"] == "failure"
    assert (pam.fields["user"], pam.fields["src_ip"]) == ("root", "203.0.113.9")
    closed = events[8]
    assert (closed.fields["user"], closed.fields["src_port"]) == ("root", "52160")
    assert "outcome" not in closed.fields


def test_sudo_fields_and_failures(tmp_path: Path) -> None:
    events = by_position(events_of(copy_sample("auth.log", tmp_path, JAN_2026))[0])
    ok, wrong_password, not_sudoer = events[9], events[10], events[11]
    assert ok.logsource.service == "sudo"
    assert ok.fields["user"] == "alice"
    assert ok.fields["target_user"] == "root"
    assert ok.fields["command"] == "/usr/bin/systemctl restart nginx"
    assert (ok.fields["tty"], ok.fields["pwd"]) == ("pts/0", "/home/alice")
    assert ok.fields["outcome"] == "success"
    assert wrong_password.fields["outcome"] == "failure"
    assert not_sudoer.fields["command"] == "/usr/bin/cat /etc/shadow"
    assert not_sudoer.fields["outcome"] == "failure"


def test_account_changes(tmp_path: Path) -> None:
    events = by_position(events_of(copy_sample("auth.log", tmp_path, JAN_2026))[0])
    new_group, new_user, membership = events[12], events[13], events[14]
    assert new_group.fields["new_group"] == "backdoor"
    assert new_user.logsource == LogSource(product="linux", service="auth")
    assert new_user.fields["new_user"] == "backdoor"
    assert (new_user.fields["uid"], new_user.fields["shell"]) == ("1005", "/bin/bash")
    assert (membership.fields["user"], membership.fields["group"]) == ("backdoor", "sudo")
    assert membership.fields["action"] == "group-member-added"
    assert events[16].fields["new_group"] == "ops"
    assert events[17].fields["action"] == "password-changed"


def test_su_success_and_failure(tmp_path: Path) -> None:
    events = by_position(events_of(copy_sample("auth.log", tmp_path, JAN_2026))[0])
    assert (events[18].fields["user"], events[18].fields["target_user"]) == ("alice", "root")
    assert events[18].fields["outcome"] == "success"
    assert events[19].fields["ruser"] == "alice"
    assert (events[20].fields["user"], events[20].fields["outcome"]) == ("bob", "failure")


def test_invalid_utf8_is_kept_visible_as_escapes(tmp_path: Path) -> None:
    events = by_position(events_of(copy_sample("auth.log", tmp_path, JAN_2026))[0])
    assert events[23].fields["user"] == "\\xff\\xfeadm"
    assert events[23].fields["src_ip"] == "198.51.100.23"


def test_debian12_rfc3339_prefix(tmp_path: Path) -> None:
    events, stats = events_of(copy_sample("debian12_auth.log", tmp_path))
    assert stats.bad == 0
    first = events[0]
    assert first.ts == dt.datetime(
        2026, 3, 15, 2, 21, 5, 99001, tzinfo=dt.timezone(dt.timedelta(hours=9))
    )
    assert first.fields["user"] == "ops"
    assert first.fields["outcome"] == "success"
    sudo = events[3]
    assert sudo.fields["command"] == "/usr/sbin/useradd -m -G sudo svc_tmp"
    assert events[5].fields["group"] == "sudo"


def test_rfc5424_pri_structured_data_and_nil_values(tmp_path: Path) -> None:
    events, stats = events_of(copy_sample("syslog_rfc5424.log", tmp_path))
    assert stats.bad == 0
    sshd, sudo, no_time, empty = events
    assert sshd.fields["facility"] == "auth"
    assert sshd.fields["severity"] == "info"
    assert sshd.fields["src_ip"] == "10.30.0.7"
    assert sudo.fields["sd.meta@32473.note"] == 'a "quoted" value'
    assert sudo.fields["target_user"] == "postgres"
    assert sudo.ts is not None and sudo.ts.utcoffset() == dt.timedelta(hours=9)
    assert no_time.ts is None
    assert no_time.fields["msgid"] == "ID47"
    assert "pid" not in no_time.fields
    assert empty.fields["message"] == ""


def test_journald_export(tmp_path: Path) -> None:
    path = copy_sample("journal.json", tmp_path)
    assert sniff(str(path)).name == "journald"
    events, stats = events_of(path)
    assert (stats.events, stats.bad, stats.first_bad) == (4, 1, (4,))
    sshd, sudo, kernel, useradd = events
    assert sshd.ts == dt.datetime.fromtimestamp(1773508865.099001, dt.UTC)
    assert sshd.logsource.service == "sshd"
    assert (sshd.fields["user"], sshd.fields["outcome"]) == ("test", "failure")
    assert sshd.fields["unit"] == "ssh.service"
    assert sudo.fields["command"] == "/usr/bin/tee /etc/cron.d/x"
    assert kernel.fields["message"] == "hi\\xff!"
    assert kernel.fields["severity"] == "warning"
    assert useradd.fields["new_user"] == "eve"
