"""TLS checks on any port that completes a handshake, compared with Mozilla *intermediate*
(directly, or after a plain-text ``STARTTLS`` preamble such as SMTP's).

* protocol versions: one handshake per version with minimum and maximum pinned to it (the
  client context lowers OpenSSL's security level to 0 so it *can* offer TLS 1.0/1.1);
* weak ciphers: offer only suites outside the Mozilla intermediate list and let the server
  pick, removing each pick until it refuses (bounded), at the best legacy version it accepts;
* the certificate (read, never trusted): expiry, RSA key under 2048 bits, self-signed,
  SHA-1/MD5 signature, and a name mismatch when a name is known (``server_name``, or the
  certificate lists IP addresses and none is the scanned one).
"""

from __future__ import annotations

import datetime as dt
import logging
import ssl
from dataclasses import dataclass

from mamori.analysers.config._tls import INTERMEDIATE
from mamori.analysers.hosts import _certs, _wire
from mamori.analysers.hosts._checks import Check, Hit
from mamori.analysers.hosts._wire import Upgrade
from mamori.model import CweId, Severity

log = logging.getLogger(__name__)

__all__ = ["CHECKS", "check_tls", "handshake"]

_MOZ = "https://wiki.mozilla.org/Security/Server_Side_TLS (intermediate, v5.7)"
OLD_PROTOCOL = Check("HOST-TLS-OLD-PROTOCOL", "TLS server accepts TLS 1.0/1.1",
                     Severity.MEDIUM, CweId(327), _MOZ)  # fmt: skip
WEAK_CIPHERS = Check("HOST-TLS-WEAK-CIPHERS", "TLS server accepts ciphers outside Mozilla "
                     "intermediate", Severity.MEDIUM, CweId(327), _MOZ)  # fmt: skip
CHECKS = (OLD_PROTOCOL, WEAK_CIPHERS, *_certs.CHECKS)

_VERSIONS = {
    "TLSv1": ssl.TLSVersion.TLSv1,
    "TLSv1.1": ssl.TLSVersion.TLSv1_1,
    "TLSv1.2": ssl.TLSVersion.TLSv1_2,
    "TLSv1.3": ssl.TLSVersion.TLSv1_3,
}
_MAX_CIPHER_ROUNDS = 24


@dataclass(frozen=True, slots=True)
class Handshake:
    """The outcome of one successful handshake."""

    version: str
    """Negotiated protocol (``TLSv1.2``)."""
    cipher: str
    """Negotiated suite, OpenSSL name."""
    cert_der: bytes
    """The server's leaf certificate (DER), empty if none was sent."""


async def handshake(
    host: str, port: int, timeout: float, ctx: ssl.SSLContext, starttls: Upgrade | None = None
) -> Handshake | None:
    """Handshake with ``ctx`` (after the ``starttls`` preamble if given); None when refused."""
    try:
        async with _wire.connect(host, port, timeout, ctx, starttls) as (_, writer):
            tls = writer.get_extra_info("ssl_object")
            cipher = tls.cipher() if tls else None
            der = tls.getpeercert(binary_form=True) if tls else None
            return Handshake(tls.version() or "", cipher[0] if cipher else "", der or b"")
    except (OSError, TimeoutError, ssl.SSLError, EOFError, ValueError):
        return None


async def check_tls(
    host: str,
    port: int,
    timeout: float = 5.0,
    server_name: str = "",
    starttls: Upgrade | None = None,
) -> list[Hit]:
    """TLS weaknesses of ``host:port`` (empty when it does not speak TLS); with ``starttls``,
    every handshake follows that plain-text preamble (SMTP ``STARTTLS``)."""
    accepted: dict[str, Handshake] = {}
    for name, version in _VERSIONS.items():
        log.debug("probe tls-%s on %s:%d", name, host, port)
        ctx = _wire.client_context(version, version)
        shake = await handshake(host, port, timeout, ctx, starttls)
        if shake:
            accepted[name] = shake
    if not accepted:
        return []
    hits = [_old_protocols(accepted, host, port)]
    hits.append(await _weak_ciphers(accepted, host, port, timeout, starttls))
    der = next((s.cert_der for s in accepted.values() if s.cert_der), b"")
    found = [h for h in hits if h is not None]
    if der:
        found += _certs.check_certificate(der, host, port, server_name, dt.datetime.now(dt.UTC))
    return found


def _old_protocols(accepted: dict[str, Handshake], host: str, port: int) -> Hit | None:
    old = [v for v in accepted if v not in INTERMEDIATE.tls_versions]
    if not old:
        return None
    shown = "; ".join(f"{v} with {accepted[v].cipher}" for v in old)
    return Hit(
        OLD_PROTOCOL, host, port, f"{host}:{port} completes handshakes with {', '.join(old)}.",
        evidence=f"handshakes pinned per version: {shown}", properties={"protocols": old},
    )  # fmt: skip


async def _weak_ciphers(
    accepted: dict[str, Handshake], host: str, port: int, timeout: float, starttls: Upgrade | None
) -> Hit | None:
    legacy = [v for v in ("TLSv1.2", "TLSv1.1", "TLSv1") if v in accepted]
    if not legacy:
        return None  # TLS 1.3 only: its suites are all in the profile
    version = _VERSIONS[legacy[0]]
    offer = outside_profile_ciphers()
    weak: list[str] = []
    for _ in range(_MAX_CIPHER_ROUNDS):
        if not offer:
            break
        ctx = _wire.client_context(version, version, ":".join(offer) + ":@SECLEVEL=0")
        shake = await handshake(host, port, timeout, ctx, starttls)
        if not shake or shake.cipher not in offer:
            break
        weak.append(shake.cipher)
        offer.remove(shake.cipher)
    if not weak:
        return None
    return Hit(
        WEAK_CIPHERS, host, port,
        f"{host}:{port} accepts {len(weak)} cipher(s) outside Mozilla intermediate with "
        f"{legacy[0]}: {', '.join(weak)}.",
        evidence=f"server picked, from suites outside the profile only: {', '.join(weak)}",
        properties={"ciphers": weak, "protocol": legacy[0]},
    )  # fmt: skip


def outside_profile_ciphers() -> list[str]:
    """TLS <= 1.2 suites this OpenSSL can offer that Mozilla intermediate does not allow."""
    allowed = set(INTERMEDIATE.openssl_ciphers)
    ctx = _wire.client_context(ciphers="ALL:COMPLEMENTOFALL:@SECLEVEL=0")
    return [
        c["name"]
        for c in ctx.get_ciphers()
        if c["protocol"] != "TLSv1.3" and c["name"] not in allowed
    ]
