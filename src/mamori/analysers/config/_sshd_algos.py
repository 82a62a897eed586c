"""Weak OpenSSH algorithm lists (ciphers, MACs, key exchange, host-key/signature algorithms).

Follows current hardening guidance (Mozilla OpenSSH guidelines, ssh-audit, CIS OpenSSH): no CBC
modes, arcfour, 3DES, Blowfish or CAST; no MD5/SHA-1 or truncated (``-96``, ``umac-64``) MACs;
no SHA-1 Diffie-Hellman key exchange; no DSA or SHA-1 RSA (``ssh-rsa``) signatures.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Family:
    """One algorithm-list keyword family."""

    label: str
    """Human name (``ciphers``)."""
    check_id: str
    """Check reported when a weak entry is enabled."""
    weak: re.Pattern[str]
    """Matches weak algorithm names."""
    strong_default: str
    """Replacement list when every listed entry is weak."""

    def is_weak(self, name: str) -> bool:
        """Whether ``name`` is a weak algorithm."""
        return self.weak.search(name.lower()) is not None


CIPHERS = Family(
    "ciphers",
    "SSHD-WEAK-CIPHERS",
    re.compile(r"-cbc\b|^arcfour|^3des|blowfish|cast128|rijndael"),
    "chacha20-poly1305@openssh.com,aes256-gcm@openssh.com,aes128-gcm@openssh.com,"
    "aes256-ctr,aes192-ctr,aes128-ctr",
)
MACS = Family(
    "MACs",
    "SSHD-WEAK-MACS",
    re.compile(r"md5|sha1|-96\b|umac-64|ripemd"),
    "hmac-sha2-512-etm@openssh.com,hmac-sha2-256-etm@openssh.com,umac-128-etm@openssh.com",
)
KEX = Family(
    "key exchange algorithms", "SSHD-WEAK-KEX",
    re.compile(r"^diffie-hellman-group1-sha1$|^diffie-hellman-group14-sha1$"
               r"|^diffie-hellman-group-exchange-sha1$|^gss-.*-sha1-"),
    "curve25519-sha256,curve25519-sha256@libssh.org,diffie-hellman-group16-sha512,"
    "diffie-hellman-group18-sha512,diffie-hellman-group-exchange-sha256",
)  # fmt: skip
HOSTKEY = Family(
    "host key / signature algorithms",
    "SSHD-WEAK-HOSTKEY-ALGS",
    re.compile(r"^ssh-dss|^ssh-rsa$|^ssh-rsa-cert-v01@openssh\.com$"),
    "ssh-ed25519,ecdsa-sha2-nistp256,ecdsa-sha2-nistp384,rsa-sha2-512,rsa-sha2-256",
)

FAMILIES: dict[str, Family] = {
    "ciphers": CIPHERS,
    "macs": MACS,
    "kexalgorithms": KEX,
    "hostkeyalgorithms": HOSTKEY,
    "pubkeyacceptedalgorithms": HOSTKEY,
    "pubkeyacceptedkeytypes": HOSTKEY,
    "casignaturealgorithms": HOSTKEY,
    "hostbasedacceptedalgorithms": HOSTKEY,
}
"""Keyword (lower-case) → family."""


def split_list(value: str) -> tuple[str, list[str]]:
    """``+a,b`` → (``+``, [a, b]); the prefix is one of ``+ - ^`` or empty."""
    prefix = value[0] if value[:1] in {"+", "-", "^"} else ""
    names = [n.strip() for n in value[len(prefix) :].split(",") if n.strip()]
    return prefix, names
