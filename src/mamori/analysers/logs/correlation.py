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
from collections import Counter, defaultdict, deque
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace

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
_OPS = {
    SigmaCorrelationConditionOperator.GT: lambda a, b: a > b,
    SigmaCorrelationConditionOperator.GTE: lambda a, b: a >= b,
    SigmaCorrelationConditionOperator.EQ: lambda a, b: a == b,
    SigmaCorrelationConditionOperator.NEQ: lambda a, b: a != b,
}


@dataclass(frozen=True, slots=True)
class Hit:
    """One input to a correlation: a rule match, or an alert of a lower correlation."""

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

    def run(self, matches: Iterable[Match]) -> list[Alert]:
        """Every correlation alert for ``matches``."""
        hits: dict[str, list[Hit]] = defaultdict(list)
        for m in matches:
            if m.rule.rule_id in self.needed and m.event.ts is not None:
                hits[m.rule.rule_id].append(
                    Hit(m.rule.rule_id, m.event.ts, m.event.fields, (m.event,))
                )
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


def _group(rule: SigmaCorrelationRule, hit: Hit) -> tuple[tuple[str, str], ...]:
    keys = {ref.reference: rule_key(ref.rule) for ref in rule.rules or ()}
    pairs = []
    for name in rule.group_by or ():
        alias = rule.aliases.aliases.get(name)
        actual = name
        if alias is not None:
            mapped = (f for ref, f in alias.mapping.items() if keys.get(ref.reference) == hit.ref)
            actual = next(mapped, name)
        pairs.append((name, hit.fields.get(actual, "")))
    return tuple(pairs)


def _evaluate(rule: SigmaCorrelationRule, hits: Mapping[str, list[Hit]]) -> list[Alert]:
    refs = [rule_key(ref.rule) for ref in rule.rules or ()]
    groups: dict[tuple[tuple[str, str], ...], list[Hit]] = defaultdict(list)
    for ref in dict.fromkeys(refs):
        for hit in hits.get(ref, ()):
            groups[_group(rule, hit)].append(hit)
    alerts: list[Alert] = []
    for group, members in groups.items():
        members.sort(key=lambda h: h.ts)
        alerts.extend(_slide(rule, refs, group, members))
    return alerts


class _Window:
    """The hits of one group within ``timespan`` of the newest, with running counts."""

    def __init__(self, span: dt.timedelta, fieldref: str) -> None:
        self.span = span
        self.fieldref = fieldref
        self.hits: deque[Hit] = deque()
        self.values: Counter[str] = Counter()
        self.refs: Counter[str] = Counter()

    def push(self, hit: Hit) -> None:
        self.hits.append(hit)
        self._count(hit, 1)
        while hit.ts - self.hits[0].ts > self.span:
            self._count(self.hits.popleft(), -1)

    def _count(self, hit: Hit, step: int) -> None:
        self.refs[hit.ref] += step
        value = hit.fields.get(self.fieldref, "") if self.fieldref else ""
        if value:
            self.values[value] += step
            if not self.values[value]:
                del self.values[value]


def _slide(
    rule: SigmaCorrelationRule,
    refs: list[str],
    group: tuple[tuple[str, str], ...],
    members: list[Hit],
) -> list[Alert]:
    cond = rule.condition
    assert isinstance(cond, SigmaCorrelationCondition)  # noqa: S101 - checked at construction
    span = dt.timedelta(seconds=rule.timespan.seconds)
    window = _Window(span, str(cond.fieldref) if isinstance(cond.fieldref, str) else "")
    alerts: list[Alert] = []
    current: Alert | None = None
    for hit in members:
        window.push(hit)
        if not _holds(rule, cond, refs, window, hit):
            continue
        if (
            current is not None
            and current.last_seen is not None
            and hit.ts - current.last_seen <= span
        ):
            current = _extend(current, hit)
            continue
        if current is not None:
            alerts.append(current)
        current = _open(rule, group, list(window.hits))
    if current is not None:
        alerts.append(current)
    return alerts


def _holds(
    rule: SigmaCorrelationRule,
    cond: SigmaCorrelationCondition,
    refs: list[str],
    window: _Window,
    hit: Hit,
) -> bool:
    if rule.type is SigmaCorrelationType.EVENT_COUNT:
        return bool(_OPS[cond.op](len(window.hits), cond.count))
    if rule.type is SigmaCorrelationType.VALUE_COUNT:
        return bool(_OPS[cond.op](len(window.values), cond.count))
    if rule.type is SigmaCorrelationType.TEMPORAL:
        return all(window.refs[r] > 0 for r in refs)
    return hit.ref == refs[-1] and _in_order(refs, window.hits)


def _in_order(refs: list[str], window: Iterable[Hit]) -> bool:
    """Whether hits of ``refs[0]``, ``refs[1]``… occur in that order within ``window``."""
    step = 0
    for hit in window:
        if hit.ref == refs[step]:
            step += 1
            if step == len(refs):
                return True
    return False


def _open(
    rule: SigmaCorrelationRule, group: tuple[tuple[str, str], ...], window: list[Hit]
) -> Alert:
    events = tuple(e for h in window for e in h.events)
    return Alert(
        rule_id=rule_key(rule),
        title=rule.title,
        severity=severity_of(rule.level.name if rule.level else "", Severity.HIGH),
        tags=tuple(str(t) for t in rule.tags),
        correlation=rule.type.name.lower(),
        group=tuple(sorted(group)),
        first_seen=window[0].ts,
        last_seen=window[-1].ts,
        count=len(window),
        events=events[:SAMPLE_LIMIT],
        description=rule.description or "",
        references=tuple(rule.references),
    )


def _extend(alert: Alert, hit: Hit) -> Alert:
    extended = alert
    for event in hit.events:
        extended = extended.absorb(event)
    return replace(extended, count=alert.count + 1, last_seen=hit.ts)
