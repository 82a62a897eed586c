"""Server certificate checks (the certificate is parsed with ``cryptography``, never trusted)."""

from __future__ import annotations

import datetime as dt
import ipaddress

from cryptography import x509
from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import dsa, ec, ed448, ed25519, padding, rsa

from mamori.analysers.hosts._checks import Check, Hit
from mamori.model import Confidence, CweId, Severity

_CAB = "CA/Browser Forum Baseline Requirements; Mozilla Server Side TLS"
EXPIRED = Check("HOST-TLS-CERT-EXPIRED", "TLS certificate expired or not yet valid",
                Severity.MEDIUM, CweId(324), _CAB)  # fmt: skip
SMALL_KEY = Check("HOST-TLS-CERT-WEAK-KEY", "TLS certificate key is too small",
                  Severity.HIGH, CweId(326), _CAB)  # fmt: skip
SELF_SIGNED = Check("HOST-TLS-CERT-SELF-SIGNED", "TLS certificate is self-signed",
                    Severity.LOW, CweId(295), _CAB)  # fmt: skip
WEAK_SIGNATURE = Check("HOST-TLS-CERT-WEAK-SIGNATURE", "TLS certificate signed with SHA-1 or MD5",
                       Severity.MEDIUM, CweId(328), _CAB)  # fmt: skip
NAME_MISMATCH = Check("HOST-TLS-CERT-NAME-MISMATCH", "TLS certificate does not name the host",
                      Severity.MEDIUM, CweId(297), _CAB)  # fmt: skip
CHECKS = (EXPIRED, SMALL_KEY, SELF_SIGNED, WEAK_SIGNATURE, NAME_MISMATCH)

MIN_RSA_BITS = 2048
_WEAK_HASHES = ("sha1", "md5")


def check_certificate(
    der: bytes, host: str, port: int, server_name: str, now: dt.datetime
) -> list[Hit]:
    """Certificate weaknesses of the leaf ``der`` served on ``host:port``."""
    try:
        cert = x509.load_der_x509_certificate(der)
    except ValueError as e:
        return [Hit(SELF_SIGNED, host, port, f"{host}:{port} sent an unparsable certificate: {e}",
                    confidence=Confidence.LOW)]  # fmt: skip
    ev = f"subject={cert.subject.rfc4514_string()} issuer={cert.issuer.rfc4514_string()}"
    hits = [
        _expiry(cert, host, port, now, ev),
        _key_size(cert, host, port, ev),
        _self_signed(cert, host, port, ev),
        _signature(cert, host, port, ev),
        _name(cert, host, port, server_name, ev),
    ]
    return [h for h in hits if h is not None]


def _expiry(cert: x509.Certificate, host: str, port: int, now: dt.datetime, ev: str) -> Hit | None:
    start, end = cert.not_valid_before_utc, cert.not_valid_after_utc
    if start <= now <= end:
        return None
    when = f"expired on {end:%Y-%m-%d}" if now > end else f"is not valid before {start:%Y-%m-%d}"
    return Hit(EXPIRED, host, port, f"The certificate on {host}:{port} {when}.",
               evidence=f"{ev} notBefore={start:%Y-%m-%d} notAfter={end:%Y-%m-%d}")  # fmt: skip


def _key_size(cert: x509.Certificate, host: str, port: int, ev: str) -> Hit | None:
    key = cert.public_key()
    weak = (isinstance(key, rsa.RSAPublicKey | dsa.DSAPublicKey) and key.key_size < MIN_RSA_BITS
            ) or (isinstance(key, ec.EllipticCurvePublicKey) and key.key_size < 224)  # fmt: skip
    if not weak:
        return None
    bits = getattr(key, "key_size", 0)
    return Hit(SMALL_KEY, host, port,
               f"The certificate on {host}:{port} has a {bits}-bit {type(key).__name__[:-9]} key "
               f"(at least {MIN_RSA_BITS}-bit RSA is required).",
               evidence=ev, properties={"bits": bits})  # fmt: skip


def _self_signed(cert: x509.Certificate, host: str, port: int, ev: str) -> Hit | None:
    if cert.issuer != cert.subject or not _signed_by_itself(cert):
        return None
    return Hit(SELF_SIGNED, host, port,
               f"The certificate on {host}:{port} is self-signed; clients cannot verify it "
               "without pinning, which trains users to accept any certificate.",
               evidence=ev)  # fmt: skip


def _signed_by_itself(cert: x509.Certificate) -> bool:
    key = cert.public_key()
    algo = cert.signature_hash_algorithm
    try:
        if isinstance(key, rsa.RSAPublicKey) and algo is not None:
            key.verify(cert.signature, cert.tbs_certificate_bytes, padding.PKCS1v15(), algo)
        elif isinstance(key, ec.EllipticCurvePublicKey) and algo is not None:
            key.verify(cert.signature, cert.tbs_certificate_bytes, ec.ECDSA(algo))
        elif isinstance(key, ed25519.Ed25519PublicKey | ed448.Ed448PublicKey):
            key.verify(cert.signature, cert.tbs_certificate_bytes)
        else:
            return True  # same issuer and subject, key type we cannot check: trust the names
    except (InvalidSignature, UnsupportedAlgorithm, ValueError):
        return False
    return True


def _signature(cert: x509.Certificate, host: str, port: int, ev: str) -> Hit | None:
    try:
        algo = cert.signature_hash_algorithm
    except UnsupportedAlgorithm:
        return None
    if not isinstance(algo, hashes.SHA1 | hashes.MD5):
        return None
    return Hit(WEAK_SIGNATURE, host, port,
               f"The certificate on {host}:{port} is signed with {algo.name.upper()}.",
               evidence=f"{ev} signature={algo.name}")  # fmt: skip


def _name(cert: x509.Certificate, host: str, port: int, server_name: str, ev: str) -> Hit | None:
    dns, ips = cert_names(cert)
    if not server_name and not ips:
        return None  # scanned by address and the certificate names no address: cannot judge
    wanted = server_name or host
    if san_matches(dns + ips, wanted):
        return None
    return Hit(NAME_MISMATCH, host, port,
               f"The certificate on {host}:{port} does not name {wanted}.",
               evidence=f"{ev} names={', '.join(dns + ips) or '(none)'}",
               confidence=Confidence.HIGH if server_name else Confidence.MEDIUM)  # fmt: skip


def cert_names(cert: x509.Certificate) -> tuple[list[str], list[str]]:
    """(DNS names, IP addresses) the certificate is for; CN only when there is no SAN."""
    try:
        san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    except (x509.ExtensionNotFound, ValueError):
        cns = cert.subject.get_attributes_for_oid(x509.NameOID.COMMON_NAME)
        names = [str(a.value) for a in cns]
        return [n for n in names if not _is_ip(n)], [n for n in names if _is_ip(n)]
    ips = [str(i) for i in san.get_values_for_type(x509.IPAddress)]
    return list(san.get_values_for_type(x509.DNSName)), ips


def _is_ip(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


def san_matches(names: list[str], host: str) -> bool:
    """Whether ``host`` (a name or an IP) matches one of ``names`` (wildcards one label deep)."""
    try:
        addr = ipaddress.ip_address(host)
        return any(_same_ip(n, addr) for n in names)
    except ValueError:
        pass
    host = host.lower().rstrip(".")
    for n in (n.lower().rstrip(".") for n in names):
        if n == host or (n.startswith("*.") and host.partition(".")[2] == n[2:]):
            return True
    return False


def _same_ip(name: str, addr: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    try:
        return ipaddress.ip_address(name) == addr
    except ValueError:
        return False
