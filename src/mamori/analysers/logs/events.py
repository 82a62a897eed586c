"""The normalised log event every parser produces and every detector reads.

Field names follow the Sigma taxonomy so SigmaHQ rules apply unchanged: Windows events keep
their EventData names (``EventID``, ``Image``, ``CommandLine``, ``TargetUserName``…);
webserver events use ``c-ip``, ``cs-method``, ``c-uri``, ``c-uri-query``, ``sc-status``,
``cs-user-agent``, ``cs-referer``; Linux auth/syslog events use ``host``, ``program``/``service``,
``pid``, ``message``, plus extracted ``user``, ``src_ip``, ``src_port``, ``auth_method``,
``outcome`` (success/failure), and the raw ``message`` so keyword rules match.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import NamedTuple

_NO_FIELDS: Mapping[str, str] = MappingProxyType({})


class LogSource(NamedTuple):
    """Sigma logsource triple (a named tuple: the rule engine hashes one per event, and a
    tuple hashes in C where a frozen dataclass calls a Python ``__hash__``)."""

    product: str = ""
    """e.g. ``linux``, ``windows``."""
    service: str = ""
    """e.g. ``sshd``, ``auth``, ``security``, ``sysmon``."""
    category: str = ""
    """e.g. ``webserver``, ``process_creation``."""


class LogEvent(NamedTuple):
    """One normalised event.

    A named tuple rather than a frozen dataclass: one is built for every line read, and
    building a tuple costs about a third of a frozen dataclass's ``__init__`` — a microsecond
    per line saved, where the whole budget is a few.
    """

    source: str
    """File (display path) or stream the event came from."""
    position: int
    """1-based line number, or record number for EVTX."""
    ts: dt.datetime | None
    """Event time, timezone-aware (UTC when the source gave none); None if unparseable."""
    logsource: LogSource
    """Which Sigma logsource the event belongs to."""
    fields: Mapping[str, str] = _NO_FIELDS
    """Normalised fields (Sigma taxonomy names), string values."""
    raw: str = ""
    """The original line (or a compact rendering of the record), for evidence."""


@dataclass(frozen=True, slots=True)
class ParseStats:
    """What a parser made of one source: never silent about bad input."""

    source: str
    """File parsed."""
    events: int = 0
    """Events produced."""
    bad: int = 0
    """Truncated, corrupt or unparseable lines/records (counted, skipped, reported)."""
    first_bad: tuple[int, ...] = ()
    """Positions of the first few bad lines, for the report."""
