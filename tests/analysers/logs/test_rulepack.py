"""Mamori's own rule pack: labelled positive and negative samples for every rule."""

from __future__ import annotations

import datetime as dt

import pytest

from mamori.analysers.logs.analyser import load_pack
from mamori.analysers.logs.dedupe import Alert
from mamori.analysers.logs.events import LogEvent, LogSource
from mamori.analysers.logs.sigma_load import BUILTIN_RULES, load_rules

T0 = dt.datetime(2026, 3, 3, 10, 0, tzinfo=dt.UTC)
IP = "203.0.113.9"


def linux(service: str, sec: int = 0, raw: str = "", **fields: str) -> LogEvent:
    fields.setdefault("host", "web1")
    fields.setdefault("program", service)
    when = T0 + dt.timedelta(seconds=sec)
    return LogEvent("auth.log", sec + 1, when, LogSource("linux", service), fields, raw)


def web(uri: str, method: str = "GET", agent: str = "Mozilla/5.0", referer: str = "-") -> LogEvent:
    fields = {"c-ip": IP, "cs-method": method, "c-uri": uri, "sc-status": "200",
              "cs-user-agent": agent, "cs-referer": referer}  # fmt: skip
    raw = f'{IP} - - [03/Mar/2026:10:00:00 +0000] "{method} {uri} HTTP/1.1" 200 1 "-" "{agent}"'
    return LogEvent("access.log", 1, T0, LogSource(category="webserver"), fields, raw)


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
    tested = {BRUTE, SPRAY, AFTER, NEW_SOURCE, *POSITIVE, *{t for t, _ in SILENT_BASES}}
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
    ],
    "Cross-site scripting attempt in a web request": [
        web("/search?q=%3Cscript%3Ealert(1)%3C/script%3E"),
        web("/p?x=<img%20src=x%20onerror=alert(1)>"),
        web("/", referer="<script>alert(1)</script>"),
    ],
    "Path traversal attempt in a web request": [
        web("/download?file=../../../../etc/passwd"),
        web("/static/..%2f..%2f..%2fwindows/win.ini"),
        web("/img?p=%2e%2e%2f%2e%2e%2fapp.conf"),
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
    ],
    "Cross-site scripting attempt in a web request": [
        web("/search?q=javascript+tutorial"),
        web("/docs/scripting-guide"),
        web("/", referer="https://example.org/page"),
    ],
    "Path traversal attempt in a web request": [
        web("/static/css/site.css"),
        web("/files/report.2024.pdf"),
        web("/a/b/c/d"),
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
]


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
