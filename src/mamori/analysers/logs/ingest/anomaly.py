"""Unsupervised log anomalies: rare templates and bursts, mined with Drain3.

Each (host, program) stream gets its own in-memory Drain3 miner (configured here: no config
file, no persistence; IPs, hex values, UUIDs and numbers are masked before mining). After all
events are mined:

* ``anomaly.rare-template`` — a template seen at most ``rare_max`` times in a stream that has
  at least ``min_stream_events`` events: something this program almost never says.
* ``anomaly.burst`` — a template whose count in one ``window`` is at least ``burst_min`` and
  ``burst_factor`` times its average per window over the rest of the stream (a baseline below
  one per window counts as one), in a stream spanning at least ``min_windows`` windows.

Both are weak signals: Confidence LOW, severity LOW (MEDIUM for a burst five times past the
bar). Evidence and templates are redacted with :func:`mamori.redact.redact_known_patterns`.
Memory is bounded: at most ``max_templates`` templates per stream (least recently used go),
and only the first occurrence of each template and of each (template, window) is kept.
"""

from __future__ import annotations

import datetime as dt
import importlib.metadata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from drain3 import TemplateMiner
from drain3.masking import MaskingInstruction
from drain3.template_miner_config import TemplateMinerConfig

from mamori.analysers.logs.events import LogEvent
from mamori.model import Confidence, Finding, Location, Severity, make_fingerprint
from mamori.redact import redact_known_patterns, truncate

__all__ = ["ANALYSER_ID", "AnomalySettings", "detect_anomalies"]

ANALYSER_ID = "log-anomaly"
"""The ``Finding.analyser`` of every anomaly."""

_MASKS = (
    (r"\b[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\b", "UUID"),
    (r"(?<![\w.])(?:\d{1,3}\.){3}\d{1,3}(?![\w.])", "IP"),
    (r"(?<![\w:])(?:[0-9a-fA-F]{0,4}:){2,7}[0-9a-fA-F]{0,4}(?![\w:])", "IP"),
    (r"\b0x[0-9a-fA-F]+\b", "HEX"),
    (r"\b[0-9a-fA-F]{16,}\b", "HEX"),
    (r"(?<![\w.])[-+]?\d+(?:\.\d+)?(?![\w.])", "NUM"),
)
_MAX_TEXT = 2000
_EVIDENCE = 300


@dataclass(frozen=True, slots=True)
class AnomalySettings:
    """Thresholds of the detectors (defaults suit a day of one server's logs)."""

    rare_max: int = 2
    """A template seen at most this many times in its stream is rare."""
    min_stream_events: int = 200
    """Rarity needs at least this many events of the (host, program) stream."""
    window: dt.timedelta = dt.timedelta(minutes=1)
    """Burst counting window."""
    burst_factor: float = 10.0
    """How many times its per-window baseline a template must reach to burst."""
    burst_min: int = 20
    """The fewest occurrences in one window that can be a burst."""
    min_windows: int = 10
    """A stream must span this many windows to have a baseline."""
    max_templates: int = 2000
    """Templates kept per stream (LRU); bounds memory."""
    similarity: float = 0.4
    """Drain similarity threshold."""

    def __post_init__(self) -> None:
        if self.rare_max < 1 or self.burst_min < 1 or self.min_windows < 2:
            raise ValueError("rare_max and burst_min must be >= 1 and min_windows >= 2")
        if self.window <= dt.timedelta(0) or self.burst_factor <= 1:
            raise ValueError("window must be positive and burst_factor above 1")


@dataclass(slots=True)
class _Seen:
    """The first occurrence of something, and how often it recurred."""

    event: LogEvent
    count: int = 0


@dataclass(slots=True)
class _Stream:
    """Mining state of one (host, program) stream."""

    miner: TemplateMiner
    total: int = 0
    first: dict[int, _Seen] = field(default_factory=dict)
    windows: dict[tuple[int, int], _Seen] = field(default_factory=dict)
    window_ids: set[int] = field(default_factory=set)


def _miner(settings: AnomalySettings) -> TemplateMiner:
    config = TemplateMinerConfig()
    config.drain_sim_th = settings.similarity
    config.drain_depth = 4
    config.drain_max_children = 100
    config.drain_max_clusters = settings.max_templates
    config.masking_instructions = [MaskingInstruction(p, name) for p, name in _MASKS]
    config.parametrize_numeric_tokens = True
    config.profiling_enabled = False
    return TemplateMiner(persistence_handler=None, config=config)


def _key(event: LogEvent) -> tuple[str, str]:
    f = event.fields
    host = f.get("host") or f.get("Computer") or f.get("cs-host") or event.source
    program = f.get("program") or event.logsource.service or event.logsource.category or "-"
    return host, program


def _text(event: LogEvent) -> str:
    return (event.fields.get("message") or event.raw)[:_MAX_TEXT]


def _version() -> str:
    try:
        return f"drain3-{importlib.metadata.version('drain3')}"
    except importlib.metadata.PackageNotFoundError:
        return "drain3"


def _mine(events: Iterable[LogEvent], settings: AnomalySettings) -> dict[tuple[str, str], _Stream]:
    streams: dict[tuple[str, str], _Stream] = {}
    window = settings.window.total_seconds()
    for event in events:
        key = _key(event)
        stream = streams.get(key)
        if stream is None:
            stream = streams[key] = _Stream(_miner(settings))
        cluster = stream.miner.add_log_message(_text(event))["cluster_id"]
        stream.total += 1
        stream.first.setdefault(cluster, _Seen(event)).count += 1
        if event.ts is not None:
            slot = int(event.ts.timestamp() // window)
            stream.window_ids.add(slot)
            stream.windows.setdefault((cluster, slot), _Seen(event)).count += 1
    return streams


def _template(stream: _Stream, cluster: int) -> str:
    for c in stream.miner.drain.clusters:
        if c.cluster_id == cluster:
            return truncate(redact_known_patterns(c.get_template()), _EVIDENCE)
    return ""


def _finding(
    rule: str, title: str, message: str, severity: Severity, seen: _Seen, parts: tuple[str, ...],
    properties: dict[str, object],
) -> Finding:  # fmt: skip
    event = seen.event
    return Finding(
        analyser=ANALYSER_ID,
        analyser_version=_version(),
        rule_id=rule,
        title=title,
        message=message,
        severity=severity,
        confidence=Confidence.LOW,
        location=Location(path=event.source, start_line=event.position, end_line=event.position),
        fingerprint=make_fingerprint(rule, event.source, *parts),
        evidence=truncate(redact_known_patterns(event.raw), _EVIDENCE),
        properties=properties,
    )


def _rare(key: tuple[str, str], stream: _Stream, s: AnomalySettings) -> Iterator[Finding]:
    if stream.total < s.min_stream_events:
        return
    for cluster, seen in stream.first.items():
        if seen.count > s.rare_max:
            continue
        template = _template(stream, cluster)
        yield _finding(
            "anomaly.rare-template",
            "Rare log message",
            f"{key[1]} on {key[0]} logged this message {seen.count} time(s) in "
            f"{stream.total} events: {template}",
            Severity.LOW,
            seen,
            (*key, template),
            {"host": key[0], "program": key[1], "template": template, "count": seen.count,
             "stream_events": stream.total, "score": round(1 - seen.count / stream.total, 4)},
        )  # fmt: skip


def _bursts(key: tuple[str, str], stream: _Stream, s: AnomalySettings) -> Iterator[Finding]:
    if not stream.window_ids:
        return
    span = max(stream.window_ids) - min(stream.window_ids) + 1
    if span < s.min_windows:
        return
    for (cluster, slot), seen in stream.windows.items():
        if seen.count < s.burst_min:
            continue
        baseline = max((stream.first[cluster].count - seen.count) / (span - 1), 1.0)
        if seen.count < s.burst_factor * baseline:
            continue
        strong = seen.count >= 5 * s.burst_factor * baseline
        template = _template(stream, cluster)
        start = dt.datetime.fromtimestamp(slot * s.window.total_seconds(), dt.UTC).isoformat()
        yield _finding(
            "anomaly.burst",
            "Burst of a log message",
            f"{key[1]} on {key[0]} logged this message {seen.count} times in the "
            f"{s.window} from {start}, against a baseline of {baseline:.1f}: {template}",
            Severity.MEDIUM if strong else Severity.LOW,
            seen,
            (*key, template, start),
            {"host": key[0], "program": key[1], "template": template, "count": seen.count,
             "baseline": round(baseline, 3), "window_start": start},
        )  # fmt: skip


def detect_anomalies(
    events: Iterable[LogEvent], settings: AnomalySettings | None = None
) -> list[Finding]:
    """Rare-template and burst findings over ``events`` (any mix of sources)."""
    s = settings or AnomalySettings()
    findings: list[Finding] = []
    for key, stream in _mine(events, s).items():
        findings.extend(_rare(key, stream, s))
        findings.extend(_bursts(key, stream, s))
    return findings
