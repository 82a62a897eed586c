"""Incidents: alerts about the same entities, close in time, told as one story.

Two alerts belong to one incident when they name a common entity — a host, a user or a source
address — and their time ranges lie within ``gap`` of each other; the relation is transitive
(a brute force from 203.0.113.9 on ``web1``, then a root shell by ``deploy`` on ``web1``,
then a new sudoer created by ``deploy``). An incident carries the ordered timeline of its
alerts, every ATT&CK technique their rules are tagged with, and the highest severity.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from mamori.analysers.logs.dedupe import ENTITY_FIELDS, Alert, entities
from mamori.model import Severity, make_fingerprint

__all__ = ["DEFAULT_GAP", "Incident", "build_incidents", "alert_entities"]

DEFAULT_GAP = dt.timedelta(hours=2)
"""Largest quiet time between two alerts of one incident."""


@dataclass(frozen=True, slots=True)
class Incident:
    """Related alerts, in time order."""

    id: str
    """Stable id derived from the first alert and the entities."""
    alerts: tuple[Alert, ...]
    """The alerts, ordered by first seen (the timeline)."""
    entities: tuple[str, ...]
    """Entities involved, as ``kind:value`` (``ip:203.0.113.9``), sorted."""
    techniques: tuple[str, ...]
    """ATT&CK techniques of every alert, in timeline order, without duplicates."""
    severity: Severity
    """Highest alert severity."""
    first_seen: dt.datetime | None
    """Start of the earliest alert."""
    last_seen: dt.datetime | None
    """End of the latest alert."""

    def __post_init__(self) -> None:
        if len(self.alerts) < 2:
            raise ValueError("an incident needs at least two alerts")


def alert_entities(alert: Alert) -> frozenset[str]:
    """``kind:value`` entities named by the alert's group key and its events."""
    pairs = set(alert.group)
    for event in alert.events:
        pairs.update(entities(event.fields))
    return frozenset(f"{ENTITY_FIELDS.get(k, k)}:{v}" for k, v in pairs if k in ENTITY_FIELDS)


def _span(alert: Alert) -> tuple[dt.datetime, dt.datetime] | None:
    if alert.first_seen is None or alert.last_seen is None:
        return None
    return alert.first_seen, alert.last_seen


def build_incidents(alerts: Sequence[Alert], gap: dt.timedelta = DEFAULT_GAP) -> list[Incident]:
    """Group ``alerts`` into incidents of two or more; lone alerts form none."""
    parent = list(range(len(alerts)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    names = [alert_entities(a) for a in alerts]
    by_entity: dict[str, list[int]] = {}
    for i, found in enumerate(names):
        for name in found:
            by_entity.setdefault(name, []).append(i)
    for members in by_entity.values():
        _sweep(sorted(members, key=lambda i: _when(alerts[i])), alerts, gap, find, parent)
    groups: dict[int, list[int]] = {}
    for i in range(len(alerts)):
        groups.setdefault(find(i), []).append(i)
    incidents = [_incident([alerts[i] for i in g], names, g) for g in groups.values() if len(g) > 1]
    return sorted(incidents, key=lambda inc: (_when(inc.alerts[0]), inc.id))


def _sweep(
    members: list[int],
    alerts: Sequence[Alert],
    gap: dt.timedelta,
    find: Callable[[int], int],
    parent: list[int],
) -> None:
    """Join alerts of one entity whose time ranges come within ``gap`` (sorted by start)."""
    undated = [i for i in members if _span(alerts[i]) is None]
    for i in undated[1:]:
        parent[find(i)] = find(undated[0])
    previous, reach = -1, dt.datetime.min.replace(tzinfo=dt.UTC)
    for i in members:
        span = _span(alerts[i])
        if span is None:
            continue
        if previous >= 0 and span[0] - gap <= reach:
            parent[find(i)] = find(previous)
        reach = max(reach, span[1]) if previous >= 0 else span[1]
        previous = i


def _incident(members: list[Alert], names: list[frozenset[str]], index: list[int]) -> Incident:
    ordered = tuple(sorted(members, key=_when))
    involved = tuple(sorted(frozenset().union(*(names[i] for i in index))))
    techniques = tuple(dict.fromkeys(t for a in ordered for t in a.techniques))
    starts = [a.first_seen for a in ordered if a.first_seen is not None]
    ends = [a.last_seen for a in ordered if a.last_seen is not None]
    first = ordered[0]
    return Incident(
        id=make_fingerprint("incident", first.rule_id, str(first.first_seen), *involved),
        alerts=ordered,
        entities=involved,
        techniques=techniques,
        severity=max(a.severity for a in ordered),
        first_seen=min(starts) if starts else None,
        last_seen=max(ends) if ends else None,
    )


def _when(alert: Alert) -> tuple[bool, dt.datetime, str]:
    return (alert.first_seen is None, alert.first_seen or dt.datetime.min, alert.rule_id)
