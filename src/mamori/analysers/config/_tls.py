"""Mozilla Server Side TLS profiles (v5.7) and helpers to compare protocol/cipher settings.

The data file ``data/mozilla-tls-5.7.json`` is a reduced copy of Mozilla's guidelines (its
header records source and licence); it ships with Mamori and is read with importlib.resources.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from importlib import resources

_DATA = "mozilla-tls-5.7.json"
_LEGACY = ("SSLv2", "SSLv3", "TLSv1", "TLSv1.1")


@dataclass(frozen=True, slots=True)
class Profile:
    """One Mozilla profile."""

    name: str
    """``modern``, ``intermediate`` or ``old``."""
    tls_versions: tuple[str, ...]
    """Allowed protocol versions (``TLSv1.2``)."""
    openssl_ciphers: tuple[str, ...]
    """Allowed TLS ≤1.2 cipher names in OpenSSL spelling."""
    ciphersuites: tuple[str, ...]
    """Allowed TLS 1.3 suites."""


@functools.cache
def load_profile(name: str) -> Profile:
    """The named profile from the bundled data file."""
    raw = resources.files("mamori.analysers.config").joinpath("data", _DATA).read_text("utf-8")
    p = json.loads(raw)["profiles"][name]
    return Profile(name, tuple(p["tls_versions"]), tuple(p["openssl_ciphers"]),
                   tuple(p["ciphersuites"]))  # fmt: skip


INTERMEDIATE = load_profile("intermediate")


def weak_protocols(args: tuple[str, ...] | list[str]) -> list[str]:
    """Legacy protocol versions enabled by a list of protocol names (case-insensitive)."""
    lowered = {a.lower().lstrip("+") for a in args}
    if "all" in lowered:
        lowered |= {p.lower() for p in _LEGACY}
    return [p for p in _LEGACY if p.lower() in lowered and p not in INTERMEDIATE.tls_versions]


def weak_ciphers(cipher_string: str, profile: Profile = INTERMEDIATE) -> list[str]:
    """Entries of an OpenSSL cipher string that the profile does not allow.

    Exclusions (``!x``, ``-x``), reordering (``+x``) and ``@`` options are ignored; aliases
    such as ``HIGH`` or ``ALL`` count as outside the profile because they expand to CBC and
    non-forward-secret suites.
    """
    allowed = {c.upper() for c in (*profile.openssl_ciphers, *profile.ciphersuites)}
    entries = [e.strip() for e in cipher_string.replace(",", ":").replace(" ", ":").split(":")]
    return [e for e in entries if e and e[0] not in "!-+@" and e.upper() not in allowed]
