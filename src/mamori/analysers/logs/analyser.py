"""Logs: Sigma detection, correlation and incidents over authentication, web and Windows logs.

Takes files under a ``logs/`` folder and files named like logs (``*.log``, ``auth.log*``,
``syslog*``, ``secure*``, ``access.log*``, ``audit.log*``, ``*.evtx``, ``*.jsonl``, CloudTrail's
``*CloudTrail*.json[.gz]``). Every file is parsed into
normalised events; Mamori's own rule pack (SSH and Windows logon brute force, password
spraying and success after failures, logins from a new source, sudo abuse, new privileged
users on Linux and Windows, web SQL injection, XSS, path traversal and file inclusion, command
injection, Log4Shell, SSRF, sensitive file probes, scanners, scanning bursts, web login brute
force, web shells, Windows log clearing, shell services, encoded PowerShell, shadow copy
deletion, LSASS dumping) plus any folders given in the ``sigma_rules`` option (SigmaHQ works
unchanged) is evaluated in-process.

Each alert becomes one finding — one per rule, group of entities and time window, never one
per line — with the rule's level as severity, MEDIUM confidence for single rules and HIGH for
correlations, the redacted matching lines as evidence and the events as the trace. Related
alerts (same host, user or source address, close in time) also become one ``incident``
finding whose trace is the whole timeline. Unreadable files, lines that could not be parsed
and rules that could not be loaded are reported as skipped, with reasons.
"""

from __future__ import annotations

import functools
import logging
import re
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from importlib import metadata
from operator import attrgetter
from pathlib import PurePath

from mamori.analysers._gc import paused_gc
from mamori.analysers.interface import Analyser
from mamori.analysers.logs.correlation import Correlator
from mamori.analysers.logs.dedupe import ENTITY_FIELDS, Alert, dedupe
from mamori.analysers.logs.events import LogEvent
from mamori.analysers.logs.incidents import Incident, build_incidents
from mamori.analysers.logs.shards import FileReport, default_workers, match_files, side_by_side
from mamori.analysers.logs.sigma_engine import Match, SigmaEngine
from mamori.analysers.logs.sigma_load import BUILTIN_RULES, RuleFailure, load_rules
from mamori.model import (
    Confidence,
    CweId,
    Finding,
    Location,
    Skipped,
    Target,
    TargetKind,
    TraceStep,
    make_fingerprint,
)
from mamori.redact import redact_known_patterns, truncate

__all__ = ["LogAnalyser", "Pack", "load_pack"]

log = logging.getLogger(__name__)

ANALYSER_ID = "logs"
PACK_VERSION = "1"
_NAMES = re.compile(
    r"(\.log|\.evtx|\.jsonl)$|^(auth\.log|syslog|secure|access\.log|audit\.log)"
    r"|cloudtrail.*\.json(\.gz)?$",
    re.I,
)
_CWE_TAG = re.compile(r"^cwe\.(\d+)$", re.I)
_EVIDENCE_LINES = 5
_SIDE_BY_SIDE = 20_000
"""Matches from which de-duplication and correlation run in two processes (below, a fork
costs more than it saves)."""
_RULE_ID = attrgetter("rule.rule_id")
_DEDUPE_COST = 2
"""De-duplicating a match costs about what correlating two hits does (measured on the bench:
~3.5 µs against 1.5-4.5 µs), for sharing the work between the two processes."""


class Pack:
    """A compiled rule pack: engine, correlator and what failed to load."""

    def __init__(self, folders: Sequence[str]) -> None:
        loaded = load_rules([BUILTIN_RULES, *folders])
        self.engine = SigmaEngine(loaded.rules, loaded.sources)
        self.correlator = Correlator(loaded.correlations)
        self.failures: tuple[RuleFailure, ...] = (
            *loaded.failures,
            *self.engine.failures,
            *self.correlator.failures,
        )
        self.keep = frozenset(ENTITY_FIELDS) | self.correlator.fields
        """Event fields read after matching (entities, correlation fields)."""

    def detect(self, events: Iterable[LogEvent]) -> list[Alert]:
        """Alerts (single-rule, deduplicated, and correlations) for ``events``."""
        with paused_gc():
            return self.alerts(list(self.engine.match(events)))

    def detect_files(
        self, files: Sequence[tuple[str, str]], workers: int = 0
    ) -> tuple[list[Alert], list[FileReport]]:
        """Alerts for log files ((path, display) pairs), read on ``workers`` processes (0: one
        per core), and how each file went. Same alerts as :meth:`detect` over the files read
        in turn (see :mod:`.shards`)."""
        workers = workers or default_workers()
        with paused_gc():
            matches, reports = match_files(self.engine, files, self.keep, workers)
            alerts = self.alerts(matches, workers)
            # Freed before the collector is back on: its first pass would walk every matched
            # event (a tenth of a second on the bench) only to find them garbage.
            del matches
        return alerts, reports

    def alerts(self, matches: list[Match], workers: int = 1) -> list[Alert]:
        """De-duplicated single-rule alerts and correlation alerts for ``matches``; with more
        than one worker and many matches, de-duplication runs in a forked child meanwhile."""
        silent, correlator = self.correlator.silent, self.correlator
        if workers <= 1 or len(matches) < _SIDE_BY_SIDE:
            alerts = dedupe(m for m in matches if m.rule.rule_id not in silent)
            return alerts + correlator.run(matches)
        counts = Counter(map(_RULE_ID, matches))
        single = sum(n for key, n in counts.items() if key not in silent)
        here, there = correlator.split(counts, (0, _DEDUPE_COST * single))

        def child() -> tuple[list[Alert], dict[int, list[Alert]]]:
            deduped = dedupe(m for m in matches if m.rule.rule_id not in silent)
            return deduped, correlator.run_plans(matches, there)

        mine, (alerts, theirs) = side_by_side(
            lambda: correlator.run_plans(matches, here), child, workers
        )
        every = mine | theirs
        return alerts + [a for i in sorted(every) for a in every[i]]


@functools.lru_cache(maxsize=4)
def load_pack(folders: tuple[str, ...] = ()) -> Pack:
    """The built-in pack plus ``folders``, compiled once per worker."""
    return Pack(folders)


class LogAnalyser(Analyser):
    """Sigma-based log detection (see module docstring)."""

    id = ANALYSER_ID
    kinds = frozenset({TargetKind.FILE, TargetKind.LOG})
    cwes = frozenset({CweId(89), CweId(79), CweId(22)})

    @property
    def version(self) -> str:
        return f"pysigma-{_sigma_version()}+pack-{PACK_VERSION}"

    def accepts(self, target: Target) -> bool:
        if target.kind not in self.kinds:
            return False
        path = PurePath(target.locator)
        return "logs" in path.parts[:-1] or bool(_NAMES.search(path.name))

    def analyse(self, targets: Sequence[Target]) -> Iterator[Finding | Skipped]:
        folders = self.settings.option("sigma_rules", ()) or ()
        pack = load_pack(
            tuple(str(f) for f in ([folders] if isinstance(folders, str) else folders))
        )
        for failure in pack.failures:
            yield Skipped(f"{failure.source}: {failure.title}".strip(": "), failure.reason, self.id)
        alerts, reports = pack.detect_files([(t.locator, t.name) for t in targets])
        for report in reports:
            if report.error:
                yield Skipped(report.display, report.error, self.id)
            elif report.stats is not None and report.stats.bad:
                stats = report.stats
                where = ", ".join(str(p) for p in stats.first_bad)
                yield Skipped(
                    report.display,
                    f"{stats.bad} of {stats.bad + stats.events} lines could not be parsed"
                    + (f" (first at {where})" if where else ""),
                    self.id,
                )
        for alert in alerts:
            yield self._alert_finding(alert)
        for incident in build_incidents(alerts):
            yield self._incident_finding(incident)

    def _alert_finding(self, alert: Alert) -> Finding:
        first = alert.events[0] if alert.events else None
        group = ", ".join(f"{k}={v}" for k, v in alert.group) or "no entity"
        return Finding(
            analyser=self.id,
            analyser_version=self.version,
            rule_id=alert.rule_id,
            title=alert.title,
            message=truncate(
                f"{alert.title}: {alert.count} event(s) for {group}"
                f" between {_iso(alert.first_seen)} and {_iso(alert.last_seen)}.",
                300,
            ),
            severity=alert.severity,
            confidence=Confidence.HIGH if alert.correlation else Confidence.MEDIUM,
            location=_location(first),
            fingerprint=make_fingerprint(
                self.id,
                alert.rule_id,
                *(f"{k}={v}" for k, v in alert.group),
                _iso(alert.first_seen),
            ),
            cwe=_cwes(alert.tags),
            evidence=_evidence(alert.events),
            trace=tuple(_step(e, alert.title) for e in alert.events),
            help_uri=alert.references[0] if alert.references else "",
            properties=_alert_properties(alert),
        )

    def _incident_finding(self, incident: Incident) -> Finding:
        first = incident.alerts[0]
        names = ", ".join(incident.entities[:6])
        return Finding(
            analyser=self.id,
            analyser_version=self.version,
            rule_id="incident",
            title="Incident: related log alerts",
            message=truncate(
                f"{len(incident.alerts)} related alerts involving {names}, from "
                f"{_iso(incident.first_seen)} to {_iso(incident.last_seen)}: "
                + "; ".join(dict.fromkeys(a.title for a in incident.alerts)),
                400,
            ),
            severity=incident.severity,
            confidence=Confidence.HIGH,
            location=_location(first.events[0] if first.events else None),
            fingerprint=make_fingerprint(self.id, "incident", incident.id),
            evidence=_evidence(tuple(a.events[0] for a in incident.alerts if a.events)),
            trace=tuple(
                _step(a.events[0], f"{_iso(a.first_seen)} {a.title} (x{a.count})")
                for a in incident.alerts
                if a.events
            ),
            properties={
                "incident_id": incident.id,
                "attack_techniques": list(incident.techniques),
                "entities": list(incident.entities),
                "first_seen": _iso(incident.first_seen),
                "last_seen": _iso(incident.last_seen),
                "alerts": [
                    {
                        "rule_id": a.rule_id,
                        "title": a.title,
                        "first_seen": _iso(a.first_seen),
                        "count": a.count,
                    }
                    for a in incident.alerts
                ],
            },  # fmt: skip
        )


@functools.cache
def _sigma_version() -> str:
    try:
        return metadata.version("pysigma")
    except metadata.PackageNotFoundError:
        return "unknown"


def _alert_properties(alert: Alert) -> dict[str, object]:
    return {
        "attack_techniques": list(alert.techniques),
        "group_key": dict(alert.group),
        "first_seen": _iso(alert.first_seen),
        "last_seen": _iso(alert.last_seen),
        "count": alert.count,
        "correlation": alert.correlation,
        "sigma_tags": list(alert.tags),
    }


def _iso(when: object) -> str:
    return when.isoformat() if hasattr(when, "isoformat") else "unknown time"


def _location(event: LogEvent | None) -> Location:
    if event is None:
        return Location()
    return Location(path=event.source, start_line=event.position, end_line=event.position)


def _step(event: LogEvent, note: str) -> TraceStep:
    return TraceStep(_location(event), truncate(note, 200))


def _evidence(events: Sequence[LogEvent]) -> str:
    lines = (truncate(redact_known_patterns(e.raw), 300) for e in events[:_EVIDENCE_LINES])
    return "\n".join(lines)


def _cwes(tags: Sequence[str]) -> tuple[CweId, ...]:
    found = (_CWE_TAG.match(t) for t in tags)
    return tuple(dict.fromkeys(CweId(int(m.group(1))) for m in found if m))
