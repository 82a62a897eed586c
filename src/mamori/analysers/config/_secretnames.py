"""Which variable names hold secrets, and which values are literals rather than references.

Shared by the Dockerfile, Compose, Kubernetes and dotenv auditors so they agree on what a
secret is. Names are split on ``_``/``-``/``.``; a part such as ``PASSWORD`` or ``TOKEN``, or a
pair such as ``API_KEY``, marks a secret, unless the name ends in ``_FILE``, ``_PATH``… (it
then names where the secret lives, not the secret itself).
"""

from __future__ import annotations

import re

__all__ = ["is_literal_secret", "is_secret_name"]

_SECRET_PART = frozenset(
    {"PASSWORD", "PASSWD", "PASS", "SECRET", "TOKEN", "CREDENTIAL", "CREDENTIALS",
     "APIKEY", "PASSPHRASE"}
)  # fmt: skip
_SECRET_PAIR = re.compile(r"(API|PRIVATE|ACCESS|SECRET|AUTH|SIGNING|ENCRYPTION|MASTER)_?KEY")
_NOT_SECRET_SUFFIX = frozenset(
    {"FILE", "PATH", "DIR", "URL", "NAME", "USER", "USERNAME", "LENGTH", "TTL", "ID", "TYPE",
     "HEADER", "ENABLED", "REQUIRED", "POLICY", "EXPIRY"}
)  # fmt: skip
_REFERENCE = re.compile(r"^\$(\{[^}]*\}|\w+)$")
_PLACEHOLDER = re.compile(r"^(<[^>]*>|\*+|x+|\.\.\.|changeme_in_prod|)$", re.IGNORECASE)


def is_secret_name(name: str) -> bool:
    """Whether a variable called ``name`` is expected to hold a secret."""
    upper = name.upper()
    parts = [p for p in re.split(r"[_.\-]", upper) if p]
    if not parts or parts[-1] in _NOT_SECRET_SUFFIX:
        return False
    return bool(_SECRET_PART & set(parts)) or bool(_SECRET_PAIR.search(upper))


def is_literal_secret(value: str) -> bool:
    """Whether ``value`` is a literal (not empty, not a ``$VAR`` reference, not a placeholder)."""
    v = value.strip().strip("\"'")
    return not (_REFERENCE.match(v) or _PLACEHOLDER.match(v))
