"""Text and value hygiene shared by every output format.

Reports are read by people, terminals, browsers and CI systems, so every free-text value an
analyser produced goes through :func:`clean` (secret shapes masked, control characters made
visible) and every analyser-supplied structure through :func:`json_safe` before it is written.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
import re
from collections.abc import Mapping
from typing import Any

from mamori.model import CweId, Decision, Severity
from mamori.redact import redact_known_patterns

log = logging.getLogger(__name__)

_CONTROL = re.compile(
    r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]"
)
_LINE_BREAKS = re.compile(r"\s*[\r\n]+\s*")
_MAX_DEPTH = 20

DECISION_ORDER: tuple[Decision, ...] = (Decision.ESCALATE, Decision.REVIEW, Decision.SUPPRESS)
"""Decisions in the order reports present them."""

SEVERITY_ORDER: tuple[Severity, ...] = tuple(sorted(Severity, reverse=True))
"""Severities from most to least severe."""


def clean(text: str, *, multiline: bool = True) -> str:
    """``text`` with secret shapes masked and control, bidi and lone-surrogate characters shown
    as ``\\xNN``/``\\uNNNN`` escapes.

    Tabs and (when ``multiline``) newlines are kept; otherwise line breaks become one space.
    """
    out = redact_known_patterns(text)
    if not multiline:
        out = _LINE_BREAKS.sub(" ", out).strip()
    return _CONTROL.sub(_visible, out)


def plain(text: str) -> str:
    """``text`` (a path, an id) with control/bidi characters shown as escapes; nothing masked."""
    return _CONTROL.sub(_visible, text)


def _visible(m: re.Match[str]) -> str:
    code = ord(m.group(0))
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def json_safe(value: Any, _depth: int = 0) -> Any:
    """``value`` as plain JSON data: strings cleaned, non-finite floats and unknown types as text.

    Analyser ``properties`` are promised to be JSON-safe; this makes sure a broken promise
    degrades one value instead of failing the whole report.
    """
    if _depth > _MAX_DEPTH:
        return "[nested too deeply]"
    if value is None or isinstance(value, bool | int):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else str(value)
    if isinstance(value, str):
        return clean(value)
    if isinstance(value, Mapping):
        return {clean(str(k)): json_safe(v, _depth + 1) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        items = sorted(value, key=repr) if isinstance(value, set | frozenset) else value
        return [json_safe(v, _depth + 1) for v in items]
    log.debug("report: non-JSON property value of type %s shown as text", type(value).__name__)
    return clean(str(value))


def severity_name(severity: Severity) -> str:
    """The lower-case name used in every output (``"high"``)."""
    return severity.name.lower()


def cwe_label(cwe: CweId) -> str:
    """``CWE-89`` style label."""
    return f"CWE-{int(cwe)}"


def utc_timestamp(text: str) -> str | None:
    """An ISO-8601 time as ``YYYY-MM-DDTHH:MM:SS(.fff)Z`` in UTC, or None if unparseable."""
    if not text:
        return None
    try:
        moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        log.debug("report: timestamp %r is not ISO-8601; left out", text)
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    utc = moment.astimezone(dt.UTC)
    spec = "milliseconds" if utc.microsecond else "seconds"
    return utc.replace(tzinfo=None).isoformat(timespec=spec) + "Z"


def count_by_severity(severities: list[Severity]) -> dict[Severity, int]:
    """How many of each severity, every severity present (most severe first)."""
    counts = dict.fromkeys(SEVERITY_ORDER, 0)
    for s in severities:
        counts[s] += 1
    return counts
