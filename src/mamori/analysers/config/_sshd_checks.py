"""The sshd check catalogue (ids, severities, CWEs, references, rationale)."""

from __future__ import annotations

from mamori.analysers.config.interface import Check
from mamori.model import CweId, Severity

_CIS = "CIS Debian Linux 12 Benchmark §5.1 (SSH server)"
_MOZ = "Mozilla OpenSSH guidelines (infosec.mozilla.org/guidelines/openssh)"

CHECKS: tuple[Check, ...] = (
    Check("SSHD-PERMIT-ROOT-LOGIN", "Root can log in over SSH", Severity.HIGH, CweId(250),
          f"{_CIS} (PermitRootLogin no)",
          "Direct root logins remove accountability and expose the most valuable account to "
          "password guessing.", lockout_risk=True),
    Check("SSHD-PASSWORD-AUTH", "SSH password authentication enabled", Severity.MEDIUM,
          CweId(309), f"{_MOZ}; {_CIS}",
          "Passwords can be guessed or phished; key-based authentication resists brute force. "
          "Disabling it can lock out users without keys.", lockout_risk=True),
    Check("SSHD-PERMIT-EMPTY-PASSWORDS", "SSH accepts empty passwords", Severity.CRITICAL,
          CweId(258), f"{_CIS} (PermitEmptyPasswords no)",
          "Accounts without a password become reachable by anyone over the network."),
    Check("SSHD-X11-FORWARDING", "SSH X11 forwarding enabled", Severity.LOW, CweId(16),
          f"{_CIS} (X11Forwarding no)",
          "X11 forwarding exposes the client's display to a compromised server."),
    Check("SSHD-MAX-AUTH-TRIES", "SSH allows too many authentication attempts", Severity.LOW,
          CweId(307), f"{_CIS} (MaxAuthTries 4 or less)",
          "Many attempts per connection make online password guessing cheaper."),
    Check("SSHD-LOGIN-GRACE-TIME", "SSH login grace time too long", Severity.LOW, CweId(400),
          f"{_CIS} (LoginGraceTime 1-60s)",
          "Long unauthenticated sessions let an attacker exhaust connection slots."),
    Check("SSHD-CLIENT-ALIVE", "SSH idle sessions never time out", Severity.LOW, CweId(613),
          f"{_CIS} (ClientAliveInterval > 0)",
          "Without keep-alive probing, dead or abandoned sessions stay open indefinitely."),
    Check("SSHD-WEAK-CIPHERS", "SSH weak ciphers enabled", Severity.MEDIUM, CweId(327),
          f"{_CIS}; {_MOZ}",
          "CBC modes, arcfour, 3DES and Blowfish are broken or weak (e.g. plaintext recovery)."),
    Check("SSHD-WEAK-MACS", "SSH weak MAC algorithms enabled", Severity.MEDIUM, CweId(327),
          f"{_CIS}; {_MOZ}",
          "MD5, SHA-1 and truncated MACs weaken integrity protection of the session."),
    Check("SSHD-WEAK-KEX", "SSH weak key exchange enabled", Severity.MEDIUM, CweId(327),
          f"{_CIS}; {_MOZ}",
          "SHA-1 and 1024-bit Diffie-Hellman groups allow downgrade and precomputation attacks."),
    Check("SSHD-WEAK-HOSTKEY-ALGS", "SSH DSA / SHA-1 RSA signatures enabled", Severity.MEDIUM,
          CweId(327), "OpenSSH 8.8 release notes (ssh-rsa deprecated); " + _MOZ,
          "ssh-dss and SHA-1 RSA signatures are vulnerable to chosen-prefix collisions."),
    Check("SSHD-PROTOCOL-1", "SSH protocol 1 enabled", Severity.HIGH, CweId(327),
          "CIS OpenSSH (Protocol 2)",
          "SSH protocol 1 has fundamental cryptographic flaws."),
    Check("SSHD-PRIVSEP-OFF", "SSH privilege separation disabled", Severity.HIGH, CweId(250),
          "OpenSSH sshd_config(5) UsePrivilegeSeparation",
          "Without privilege separation, a pre-authentication bug yields root."),
    Check("SSHD-HOSTBASED-AUTH", "SSH host-based authentication enabled", Severity.MEDIUM,
          CweId(290), f"{_CIS} (HostbasedAuthentication no)",
          "Trusting the client host lets one compromised host log in as any user."),
    Check("SSHD-IGNORE-RHOSTS", "SSH honours .rhosts files", Severity.MEDIUM, CweId(290),
          f"{_CIS} (IgnoreRhosts yes)",
          ".rhosts trust relationships bypass authentication."),
    Check("SSHD-PERMIT-USER-ENV", "SSH lets users set environment for sshd", Severity.MEDIUM,
          CweId(15), f"{_CIS} (PermitUserEnvironment no)",
          "User-controlled environment (LD_PRELOAD…) can bypass restricted shells."),
    Check("SSHD-MATCH-TCP-FORWARDING", "SSH Match block allows TCP forwarding", Severity.MEDIUM,
          CweId(441), f"{_CIS} (AllowTcpForwarding no)",
          "Forwarding from restricted (e.g. SFTP-only) accounts turns the server into a pivot "
          "into the internal network."),
)  # fmt: skip

_BY_ID = {c.id: c for c in CHECKS}


def by_id(check_id: str) -> Check:
    """The check with ``check_id``."""
    return _BY_ID[check_id]
