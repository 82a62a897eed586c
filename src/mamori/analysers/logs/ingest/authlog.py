"""Field extraction for Linux authentication messages (sshd, sudo, su, account tools).

:func:`extract` takes the program name and message of a syslog or journald record and returns
the Sigma-style fields it can read from it: ``user``, ``src_ip``, ``src_port``,
``auth_method``, ``outcome`` (``success``/``failure``), and per program:

* sudo: ``target_user``, ``command``, ``tty``, ``pwd``;
* su: ``target_user``, ``tty``;
* useradd / usermod / groupadd / userdel / passwd: ``new_user``, ``new_group``, ``group``,
  ``uid``, ``gid``, ``home``, ``shell``, ``action``;
* PAM lines of any program: ``user``, ``ruser``, ``tty``, ``src_ip`` (from ``rhost``).

Dispatch is on the program, then on a cheap substring test, so unrelated lines cost one dict
look-up; the regexes are compiled once. :data:`SSHD_AUTH` and :data:`SSHD_OUTCOMES` let a line
parser read sshd's log-in verdicts in the same regex match as the line's header.
"""

from __future__ import annotations

import re
from collections.abc import Callable

__all__ = ["AUTH_PROGRAMS", "BY_PROGRAM", "SSHD_AUTH", "SSHD_OUTCOMES", "extract", "pam_fields"]

_IP = r"(?P<ip>[0-9A-Fa-f:.]+[0-9A-Fa-f]|[\w.-]+)"
SSHD_AUTH = (
    r"(?P<verb>Accepted|Failed|Postponed) (?P<method>\S+) for (?:invalid user )?(?P<user>.*?)"
    rf" from {_IP} port (?P<port>\d+)"
)
"""Regex text (unanchored, no flags) of sshd's ``<verb> <method> for <user> from <ip> port <n>``
message, with groups ``verb``, ``method``, ``user``, ``ip`` and ``port``."""
SSHD_OUTCOMES = {"Accepted": "success", "Failed": "failure", "Postponed": "failure"}
"""The ``outcome`` of each verb of :data:`SSHD_AUTH`."""
_SSHD_AUTH = re.compile("^" + SSHD_AUTH)
_SSHD_INVALID = re.compile(rf"^[Ii]nvalid user (?P<user>.*?) from {_IP}(?: port (?P<port>\d+))?")
_IP_PORT = re.compile(r"(?<![\w.:-])(?P<ip>[0-9A-Fa-f:.]*[0-9A-Fa-f]|[\w.-]+) port (?P<port>\d+)")
_SSHD_USER = re.compile(r"\buser (\S*) |for (?:invalid user )?(\S*) from ")
_PAM = re.compile(r"^pam_unix\((?P<svc>[\w-]+):(?P<kind>\w+)\): (?P<text>.*)$")
_PAM_KV = re.compile(r"(\w+)=(\S*)")
_PAM_SESSION = re.compile(r"session (?P<what>opened|closed) for user (?P<user>[^\s(]+)")
_PAM_BY = re.compile(r" by (?P<by>[^\s(]*)\(uid=")
_PAM_CHAUTHTOK = re.compile(r"password changed for (?P<user>\S+)")
_SUDO_HEAD = re.compile(r"^\s*(?P<user>\S+) : (?P<rest>.*)$")
_SU_TO = re.compile(
    r"^(?P<failed>FAILED SU )?\(to (?P<target>[^)]+)\) (?P<user>\S+) on (?P<tty>\S+)"
)
_SU_ON = re.compile(r"^(?P<verb>Successful|FAILED) su for (?P<target>\S+) by (?P<user>\S+)")
_NEW_ACCOUNT = re.compile(r"^new (?P<kind>user|group): (?P<kv>.*)$")
_GROUP_ADDED = re.compile(r"^group added to /etc/\w+: (?P<kv>.*)$")
_ACCOUNT_KV = re.compile(r"(\w+)=([^,]*)")
_ADD_TO_GROUP = re.compile(r"^add '(?P<user>[^']+)' to (?:shadow )?group '(?P<group>[^']+)'")
_DELETE = re.compile(r"^(?:delete|removed) (?P<kind>user|group) '(?P<name>[^']+)'")
_CHANGE_USER = re.compile(r"^change user '(?P<user>[^']+)' (?P<what>\w+)")

_SUDO_FAILURES = ("incorrect password", "NOT in sudoers", "command not allowed", "NOT allowed")


def _pam(message: str, fields: dict[str, str]) -> bool:
    m = _PAM.match(message)
    if m is None:
        return False
    text = m["text"]
    fields["pam_service"] = m["svc"]
    if "authentication failure" in text:
        kv = dict(_PAM_KV.findall(text))
        fields["outcome"] = "failure"
        fields["user"] = kv.get("user", "")
        fields["ruser"] = kv.get("ruser", "") or kv.get("logname", "")
        if tty := kv.get("tty"):
            fields["tty"] = tty
        if rhost := kv.get("rhost"):
            fields["src_ip"] = rhost
    elif s := _PAM_SESSION.search(text):
        fields["user"] = s["user"]
        fields["action"] = f"session-{s['what']}"
        fields["outcome"] = "success"
        if by := _PAM_BY.search(text):
            fields["ruser"] = by["by"]
    elif c := _PAM_CHAUTHTOK.search(text):
        fields["user"] = c["user"]
        fields["action"] = "password-changed"
        fields["outcome"] = "success"
    return True


def _sshd(message: str, fields: dict[str, str]) -> None:
    head = message[:1]
    if head == "p" and message.startswith("pam_unix") and _pam(message, fields):
        return
    if head in "AFP" and (m := _SSHD_AUTH.match(message)):
        fields["user"] = m["user"]
        fields["src_ip"] = m["ip"]
        fields["src_port"] = m["port"]
        fields["auth_method"] = m["method"]
        fields["outcome"] = SSHD_OUTCOMES[m["verb"]]
        if "invalid user" in message[: m.end()]:
            fields["invalid_user"] = "true"
        return
    if head in "Ii" and (m := _SSHD_INVALID.match(message)):
        fields["user"] = m["user"]
        fields["src_ip"] = m["ip"]
        if m["port"]:
            fields["src_port"] = m["port"]
        fields["outcome"] = "failure"
        fields["invalid_user"] = "true"
        return
    if (at := message.find(" port ")) > 0 and (f := _IP_PORT.search(message, max(0, at - 46))):
        if u := _SSHD_USER.search(message, 0, f.start() + 1):
            fields["user"] = u[1] if u[1] is not None else u[2]  # "" when logged empty
        fields["src_ip"] = f["ip"]
        fields["src_port"] = f["port"]
    if (
        "Failed " in message
        or "Invalid user" in message
        or "authentication failure" in message
        or "maximum authentication" in message
    ):
        fields["outcome"] = "failure"


def _sudo(message: str, fields: dict[str, str]) -> None:
    if message.startswith("pam_unix") and _pam(message, fields):
        return
    m = _SUDO_HEAD.match(message)
    if m is None or " ; " not in message and "=" not in message:
        return
    fields["user"] = m["user"]
    for part in m["rest"].split(" ; "):
        key, sep, value = part.partition("=")
        if not sep:
            continue
        key = key.strip()
        if key == "COMMAND":
            fields["command"] = value
        elif key == "USER":
            fields["target_user"] = value
        elif key in ("TTY", "PWD"):
            fields[key.lower()] = value
    failed = any(word in message for word in _SUDO_FAILURES)
    fields["outcome"] = "failure" if failed else "success"


def _su(message: str, fields: dict[str, str]) -> None:
    if message.startswith("pam_unix") and _pam(message, fields):
        return
    if m := _SU_TO.match(message):
        fields.update(target_user=m["target"], user=m["user"], tty=m["tty"])
        fields["outcome"] = "failure" if m["failed"] else "success"
    elif m := _SU_ON.match(message):
        fields.update(target_user=m["target"], user=m["user"])
        fields["outcome"] = "success" if m["verb"] == "Successful" else "failure"


def _account_kv(text: str, fields: dict[str, str]) -> None:
    for key, value in _ACCOUNT_KV.findall(text):
        key = key.lower()
        if key in ("uid", "gid", "home", "shell", "from"):
            fields[key] = value.strip()


def _accounts(message: str, fields: dict[str, str]) -> None:
    if message.startswith("pam_unix") and _pam(message, fields):
        return
    if m := _NEW_ACCOUNT.match(message) or _GROUP_ADDED.match(message):
        kv = m["kv"]
        name = dict(_ACCOUNT_KV.findall(kv)).get("name", "").strip()
        kind = m.groupdict().get("kind") or "group"
        fields["new_user" if kind == "user" else "new_group"] = name
        fields["action"] = f"{kind}-added"
        _account_kv(kv, fields)
    elif m := _ADD_TO_GROUP.match(message):
        fields.update(user=m["user"], group=m["group"], action="group-member-added")
    elif m := _DELETE.match(message):
        fields["user" if m["kind"] == "user" else "group"] = m["name"]
        fields["action"] = f"{m['kind']}-deleted"
    elif m := _CHANGE_USER.match(message):
        fields.update(user=m["user"], action=f"user-{m['what']}-changed")
    else:
        return
    fields["outcome"] = "success"


def _pam_only(message: str, fields: dict[str, str]) -> None:
    if message.startswith("pam_unix"):
        _pam(message, fields)


_BY_PROGRAM: dict[str, Callable[[str, dict[str, str]], None]] = {
    "sshd": _sshd,
    "sshd-session": _sshd,
    "sudo": _sudo,
    "su": _su,
    "useradd": _accounts,
    "usermod": _accounts,
    "userdel": _accounts,
    "groupadd": _accounts,
    "groupmod": _accounts,
    "groupdel": _accounts,
    "gpasswd": _accounts,
    "passwd": _accounts,
    "chpasswd": _accounts,
    "chage": _accounts,
    "login": _pam_only,
    "systemd-logind": _pam_only,
    "cron": _pam_only,
    "CRON": _pam_only,
}

AUTH_PROGRAMS = frozenset(_BY_PROGRAM)
"""Programs whose messages :func:`extract` understands."""
BY_PROGRAM = _BY_PROGRAM
"""The extractor of each program in :data:`AUTH_PROGRAMS` (:func:`extract`'s dispatch; a
plain dict so that compiled parsers can read it: never modify it)."""
pam_fields = _pam
"""The extractor of PAM messages (``pam_unix(…)``) of any other program."""


def extract(program: str, message: str, fields: dict[str, str]) -> None:
    """Add the authentication fields readable from ``message`` of ``program`` to ``fields``."""
    handler = _BY_PROGRAM.get(program)
    if handler is not None:
        handler(message, fields)
    elif message.startswith("pam_unix"):
        _pam(message, fields)
