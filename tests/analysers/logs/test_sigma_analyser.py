"""LogAnalyser end to end: files in, findings, incidents and skips out."""

from __future__ import annotations

from pathlib import Path

import pytest

from mamori.analysers.interface import AnalyserSettings
from mamori.analysers.logs.analyser import LogAnalyser
from mamori.model import Confidence, Finding, Severity, Skipped, Target, TargetKind

AUTH_LOG = "\n".join(
    [f"Mar  3 10:00:{s:02d} web1 sshd[100]: Failed password for root from 203.0.113.9 "
     f"port {40000 + s} ssh2" for s in range(12)]
    + ["Mar  3 10:00:30 web1 sshd[100]: Accepted password for deploy from 203.0.113.9 port 4 ssh2",
       "Mar  3 10:05:00 web1 sudo:   deploy : TTY=pts/0 ; PWD=/home/deploy ; USER=root ; "
       "COMMAND=/bin/bash",
       "this is not a syslog line at all"]
) + "\n"  # fmt: skip

ACCESS_LOG = (
    '198.51.100.7 - - [03/Mar/2026:10:00:00 +0000] "GET /login?user=admin&password=Hunter2secret'
    '%27%20or%201=1-- HTTP/1.1" 200 12 "-" "sqlmap/1.7"\n'
)


def target(path: Path, root: Path) -> Target:
    return Target(TargetKind.FILE, str(path), "test", path.relative_to(root).as_posix())


def run(tmp_path: Path, name: str, text: str) -> list[Finding | Skipped]:
    path = tmp_path / "logs" / name
    path.parent.mkdir(exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return list(LogAnalyser(AnalyserSettings(str(tmp_path))).analyse([target(path, tmp_path)]))


def test_auth_log_yields_alerts_incident_and_bad_line_skip(tmp_path: Path) -> None:
    out = run(tmp_path, "auth.log", AUTH_LOG)
    findings = [f for f in out if isinstance(f, Finding)]
    by_rule = {f.title: f for f in findings}
    brute = by_rule["SSH brute force from one source address"]
    assert brute.confidence is Confidence.HIGH and brute.severity is Severity.HIGH
    assert brute.properties["count"] == 12
    assert brute.properties["group_key"] == {"src_ip": "203.0.113.9"}
    assert brute.properties["attack_techniques"] == ["T1110.001"]
    assert len(brute.trace) == 12 and brute.trace[0].location.path == "logs/auth.log"
    assert brute.location.start_line == 1
    shell = by_rule["sudo to a root shell"]
    assert shell.confidence is Confidence.MEDIUM and "COMMAND=/bin/bash" in shell.evidence
    assert "SSH login succeeded after a brute force from the same address" in by_rule
    (incident,) = [f for f in findings if f.rule_id == "incident"]
    assert incident.severity is Severity.CRITICAL
    assert "T1548.003" in incident.properties["attack_techniques"]
    assert len(incident.trace) >= 3
    skips = [s for s in out if isinstance(s, Skipped)]
    assert any("could not be parsed" in s.reason and s.target == "logs/auth.log" for s in skips)
    assert len({f.fingerprint for f in findings}) == len(findings)


def test_access_log_secrets_never_reach_the_finding(tmp_path: Path) -> None:
    out = run(tmp_path, "access.log", ACCESS_LOG)
    findings = [f for f in out if isinstance(f, Finding)]
    titles = {f.title for f in findings}
    assert "SQL injection attempt in a web request" in titles
    assert "Web vulnerability scanner user agent" in titles
    sqli = next(f for f in findings if f.title.startswith("SQL injection"))
    assert sqli.cwe == (89,)
    for f in findings:
        assert "Hunter2secret" not in f.evidence + f.message + str(f.properties)


def test_binary_file_is_skipped_not_crashed(tmp_path: Path) -> None:
    path = tmp_path / "logs" / "app.log"
    path.parent.mkdir()
    path.write_bytes(b"\x00\xff" * 500)
    out = list(LogAnalyser(AnalyserSettings()).analyse([target(path, tmp_path)]))
    assert [type(o) for o in out] == [Skipped]


def test_extra_rule_folder_failures_are_skips(tmp_path: Path) -> None:
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "bad.yml").write_text("title: [broken\n")
    log = tmp_path / "logs" / "auth.log"
    log.parent.mkdir()
    log.write_text(AUTH_LOG)
    settings = AnalyserSettings(options={"sigma_rules": [str(rules)]})
    out = list(LogAnalyser(settings).analyse([target(log, tmp_path)]))
    assert any(isinstance(o, Skipped) and "YAML" in o.reason for o in out)
    assert any(isinstance(o, Finding) for o in out)


@pytest.mark.parametrize(
    ("path", "accepted"),
    [
        ("/srv/logs/app.txt", True),
        ("/var/log/auth.log.1", True),
        ("/var/log/secure-20240101", True),
        ("/x/syslog", True),
        ("/x/access.log.2.gz", True),
        ("/x/Security.evtx", True),
        ("/x/events.jsonl", True),
        ("/var/log/audit/audit.log.3", True),
        ("/x/111122223333_CloudTrail_ap-northeast-1_20260303T1000Z_a1.json.gz", True),
        ("/x/cloudtrail.tf", False),
        ("/x/nginx.conf", False),
        ("/x/app.py", False),
    ],
)
def test_accepts(path: str, accepted: bool) -> None:
    t = Target(TargetKind.FILE, path, "test")
    assert LogAnalyser(AnalyserSettings()).accepts(t) is accepted
