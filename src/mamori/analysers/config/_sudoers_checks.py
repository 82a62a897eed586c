"""The sudoers check catalogue and the command lists it uses."""

from __future__ import annotations

from mamori.analysers.config.interface import Check
from mamori.model import CweId, Severity

_CIS = "CIS Debian Linux 12 Benchmark §5.3 (sudo)"
_GTFO = "GTFOBins (gtfobins.github.io) sudo entries"

CHECKS: tuple[Check, ...] = (
    Check("SUDO-NOPASSWD-ALL", "Passwordless sudo to any command", Severity.HIGH, CweId(250),
          f"{_CIS}: re-authentication not disabled globally",
          "Anyone who gets this account's session (stolen SSH key, web shell) is root at once.",
          lockout_risk=True),
    Check("SUDO-NO-AUTHENTICATE", "sudo authentication disabled by Defaults", Severity.HIGH,
          CweId(306), f"{_CIS}: ensure re-authentication for privilege escalation",
          "'!authenticate' removes the password check for every rule it covers.",
          lockout_risk=True),
    Check("SUDO-ENV-WEAKENED", "sudo passes the caller's environment to root", Severity.HIGH,
          CweId(426), "sudoers(5) env_reset / secure_path; " + _CIS,
          "LD_PRELOAD, PYTHONPATH or an unreset PATH let the caller inject code into root "
          "processes."),
    Check("SUDO-ALL-NON-ADMIN", "Full sudo for a non-admin user or group", Severity.MEDIUM,
          CweId(269), "Least privilege (NIST SP 800-53 AC-6)",
          "Granting ALL outside the admin group makes every member a root equivalent.",
          fixable=False),
    Check("SUDO-WILDCARD-ARGS", "sudo command allowed with wildcard arguments", Severity.MEDIUM,
          CweId(155), "sudoers(5) 'Wildcards' security notes",
          "'*' matches spaces and '..', so '/bin/cat /var/log/*' also reads /etc/shadow.",
          fixable=False),
    Check("SUDO-SHELL-ESCAPE", "sudo command allows a shell escape", Severity.HIGH, CweId(269),
          _GTFO,
          "Editors, pagers, interpreters and tools such as find -exec spawn a root shell; "
          "use sudoedit or NOEXEC.", fixable=False),
    Check("SUDO-WRITABLE-CMD", "sudo command in a user-writable or relative path",
          Severity.HIGH, CweId(732), "sudoers(5): commands must be fully qualified paths",
          "Whoever can write the program file (or choose the directory) runs code as root.",
          fixable=False),
)  # fmt: skip

_BY_ID = {c.id: c for c in CHECKS}

ADMIN_GROUPS = frozenset({"sudo", "wheel", "admin", "root"})
"""Groups that conventionally hold full administrative rights."""

ESCAPES = frozenset({
    "vi", "vim", "nvim", "view", "vimdiff", "rvim", "nano", "pico", "emacs", "ed", "ex", "joe",
    "less", "more", "most", "pg", "man", "sh", "bash", "dash", "zsh", "ksh", "csh", "tcsh",
    "fish", "su", "irb", "awk", "gawk", "mawk", "nawk", "find", "env", "xargs", "tar", "zip",
    "rsync", "git", "ftp", "tee", "dd", "cp", "mv", "chmod", "chown", "journalctl",
    "systemctl", "docker", "script", "expect", "gdb", "strace", "nmap", "ssh", "scp",
    "apt", "apt-get", "yum", "dnf", "pip", "pip3", "make", "crontab", "mount",
})  # fmt: skip
"""Program names with a documented way out to a shell or arbitrary file write (GTFOBins)."""


def by_id(check_id: str) -> Check:
    """The check with ``check_id``."""
    return _BY_ID[check_id]
