"""The compiled line parsers (``native/``) against the Python ones, which are the reference.

Lines are generated from the pieces of each pattern — every optional part present or not,
every alternative, and the characters where hand-written matching goes wrong (Unicode digits
and spaces, newlines, escapes, quotes, brackets) — then mutated; both parsers must give equal
events, with fields in the same order, and count the same lines bad.
"""

from __future__ import annotations

import datetime as dt
import logging
import sys
import types
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mamori.analysers.logs.events import LogEvent
from mamori.analysers.logs.ingest import SourceInfo, _native, syslog, webaccess
from mamori.analysers.logs.ingest.interface import LineParser

NATIVE = _native.speedups()
ANCHOR = dt.datetime(2026, 3, 3, tzinfo=dt.UTC)
SAMPLES = Path(__file__).parent / "samples"


def test_the_extension_is_built() -> None:
    """``make test`` builds it (``make run`` may go without); every other test here needs it."""
    assert NATIVE is not None, "_mamori_speedups is not installed: pip install ./native"


def _compiled() -> _native.Speedups:
    assert NATIVE is not None
    return NATIVE


def _pair(fmt: str, name: str = "auth.log") -> tuple[LineParser, LineParser]:
    source = SourceInfo(name, name, ANCHOR)
    if fmt == "syslog":
        return (
            syslog.python_parser(source, syslog._StampCache(ANCHOR)),
            syslog.native_parser(_compiled(), source, syslog._StampCache(ANCHOR)),
        )
    return webaccess.python_parser(source), webaccess.native_parser(_compiled(), source)


def _same(expected: LogEvent | None, got: LogEvent | None, line: str) -> None:
    assert got == expected, line
    if expected is not None and got is not None:
        assert type(got) is LogEvent
        assert list(got.fields.items()) == list(expected.fields.items()), line
        assert got.ts == expected.ts
        assert got.ts is None or got.ts.utcoffset() == expected.ts.utcoffset()  # type: ignore[union-attr]


def _check(fmt: str, lines: list[str], name: str = "auth.log") -> None:
    python, native = _pair(fmt, name)
    for position, line in enumerate(lines, 1):
        _same(python(line, position), native(line, position), line)


# ---- syslog lines from the pieces of _BSD_SSHD, _RFC3339 and _RFC5424 ----


def _pick(usual: list[str], odd: list[str]) -> st.SearchStrategy[str]:
    """One of ``usual`` three times in four, else one of ``odd``: each line then has a fair
    chance of being well formed up to the piece that tests an edge."""
    common = st.sampled_from(usual)
    return st.one_of(common, common, common, st.sampled_from(odd))


ODD = [
    "",
    " ",
    "  ",
    "\n",
    "\t",
    "\u2003",
    "\u0663",
    "[",
    "]",
    ":",
    "\\",
    '"',
    "-",
    ".",
    "é",
    "\ud800",
]
_odd = st.sampled_from(ODD)
_digit = st.sampled_from(["0", "1", "5", "9", "\u0663", "\uff11"])
_stamp = st.builds(
    lambda mon, d1, d2, h, frac: f"{mon} {d1}{d2} {h}{frac}",
    _pick(["Mar", "Feb", "Dec", "Jan"], ["mar", "MAR", "Xyz", "Ma", "Mär"]),
    _pick([" ", "0", "1"], ["3", "\u0663", "x"]),
    _pick(["1", "5"], ["0", "9", "\u0663", "\uff11"]),
    _pick(
        ["02:21:05", "23:59:59"], ["24:00:00", "10:00:6\u0663", "1:00:00", "10:00", "1\u0663:00:00"]
    ),
    _pick(["", ".123"], [".", ".x", ".\u0663", ".1x"]),
)
_pri = _pick(["", "<38>"], ["<0>", "<191>", "<1000>", "<>", "<3", "<\u0663>", "<38"])
_host = _pick(["bastion1", "h"], ["", "a b", "host\u2003x", "é", "h\n"])
_program = _pick(
    ["sshd", "sudo", "CRON", "app"],
    ["sshd-session", "sshd-sessionx", "sshdx", "su", "cron", "useradd", "login", "systemd",
     "x" * 64, "x" * 65, "a[b", "", "kernel", "a\u2003b"],
)  # fmt: skip
_pid = _pick(["", "[123]"], ["[]", "[12a]", "[\u0663]", "[1", "[1]x", "[1]["])
_colon = _pick([": "], [":", ":  ", " ", "", ":\n"])
_user = _pick(["root", "bob"], ["", "bob smith", "invalid user eve", "x from y", "é", "a\nb", "-"])
_ip = _pick(
    ["203.0.113.9", "2001:db8::1"],
    ["fe80::1%eth0", "a", "ab", "g", "1.2.3.4x", "host-1.example", "::", ":.", "1.2.3.", "\u0663.1",
     "x y", "1.2.3.4:", "::-1.2.3.4", "a:-1.2.3.4", "[1.2.3.4]", "1.2.3.a", "1.2.3.4."],
)  # fmt: skip
_verdict = st.builds(
    lambda verb, method, inv, user, ip, port, tail: (
        f"{verb} {method} for {inv}{user} from {ip} port {port}{tail}"
    ),
    _pick(["Accepted", "Failed", "Postponed"], ["accepted", "Rejected", "Accepted:"]),
    _pick(["password", "publickey"], ["keyboard-interactive/pam", "", "a b"]),
    st.sampled_from(["", "invalid user "]),
    _user,
    _ip,
    _pick(["22"], ["", "x", "\u0663\u0664", "22 port 23"]),
    _pick(["", " ssh2"], [" ssh2: RSA SHA256:x", "\n", " from 1.2.3.4 port 9", "\n from a port 1"]),
)
_message = st.one_of(
    _verdict,
    _verdict,
    st.sampled_from(
        ["pam_unix(sshd:session): session opened for user bob(uid=1000) by (uid=0)",
         "pam_unix(cron:session): session closed for user root",
         "pam_unix(sudo:auth): authentication failure; logname= uid=0 euid=0 tty=/dev/pts/1 "
         "ruser=bob rhost=  user=bob",
         "Invalid user admin from 203.0.113.9 port 4242",
         "invalid user x from ::1",
         "Disconnected from user bob 192.0.2.1 port 22",
         "Connection closed by authenticating user root 203.0.113.9 port 22 [preauth]",
         "Received disconnect from 192.0.2.1 port 22:11: disconnected by user",
         "   bob : TTY=pts/0 ; PWD=/home/bob ; USER=root ; COMMAND=/bin/ls",
         "bob : 3 incorrect password attempts ; TTY=pts/0 ; USER=root ; COMMAND=/bin/sh",
         "(to root) bob on pts/0",
         "new user: name=eve, UID=1001, GID=1001, home=/home/eve, shell=/bin/bash",
         "\ufeffhello", ""]
    ),
    st.text(max_size=40),
)  # fmt: skip
# Messages the authentication extractors read (authlog), some of them in C.
_lead = _pick(
    ["Disconnected from user", "Connection closed by authenticating user",
     "Received disconnect from", "Connection closed by"],
    ["Failed none for", "error: maximum authentication attempts exceeded for",
     "Timeout before authentication for", "fatal: user", "x user", "for invalid user", "for",
     "Disconnecting invalid user", "pam_unixx", "penalty: for", "Invalid user"],
)  # fmt: skip
_pam_body = _pick(
    ["session opened for user {u}(uid=1000) by (uid=0)", "session closed for user {u}",
     "session opened for user {u}(uid=0) by {u}(uid=0)"],
    ["authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost={ip}  user={u}",
     "password changed for {u}", "check pass; user unknown", "session opened for user (x",
     "session opened for user ", "session closed for user {u} by", "x by {u}(uid=1)",
     "session opened for user {u} by {u} (uid=0)", "session opened for user {u}\n"],
)  # fmt: skip
_extracted = st.one_of(
    st.builds(
        lambda lead, user, ip, port, tail: f"{lead} {user} {ip} port {port}{tail}",
        _lead, _user, _ip, _pick(["22"], ["", "x", "\u0663"]),
        _pick(["", " [preauth]", ":11: disconnected by user"], [" port 9", "\n", " from a port 2"]),
    ),
    st.builds(
        lambda i, user, ip, tail: f"{i}nvalid user {user} from {ip}{tail}",
        _pick(["I"], ["i", "x"]), _user, _ip,
        _pick([" port 4242", ""], [" port", " port x", " port 1 port 2", "\n", " [preauth]"]),
    ),
    st.builds(
        lambda svc, kind, body, user, ip: f"pam_unix({svc}:{kind}): " + body.format(u=user, ip=ip),
        _pick(["sshd", "cron", "sudo", "login"], ["systemd-user", "", "a b", "x:y"]),
        _pick(["session", "auth"], ["", "a-b", "chauthtok"]),
        _pam_body, _user, _ip,
    ),
)  # fmt: skip
_auth_program = _pick(
    ["sshd", "CRON", "sshd-session"],
    ["cron", "login", "systemd-logind", "su", "sudo", "app", "passwd"],
)


_bsd = st.builds(
    lambda pri, stamp, host, program, pid, colon, message: (
        f"{pri}{stamp} {host} {program}{pid}{colon}{message}"
    ),
    _pri, _stamp, _host, _program, _pid, _colon, _message,
)  # fmt: skip
_structured = st.sampled_from(
    ["2026-03-03T10:00:00.123456+09:00 host sshd[1]: Accepted password for a from 1.2.3.4 port 2",
     "<38>1 2026-03-03T10:00:00Z host sshd 1 - - Failed password for b from 1.2.3.4 port 3",
     '<38>1 2026-03-03T10:00:00Z host app - ID1 [a@1 k="v\\"w"] msg',
     "2026-13-03T10:00:00Z host x: y"]
)  # fmt: skip


def _mutated(base: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    """``base``, sometimes with a piece cut out or an odd character put in."""
    return st.one_of(
        base,
        st.tuples(base, st.integers(0, 120), st.integers(0, 4)).map(
            lambda t: t[0][: t[1]] + t[0][t[1] + t[2] :]
        ),
        st.tuples(base, st.integers(0, 120), _odd).map(
            lambda t: t[0][: t[1]] + t[2] + t[0][t[1] :]
        ),
    )


@settings(max_examples=1500, deadline=None)
@given(lines=st.lists(_mutated(st.one_of(_bsd, _structured)), min_size=1, max_size=8))
def test_syslog_lines_parse_the_same(lines: list[str]) -> None:
    _check("syslog", lines)


@settings(max_examples=1500, deadline=None)
@given(
    lines=st.lists(
        _mutated(
            st.builds(
                lambda program, pid, message: f"Mar  3 10:00:00 h {program}{pid}: {message}",
                _auth_program,
                _pick(["[1]"], [""]),
                _extracted,
            )  # fmt: skip
        ),
        min_size=1,
        max_size=8,
    )
)
def test_authentication_messages_are_read_the_same(lines: list[str]) -> None:
    _check("syslog", lines)


EDGES = [  # each a boundary of the patterns, where hand-written matching is easiest to get wrong
    "Mar  3 10:00:00 h " + "x" * 64 + ": at the 64-character limit of a tag",
    "Mar  3 10:00:00 h " + "x" * 65 + ": past it",
    "Mar  3 10:00:00 h " + "x" * 65 + "[1]: past it, with a pid",
    "Mar  3 10:00:00 h sshd[1]: Failed password for a\nb from 1.2.3.4 port 22",
    "Mar  3 10:00:00 h sshd[1]: Failed password for a from 1.2.3.4 port 22\nmore",
    "Mar  3 10:00:00 h sshd[1]: Failed password for invalid user  from 1.2.3.4 port 22",
    "Mar  3 10:00:00 h sshd[1]: Failed password for invalid user from 1.2.3.4 port 22",
    "Mar  3 10:00:00 h sshd[1]: Failed password for x from y from 1.2.3.4 port 22",
    "Mar  3 10:00:00 h sshd[1]: Failed password for x from a port 22",
    "Mar  3 10:00:00 h sshd[1]: Failed password for x from g port 22",
    "Mar  3 10:00:00 h sshd[1]: Failed password for x from 1.2.3.4: port 22",
    "Mar  3 10:00:00 h sshd[1]: Failed password for x from fe80::1%eth0 port 22",
    "Mar  3 10:00:00 h sshd[1]: Failed password for x from 1.2.3.4 port \u0663\u0664 ssh2",
    "Mar  3 10:00:00 h sshd[1]:  Failed password for x from 1.2.3.4 port 22",
    "Mar  3 10:00:00 h sshd-session[1]: Accepted key for x from 1.2.3.4 port 22",
    "Mar  3 10:00:00 h sshd-sessio[1]: Accepted key for x from 1.2.3.4 port 22",
    "Mar  3 10:00:00 h sshd[1]x: Accepted key for x from 1.2.3.4 port 22",
    "Mar \u06633 10:00:00 h app: Unicode digits are \\d to Python",
    "Mar  3 10:00:00.5x h app: a fraction must end in a space",
    "<1000>Mar  3 10:00:00 h app: PRI has three digits at most",
    "Mar  3 10:00:00\u2003h app: U+2003 is not a space to the header",
    "Mar  3 10:00:00 h sshd[1]: Connection closed for invalid user x from y 1.2.3.4 port 22",
    "Mar  3 10:00:00 h sshd[1]: Connection closed for invalid x from 1.2.3.4 port 22",
    "Mar  3 10:00:00 h sshd[1]: Connection closed by " + "h" * 50 + " port 22 [preauth]",
    "Mar  3 10:00:00 h sshd[1]: Connection closed by " + "h" * 40 + " port 22 [preauth]",
    "Mar  3 10:00:00 h sshd[1]: Received disconnect from ::-1.2.3.4 port 22:11: bye",
    "Mar  3 10:00:00 h sshd[1]: Disconnected from user  1.2.3.4 port 22",
    "Mar  3 10:00:00 h sshd[1]: Disconnected from user\tbob 1.2.3.4 port 22",
    "Mar  3 10:00:00 h sshd[1]: Invalid user bob from 1.2.3.4 port",
    "Mar  3 10:00:00 h sshd[1]: Invalid user  from a: port 2",
    "Mar  3 10:00:00 h CRON[1]: pam_unix(cron:session): session opened for user root(uid=0) by",
    "Mar  3 10:00:00 h app[1]: pam_unix(app:auth): session opened for user (x by y(uid=1)",
]


def test_pattern_edges_parse_the_same() -> None:
    _check("syslog", EDGES)


def test_syslog_year_inference_and_stamp_caches_agree() -> None:
    """Stamps that repeat, move back a month, roll the year over (December → January), are not
    real dates, or come between RFC 3339 lines (which leave inference as it is)."""
    stamps = ["Dec 30 23:59:58", "Dec 30 23:59:58", "Dec 31 23:59:59", "Jan  1 00:00:01",
              "Jan  1 00:00:01", "Feb 30 10:00:00", "Feb 30 10:00:00", "Jan  1 00:00:02",
              "Nov  1 00:00:00", "Jan  1 00:00:02", "Mar  3 10:00:60"]  # fmt: skip
    lines = []
    for i, stamp in enumerate(stamps):
        lines.append(f"{stamp} h sshd[1]: Failed password for u{i} from 1.2.3.4 port 22")
        if i % 3 == 0:
            lines.append("2027-01-01T00:00:00Z h app: between")
            lines.append(f"{stamp} h app: again")
    for name in ("auth.log", "syslog"):
        _check("syslog", lines, name)


# ---- access lines from the pieces of _ACCESS ----

_quoted = st.sampled_from(
    ['"x"', '""', '"a\\"b"', '"a\\\\"', '"a\\', '"\\\n"', '"a\nb"', '"é"', '"']
)
_request = st.builds(
    lambda method, target, version: f"{method}{target}{version}",
    st.sampled_from(["GET ", "POST ", "", "G3T ", "ÉTÉ ", " ", "GET  "]),
    st.sampled_from(
        ["/", "/a?b=1", "/a?", "?", "/s?q=a+b", "/s?q=%27%20or%201=1", "/x/**/y", "/a%2", "/%uD800",
         "/%u0041", "/a?b?c", "", "/a b", '/a\\"b', "/x/*y"]
    ),
    st.sampled_from([" HTTP/1.1", "", " HTTP/1.1 x", " "]),
)  # fmt: skip
_access = st.builds(
    lambda vhost, ip, user, when, request, status, size, tail: (
        f'{vhost}{ip} - {user} [{when}] "{request}" {status} {size}{tail}'
    ),
    st.sampled_from(["", "example.org:443 ", "a:b ", ":80 ", "h:8\u0663 ", "h:80x "]),
    st.sampled_from(["203.0.113.9", "::1", "", "a b"]),
    st.sampled_from(["-", "alice", "--", ""]),
    st.sampled_from(["03/Mar/2026:10:00:05 +0000", "03/Mar/2026:10:00:05 -0930", "03/Mar/2026",
                     "31/Feb/2026:10:00:05 +0000", "03/Mar/2026:10:00: 5 +0000", "x", "",
                     "03/Mar/2026:10:00:60 +0000", "03/Mar/2026:10:00:0\u0663 +0000"]),
    _request,
    st.sampled_from(["200", "404", "-", "20", "2000", "\u0663\u0663\u0663", "--"]),
    st.sampled_from(["512", "-", "", "0", "12x"]),
    st.one_of(
        st.sampled_from(["", ' "-" "curl/8"', ' "https://x/" "Mozilla \\"q\\""', ' "a"', " x"]),
        st.tuples(_quoted, _quoted).map(lambda t: f" {t[0]} {t[1]}"),
    ),
)  # fmt: skip


@settings(max_examples=1500, deadline=None)
@given(lines=st.lists(_mutated(_access), min_size=1, max_size=8))
def test_access_lines_parse_the_same(lines: list[str]) -> None:
    _check("access", lines, "access.log")


@settings(max_examples=300, deadline=None)
@given(line=st.text(max_size=120))
def test_any_text_parses_the_same(line: str) -> None:
    _check("syslog", [line])
    _check("access", [line], "access.log")


# ---- whole files, blocks, and the switch ----


@pytest.mark.parametrize("name", sorted(p.name for p in SAMPLES.iterdir() if p.is_file()))
def test_sample_logs_parse_the_same(name: str) -> None:
    lines = (SAMPLES / name).read_text(errors="surrogateescape").splitlines()
    _check("syslog", lines, name)
    _check("access", lines, name)


def test_block_gives_what_line_by_line_gives() -> None:
    lines = ["Mar  3 10:00:00 h sshd[1]: Accepted password for a from 1.2.3.4 port 22", "",
             "  \t", "not a syslog line", "Mar  3 10:00:01 h app: x", "\u2003",
             "Feb 30 10:00:00 h a: b"]  # fmt: skip
    python, native = _pair("syslog")
    events, bad, blank = native.block(lines, 10)  # type: ignore[attr-defined]
    expected = [python(line, p) for p, line in enumerate(lines, 10) if line.strip()]
    assert events == [e for e in expected if e is not None]
    assert bad == [13, 16]
    assert blank == [11, 12, 15]
    with pytest.raises(TypeError):
        native.block([b"bytes"], 1)  # type: ignore[attr-defined]
    with pytest.raises(OverflowError):
        native.block(["x", "y"], sys.maxsize)  # type: ignore[attr-defined]
    with pytest.raises(TypeError):
        native(None, 1)  # type: ignore[arg-type]


def test_mamori_native_0_turns_it_off(monkeypatch: pytest.MonkeyPatch) -> None:
    source = SourceInfo("auth.log", "auth.log", ANCHOR)
    assert hasattr(syslog.SyslogFormat().line_parser(source), "block")
    assert hasattr(webaccess.WebAccessFormat().line_parser(source), "block")
    monkeypatch.setenv("MAMORI_NATIVE", "0")
    assert _native.speedups() is None
    assert not hasattr(syslog.SyslogFormat().line_parser(source), "block")
    assert not hasattr(webaccess.WebAccessFormat().line_parser(source), "block")


def test_another_version_is_not_used(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setitem(sys.modules, "_mamori_speedups", types.SimpleNamespace(VERSION=0))
    with caplog.at_level(logging.WARNING):
        assert _native.speedups() is None
    assert "version 0" in caplog.text
    monkeypatch.setitem(sys.modules, "_mamori_speedups", None)  # not installed
    assert _native.speedups() is None


def test_repeated_values_are_one_object_and_many_values_stay_apart() -> None:
    """A parser remembers recent short ASCII field values (512 slots, by a hash of the text):
    a value that repeats is the same str object; thousands of distinct values, which share
    and evict slots, still each parse to their own text."""
    _, native = _pair("syslog")
    line = "Mar  3 10:00:0{} web1 sshd[1]: Failed password for root from 203.0.113.9 port 22 ssh2"
    first, second = native(line.format(1), 1), native(line.format(2), 2)
    assert first is not None and second is not None
    for name in ("host", "program", "user", "src_ip", "auth_method"):
        assert first.fields[name] is second.fields[name], name
    lines = [
        f"Mar  3 10:00:{i % 60:02d} h{i % 3000} sshd[{i}]: Accepted publickey for u{i % 700} "
        f"from 10.{i % 7}.{i % 250}.{i % 13} port {i} ssh2"
        for i in range(6000)
    ]
    _check("syslog", lines)
    access = [
        f'10.0.{i % 256}.{i % 100} - - [03/Mar/2026:10:00:00 +0000] "GET /p{i} HTTP/1.{i % 2}" '
        f'{200 + i % 300} {i} "-" "agent {i % 900}"'
        for i in range(4000)
    ]
    _check("webaccess", access, "access.log")
