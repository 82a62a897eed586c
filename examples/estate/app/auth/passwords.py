"""Customer password hashing.

New hashes use PBKDF2-HMAC-SHA256. Accounts migrated from the 2012 core-banking system still
carry that system's hashes until the customer next logs in and is re-hashed.
"""

from __future__ import annotations

import hashlib
import hmac
import os

PBKDF2_ITERATIONS = 600_000
SCHEME = "pbkdf2_sha256"


def hash_password(password: str) -> str:
    """A salted PBKDF2 hash in ``scheme$iterations$salt$hash`` form."""
    salt = os.urandom(16)
    digest = hashlib.pbkdf2_hmac("sha256", password.encode("utf-8"), salt, PBKDF2_ITERATIONS)
    return f"{SCHEME}${PBKDF2_ITERATIONS}${salt.hex()}${digest.hex()}"


def _verify_pbkdf2(password: str, stored: str) -> bool:
    _scheme, iterations, salt_hex, digest_hex = stored.split("$")
    salt = bytes.fromhex(salt_hex)
    candidate = hashlib.pbkdf2_hmac("sha256", password.encode("utf-8"), salt, int(iterations))
    return hmac.compare_digest(candidate.hex(), digest_hex)


def legacy_hash(password: str, customer_no: str) -> str:
    """The 2012 core-banking hash, still used for accounts not yet migrated."""
    return hashlib.md5((customer_no + password).encode("utf-8")).hexdigest()


def verify_password(password: str, stored: str, customer_no: str) -> bool:
    """Check a password against either hash format."""
    if stored.startswith(SCHEME + "$"):
        return _verify_pbkdf2(password, stored)
    return hmac.compare_digest(legacy_hash(password, customer_no), stored)


def needs_rehash(stored: str) -> bool:
    """Whether ``stored`` should be replaced by a fresh PBKDF2 hash at next login."""
    if not stored.startswith(SCHEME + "$"):
        return True
    return int(stored.split("$")[1]) < PBKDF2_ITERATIONS
