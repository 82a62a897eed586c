"""Sigma 2.0 correlation rules: event_count, value_count, temporal and temporal_ordered.

Matches of the referenced rules are grouped by the ``group-by`` fields (through ``aliases``
when the rules name a field differently) and slid through a window of ``timespan``. When the
condition holds, an alert opens with the events in the window; later hits that keep the
condition true within ``timespan`` of the last one join the same alert, so one attack burst is
one alert. A correlation may refer to another correlation: the lower one's alerts are its hits
(``success after many failures`` = brute force, then a successful login from the same address).

Base rules referenced only by correlations that do not set ``generate: true`` are not
reported on their own (Sigma 2.0 semantics); correlation alerts always are.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
from collections import Counter, defaultdict, deque
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import NamedTuple

from sigma.correlations import (
    SigmaCorrelationCondition,
    SigmaCorrelationConditionOperator,
    SigmaCorrelationRule,
    SigmaCorrelationType,
)

from mamori.analysers.logs.dedupe import SAMPLE_LIMIT, Alert
from mamori.analysers.logs.events import LogEvent
from mamori.analysers.logs.sigma_engine import Match, rule_key, severity_of
from mamori.analysers.logs.sigma_load import RuleFailure
from mamori.model import Severity

__all__ = ["Correlator", "Hit"]

log = logging.getLogger(__name__)

_SUPPORTED = frozenset(
    {
        SigmaCorrelationType.EVENT_COUNT,
        SigmaCorrelationType.VALUE_COUNT,
        SigmaCorrelationType.TEMPORAL,
        SigmaCorrelationType.TEMPORAL_ORDERED,
    }
)
_OPS: dict[SigmaCorrelationConditionOperator, Callable[[float, float], bool]] = {
    SigmaCorrelationConditionOperator.GT: lambda a, b: a > b,
    SigmaCorrelationConditionOperator.GTE: lambda a, b: a >= b,
    SigmaCorrelationConditionOperator.EQ: lambda a, b: a == b,
    SigmaCorrelationConditionOperator.NEQ: lambda a, b: a != b,
}


class Hit(NamedTuple):
    """One input to a correlation: a rule match, or an alert of a lower correlation.

    A named tuple rather than a frozen dataclass: one is made per matching event, and building
    a tuple costs a fraction of a frozen dataclass's ``__init__``.
    """

    ref: str
    """Key (id or slug) of the rule it came from."""
    ts: dt.datetime
    """When it happened."""
    fields: Mapping[str, str]
    """Fields to group and count on."""
    events: tuple[LogEvent, ...]
    """The events behind it."""


class Correlator:
    """Evaluate a set of correlation rules over rule matches."""

    def __init__(self, rules: Sequence[SigmaCorrelationRule]) -> None:
        self.rules: list[SigmaCorrelationRule] = []
        """Supported correlation rules, each after the rules it refers to."""
        self.failures: list[RuleFailure] = []
        """Unsupported correlation rules, with reasons."""
        for rule in rules:
            reason = _unsupported(rule)
            if reason:
                self.failures.append(RuleFailure("", rule.title, reason))
            else:
                self.rules.append(rule)
        self.needed = frozenset(rule_key(ref.rule) for r in self.rules for ref in r.rules or ())
        """Keys of the rules whose matches correlations consume."""
        generated = {rule_key(ref.rule) for r in self.rules if r.generate for ref in r.rules or ()}
        self.silent = self.needed - generated - {rule_key(r) for r in self.rules}
        """Detection rules not reported on their own (referenced, ``generate`` unset)."""
        self.fields = frozenset(
            {name for r in self.rules for pairs in _group_fields(r).values() for p in pairs
             for name in p}
            | {str(r.condition.fieldref) for r in self.rules
               if isinstance(r.condition, SigmaCorrelationCondition)
               and isinstance(r.condition.fieldref, str)}
        )  # fmt: skip
        """Event fields the correlations read (group-by fields, their aliases, counted fields)."""

    def run(self, matches: Iterable[Match]) -> list[Alert]:
        """Every correlation alert for ``matches``."""
        hits: dict[str, list[Hit]] = defaultdict(list)
        needed = self.needed
        for m in matches:
            key, event = m.rule.rule_id, m.event
            if key in needed and event.ts is not None:
                hits[key].append(Hit(key, event.ts, event.fields, (event,)))
        alerts: list[Alert] = []
        for rule in self.rules:
            fired = _evaluate(rule, hits)
            key = rule_key(rule)
            hits[key] = [_as_hit(key, a) for a in fired if a.last_seen is not None]
            alerts.extend(fired)
        return alerts


def _unsupported(rule: SigmaCorrelationRule) -> str:
    if rule.type not in _SUPPORTED:
        return f"correlation type {rule.type.name.lower()} is not supported"
    if not isinstance(rule.condition, SigmaCorrelationCondition) or not rule.rules:
        return "extended correlation conditions are not supported"
    cond = rule.condition
    if rule.type in (SigmaCorrelationType.EVENT_COUNT, SigmaCorrelationType.VALUE_COUNT):
        if cond.op not in _OPS:
            return f"condition {cond.op.name.lower()} cannot fire while events stream"
    if rule.type is SigmaCorrelationType.VALUE_COUNT and not isinstance(cond.fieldref, str):
        return "value_count needs one condition field"
    return ""


def _as_hit(key: str, alert: Alert) -> Hit:
    assert alert.last_seen is not None  # noqa: S101 - filtered by the caller
    return Hit(key, alert.last_seen, dict(alert.group), alert.events)


def _group_fields(rule: SigmaCorrelationRule) -> dict[str, tuple[tuple[str, str], ...]]:
    """Per referenced rule key: (group-by name, field that rule spells it as) pairs."""
    spec: dict[str, tuple[tuple[str, str], ...]] = {}
    for ref in rule.rules or ():
        pairs = []
        for name in rule.group_by or ():
            alias = rule.aliases.aliases.get(name)
            actual = name
            if alias is not None:
                actual = next(
                    (f for r, f in alias.mapping.items() if r.reference == ref.reference), name
                )
            pairs.append((name, actual))
        spec.setdefault(rule_key(ref.rule), tuple(pairs))
    return spec


def _evaluate(rule: SigmaCorrelationRule, hits: Mapping[str, list[Hit]]) -> list[Alert]:
    refs = [rule_key(ref.rule) for ref in rule.rules or ()]
    spec = _group_fields(rule)
    groups: dict[tuple[tuple[str, str], ...], list[Hit]] = defaultdict(list)
    for ref in dict.fromkeys(refs):
        pairs = spec[ref]
        if len(pairs) == 1:  # the usual case: one group-by field, keyed by its value alone
            (name, actual), by_value = pairs[0], defaultdict(list)
            for hit in hits.get(ref, ()):
                by_value[hit.fields.get(actual, "")].append(hit)
            for value, members in by_value.items():
                groups[((name, value),)].extend(members)
            continue
        for hit in hits.get(ref, ()):
            fields = hit.fields
            groups[tuple([(name, fields.get(actual, "")) for name, actual in pairs])].append(hit)
    least = _fewest_hits(rule, refs)
    alerts: list[Alert] = []
    for group, members in groups.items():
        if len(members) >= least:
            members.sort(key=lambda h: h.ts)
            alerts.extend(_slide(rule, refs, group, members))
    return alerts


def _fewest_hits(rule: SigmaCorrelationRule, refs: list[str]) -> int:
    """The fewest hits one group needs before the rule's condition can hold.

    Most groups (one source address that failed once) have fewer and are never slid.
    """
    cond = rule.condition
    if rule.type in (SigmaCorrelationType.TEMPORAL, SigmaCorrelationType.TEMPORAL_ORDERED):
        return len(set(refs))
    if not isinstance(cond, SigmaCorrelationCondition):
        return 1
    if cond.op is SigmaCorrelationConditionOperator.GT:
        return max(1, math.floor(cond.count) + 1)
    if cond.op in (SigmaCorrelationConditionOperator.GTE, SigmaCorrelationConditionOperator.EQ):
        return max(1, math.ceil(cond.count))
    return 1


class _Window:
    """The hits of one group within ``timespan`` of the newest, with the counts a type needs."""

    __slots__ = ("fieldref", "hits", "refs", "span", "values")

    def __init__(self, span: dt.timedelta, fieldref: str, by_ref: bool) -> None:
        self.span = span
        self.fieldref = fieldref
        self.hits: deque[Hit] = deque()
        self.values: Counter[str] | None = Counter() if fieldref else None
        self.refs: Counter[str] | None = Counter() if by_ref else None

    def push(self, hit: Hit) -> None:
        hits = self.hits
        hits.append(hit)
        if self.values is None and self.refs is None:
            oldest = hit.ts - self.span
            while hits[0].ts < oldest:
                hits.popleft()
            return
        self._count(hit, 1)
        while hit.ts - hits[0].ts > self.span:
            self._count(hits.popleft(), -1)

    def _count(self, hit: Hit, step: int) -> None:
        if self.refs is not None:
            self.refs[hit.ref] += step
        if self.values is not None:
            value = hit.fields.get(self.fieldref, "")
            if value:
                self.values[value] += step
                if not self.values[value]:
                    del self.values[value]


class _Building:
    """A correlation alert while hits keep joining it (turned into an :class:`Alert` once)."""

    __slots__ = ("count", "events", "first", "last")

    def __init__(self, window: Sequence[Hit]) -> None:
        self.events = [e for h in window for e in h.events][:SAMPLE_LIMIT]
        self.first: dt.datetime | None = window[0].ts
        self.last: dt.datetime = window[-1].ts
        self.count = len(window)

    def extend(self, hit: Hit) -> None:
        for event in hit.events:
            if len(self.events) < SAMPLE_LIMIT:
                self.events.append(event)
            if event.ts is not None and (self.first is None or event.ts < self.first):
                self.first = event.ts
        self.count += 1
        self.last = hit.ts

    def alert(self, rule: SigmaCorrelationRule, group: tuple[tuple[str, str], ...]) -> Alert:
        return Alert(
            rule_id=rule_key(rule),
            title=rule.title,
            severity=severity_of(rule.level.name if rule.level else "", Severity.HIGH),
            tags=tuple(str(t) for t in rule.tags),
            correlation=rule.type.name.lower(),
            group=tuple(sorted(group)),
            first_seen=self.first,
            last_seen=self.last,
            count=self.count,
            events=tuple(self.events),
            description=rule.description or "",
            references=tuple(rule.references),
        )


def _slide(
    rule: SigmaCorrelationRule,
    refs: list[str],
    group: tuple[tuple[str, str], ...],
    members: list[Hit],
) -> list[Alert]:
    cond = rule.condition
    assert isinstance(cond, SigmaCorrelationCondition)  # noqa: S101 - checked at construction
    span = dt.timedelta(seconds=rule.timespan.seconds)
    kind = rule.type
    fieldref = str(cond.fieldref) if isinstance(cond.fieldref, str) else ""
    window = _Window(span, fieldref if kind is SigmaCorrelationType.VALUE_COUNT else "",
                     kind is SigmaCorrelationType.TEMPORAL)  # fmt: skip
    holds = _condition(kind, cond, refs, window)
    built: list[_Building] = []
    current: _Building | None = None
    for hit in members:
        window.push(hit)
        if not holds(hit):
            continue
        if current is not None and hit.ts - current.last <= span:
            current.extend(hit)
            continue
        current = _Building(window.hits)
        built.append(current)
    return [b.alert(rule, group) for b in built]


def _condition(
    kind: SigmaCorrelationType,
    cond: SigmaCorrelationCondition,
    refs: list[str],
    window: _Window,
) -> Callable[[Hit], bool]:
    """Whether the correlation's condition holds once ``hit`` has entered ``window``."""
    if kind is SigmaCorrelationType.EVENT_COUNT:
        op, count = _OPS[cond.op], cond.count
        return lambda hit: bool(op(len(window.hits), count))
    if kind is SigmaCorrelationType.VALUE_COUNT:
        op, count = _OPS[cond.op], cond.count
        return lambda hit: bool(op(len(window.values or ()), count))
    if kind is SigmaCorrelationType.TEMPORAL:
        seen = window.refs
        assert seen is not None  # noqa: S101 - a temporal window counts its rules
        return lambda hit: all(seen[r] > 0 for r in refs)
    return lambda hit: hit.ref == refs[-1] and _in_order(refs, window.hits)


def _in_order(refs: list[str], window: Iterable[Hit]) -> bool:
    """Whether hits of ``refs[0]``, ``refs[1]``… occur in that order within ``window``."""
    step = 0
    for hit in window:
        if hit.ref == refs[step]:
            step += 1
            if step == len(refs):
                return True
    return False
