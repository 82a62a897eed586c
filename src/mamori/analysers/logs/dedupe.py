"""Alerts, and deduplication: one alert per rule, group key and time window.

A rule that matches 5,000 lines of one scan is one alert with ``count=5000``, the first and
last time seen and a few sample events — not 5,000 alerts. Matches of one rule are grouped by
the entities the event names (host, user, source address); a group's alert stays open while
matches keep arriving within ``window`` of the previous one, so an attack that pauses for
longer than the window is reported twice, each with its own first/last seen.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from operator import attrgetter
from typing import cast

from mamori.analysers.logs.events import LogEvent
from mamori.analysers.logs.sigma_engine import CompiledRule, Match, techniques
from mamori.model import Severity

__all__ = ["DEFAULT_WINDOW", "ENTITY_FIELDS", "SAMPLE_LIMIT", "Alert", "dedupe", "entities"]

DEFAULT_WINDOW = dt.timedelta(hours=1)
"""Gap after which matches of one rule and group start a new alert."""

SAMPLE_LIMIT = 20
"""Most events kept per alert (the first ones; ``count`` has the total)."""

ENTITY_FIELDS: Mapping[str, str] = {
    "host": "host",
    "Computer": "host",
    "src_ip": "ip",
    "c-ip": "ip",
    "IpAddress": "ip",
    "user": "user",
    "TargetUserName": "user",
    "SubjectUserName": "user",
    "cs-username": "user",
    "new_user": "user",
    "acct": "user",
    "addr": "ip",
    "sourceIPAddress": "ip",
    "userIdentity.arn": "user",
}
"""Event fields that name an entity, and the entity kind each names."""

_NOT_ENTITIES = frozenset({"", "-", "?", "n/a", "unknown", "null", "(null)", "::1", "127.0.0.1"})
_ENTITY_NAMES = tuple(sorted(ENTITY_FIELDS))
_ENTITY_SET = frozenset(ENTITY_FIELDS)
_EVENT_TS = attrgetter("event.ts")


@dataclass(frozen=True, slots=True)
class Alert:
    """A rule (or correlation) that fired for one group of entities in one time window."""

    rule_id: str
    """Sigma rule id or title slug."""
    title: str
    """Rule title."""
    severity: Severity
    """From the rule level."""
    tags: tuple[str, ...]
    """Sigma tags of the rule."""
    correlation: str
    """Correlation type (``event_count``…) or empty for a single-rule alert."""
    group: tuple[tuple[str, str], ...]
    """The group key: (field, value) pairs, sorted."""
    first_seen: dt.datetime | None
    """Time of the first contributing event."""
    last_seen: dt.datetime | None
    """Time of the last contributing event."""
    count: int
    """How many events (or lower alerts) contributed."""
    events: tuple[LogEvent, ...] = ()
    """The first contributing events, in time order (at most SAMPLE_LIMIT)."""
    description: str = ""
    """Rule description."""
    references: tuple[str, ...] = field(default=(), compare=False)
    """Where to read more."""

    def __post_init__(self) -> None:
        if self.count < 1:
            raise ValueError(f"alert {self.rule_id} has count {self.count}")

    @property
    def techniques(self) -> tuple[str, ...]:
        """ATT&CK technique ids from the rule's tags."""
        return techniques(self.tags)


def entities(fields: Mapping[str, str]) -> tuple[tuple[str, str], ...]:
    """The (field, value) pairs of ``fields`` that name an entity, sorted."""
    if len(fields) < len(_ENTITY_NAMES):  # few fields (matched events keep few): walk them
        pairs = [
            (name, value)
            for name, value in fields.items()
            if name in _ENTITY_SET and value.lower() not in _NOT_ENTITIES
        ]
        if len(pairs) > 1:
            pairs.sort()
        return tuple(pairs)
    return tuple(  # names in sorted order, each once: the pairs come out sorted
        [
            (name, value)
            for name in _ENTITY_NAMES
            if (value := fields.get(name, "")).lower() not in _NOT_ENTITIES
        ]
    )


class _Open:
    """An alert while matches keep joining it (turned into an :class:`Alert` once)."""

    __slots__ = ("count", "events", "first", "group", "last", "rule")

    def __init__(self, rule: CompiledRule, event: LogEvent, group: tuple[tuple[str, str], ...]):
        self.rule = rule
        self.group = group
        self.first = self.last = event.ts
        self.count = 1
        self.events = [event]

    def absorb(self, event: LogEvent) -> None:
        self.count += 1
        if len(self.events) < SAMPLE_LIMIT:
            self.events.append(event)
        ts = event.ts
        if ts is not None:
            if self.first is None or ts < self.first:
                self.first = ts
            if self.last is None or ts > self.last:
                self.last = ts

    def alert(self) -> Alert:
        rule = self.rule
        return Alert(
            rule_id=rule.rule_id,
            title=rule.title,
            severity=rule.severity,
            tags=rule.tags,
            correlation="",
            group=self.group,
            first_seen=self.first,
            last_seen=self.last,
            count=self.count,
            events=tuple(self.events),
            description=rule.description,
            references=rule.references,
        )


def dedupe(matches: Iterable[Match], window: dt.timedelta = DEFAULT_WINDOW) -> list[Alert]:
    """One alert per rule, group key and window, from matches in any order."""
    open_alerts: dict[tuple[str, tuple[tuple[str, str], ...]], _Open] = {}
    done: list[_Open] = []
    groups: dict[int, tuple[tuple[str, str], ...]] = {}  # by id(event): matches share events

    def key(match: Match) -> tuple[str, tuple[tuple[str, str], ...]]:
        event = match.event
        group = groups.get(id(event))
        if group is None:
            group = groups[id(event)] = entities(event.fields)
        return match.rule.rule_id, group

    timed, untimed = _in_time_order(matches)
    for match in timed:  # the hot loop: _Open.absorb written out for times in order
        event, (rule_id, group) = match.event, key(match)
        current = open_alerts.get((rule_id, group))
        if current is not None:
            ts = cast(dt.datetime, event.ts)  # the timed matches
            last = cast(dt.datetime, current.last)  # opened by a timed match
            if ts - last <= window:
                current.count += 1
                if len(current.events) < SAMPLE_LIMIT:
                    current.events.append(event)
                if ts > last:
                    current.last = ts
                continue
            done.append(current)
        open_alerts[rule_id, group] = _Open(match.rule, event, group)
    for match in untimed:
        rule_id, group = key(match)
        current = open_alerts.get((rule_id, group))
        if current is not None:
            current.absorb(match.event)
        else:
            open_alerts[rule_id, group] = _Open(match.rule, match.event, group)
    done.extend(open_alerts.values())
    return _in_order([o.alert() for o in done])


def _in_time_order(matches: Iterable[Match]) -> tuple[list[Match], list[Match]]:
    """``matches`` with a time, by time (stable), and those without, in their order."""
    matches = matches if isinstance(matches, list) else list(matches)
    timed = [m for m in matches if m.event.ts is not None]
    untimed = [] if len(timed) == len(matches) else [m for m in matches if m.event.ts is None]
    timed.sort(key=_EVENT_TS)
    return timed, untimed


def _in_order(alerts: list[Alert]) -> list[Alert]:
    """``alerts`` by first time seen then rule (stable), those never seen at a time last."""
    timed = [a for a in alerts if a.first_seen is not None]
    timed.sort(key=attrgetter("first_seen", "rule_id"))
    if len(timed) < len(alerts):
        timed += sorted((a for a in alerts if a.first_seen is None), key=attrgetter("rule_id"))
    return timed
