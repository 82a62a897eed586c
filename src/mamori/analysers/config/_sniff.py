"""Tell Apache from nginx configuration by content (both use ``sites-available/``)."""

from __future__ import annotations

import re
from typing import Literal

Dialect = Literal["apache", "nginx", "unknown"]

_APACHE = re.compile(r"<\s*(VirtualHost|Directory|IfModule|Location)\b|^\s*(ServerRoot|ServerName|"
                     r"DocumentRoot|LoadModule)\s", re.IGNORECASE | re.MULTILINE)  # fmt: skip
_NGINX = re.compile(r"^\s*(server|http|events|upstream|location)\b[^\n{;]*\{|;\s*(#.*)?$",
                    re.MULTILINE)  # fmt: skip


def dialect(head: str) -> Dialect:
    """Which server the text most likely configures."""
    if _APACHE.search(head):
        return "apache"
    if _NGINX.search(head):
        return "nginx"
    return "unknown"


def looks_like(path: str, size: int = 4096) -> Dialect:
    """:func:`dialect` of the first ``size`` characters of ``path`` (``unknown`` if unreadable)."""
    try:
        with open(path, encoding="utf-8", errors="replace") as fh:
            return dialect(fh.read(size))
    except OSError:
        return "unknown"
