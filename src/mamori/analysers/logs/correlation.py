"""Sigma 2.0 correlation rules: event_count, value_count, temporal and temporal_ordered.

Matches of the referenced rules are grouped by the ``group-by`` fields (through ``aliases``
when the rules name a field differently) and slid through a window of ``timespan``. When the
condition holds, an alert opens with the events in the window; later hits that keep the
condition true within ``timespan`` of the last one join the same alert, so one attack burst is
one alert. A correlation may refer to another correlation: the lower one's alerts are its hits
(``success after many failures`` = brute force, then a successful login from the same address).

Base rules referenced only by correlations that do not set ``generate: true`` are not
reported on their own (Sigma 2.0 semantics); correlation alerts always are.

This runs serially over every match of a scan, so it is written for speed, with the same
results as sliding each hit through a queue: a rule's hits are read once (times, group values)
and shared by every correlation that refers to it; groups too small to fire are never built;
a window is a pair of positions in a group's time-sorted hits, and an alert is built once, from
the positions that held, rather than grown hit by hit.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import math
import operator
from collections import Counter, defaultdict
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from itertools import chain, islice
from typing import NamedTuple, cast

from sigma.correlations import (
    SigmaCorrelationCondition,
    SigmaCorrelationConditionOperator,
    SigmaCorrelationRule,
    SigmaCorrelationType,
)

from mamori.analysers.logs._windows import (
    at_least,
    counted,
    distinct,
    distinct_growing,
    ordered,
    window_start,
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
    SigmaCorrelationConditionOperator.GT: operator.gt,
    SigmaCorrelationConditionOperator.GTE: operator.ge,
    SigmaCorrelationConditionOperator.EQ: operator.eq,
    SigmaCorrelationConditionOperator.NEQ: operator.ne,
}
_AT_LEAST = frozenset({SigmaCorrelationConditionOperator.GT, SigmaCorrelationConditionOperator.GTE})
_TEMPORAL = frozenset({SigmaCorrelationType.TEMPORAL, SigmaCorrelationType.TEMPORAL_ORDERED})
_PLAIN_WINDOW = frozenset({SigmaCorrelationType.EVENT_COUNT, SigmaCorrelationType.TEMPORAL_ORDERED})
"""Types whose window is "not older than newest - timespan" (the others count, and compare
"newest - oldest > timespan": the same for fixed UTC offsets, but each keeps its own)."""


class Hit(NamedTuple):
    """An alert of a lower correlation, as an input to a higher one.

    A rule match enters a correlation as its :class:`LogEvent` itself (the rule is known from
    the list it is in); only a lower correlation's alerts are wrapped.
    """

    ref: str
    """Key (id or slug) of the correlation it came from."""
    ts: dt.datetime
    """When it happened (the alert's last time seen)."""
    fields: Mapping[str, str]
    """Fields to group and count on (the alert's group)."""
    events: tuple[LogEvent, ...]
    """The events behind it."""


_Member = LogEvent | Hit
_Key = tuple[tuple[str, str], ...]
_Value = str | tuple[str, ...]


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
        self._plans = [_Plan(rule) for rule in self.rules]

    def run(self, matches: Iterable[Match]) -> list[Alert]:
        """Every correlation alert for ``matches``."""
        return [a for fired in self.run_plans(matches).values() for a in fired]

    def run_plans(
        self, matches: Iterable[Match], plans: Collection[int] | None = None
    ) -> dict[int, list[Alert]]:
        """The alerts of each correlation rule numbered in ``plans`` (its position in
        :attr:`rules`; every rule by default), in rule order. A rule that reads another
        correlation's alerts must be given with it (see :meth:`split`)."""
        chosen = [i for i in range(len(self._plans)) if plans is None or i in plans]
        needed = {ref for i in chosen for ref in self._plans[i].refs} & self.needed
        hits: dict[str, list[_Member]] = defaultdict(list)
        for m in matches:
            key = m.rule.rule_id
            if key in needed:
                event = m.event
                if event.ts is not None:
                    hits[key].append(event)
        read = {key: _RuleHits(key, found, derived=False) for key, found in hits.items()}
        alerts: dict[int, list[Alert]] = {}
        for i in chosen:
            plan = self._plans[i]
            fired = plan.evaluate(read)
            key = plan.template.rule_id
            lower: list[_Member] = [_as_hit(key, a) for a in fired if a.last_seen is not None]
            read.pop(key, None)
            if lower:
                read[key] = _RuleHits(key, lower, derived=True)
            alerts[i] = fired
        return alerts

    def split(self, counts: Mapping[str, int], start: tuple[int, int] = (0, 0)) -> list[set[int]]:
        """The correlation rules in two parts of about equal work, each closed under "reads
        the alerts of": ``counts`` is how many matches each rule had (a rule's work grows with
        the hits it reads), ``start`` the work each part already has."""
        owner = {plan.template.rule_id: i for i, plan in enumerate(self._plans)}
        parent = list(range(len(self._plans)))

        def root(i: int) -> int:
            while parent[i] != i:
                parent[i] = parent[parent[i]]
                i = parent[i]
            return i

        for i, plan in enumerate(self._plans):
            for ref in plan.refs:
                if ref in owner:
                    parent[root(owner[ref])] = root(i)
        groups: dict[int, list[int]] = defaultdict(list)
        for i in range(len(self._plans)):
            groups[root(i)].append(i)
        weight = {
            r: sum(counts.get(ref, 0) for i in members for ref in self._plans[i].refs)
            for r, members in groups.items()
        }
        parts: list[set[int]] = [set(), set()]
        loads = list(start)
        for r in sorted(groups, key=lambda r: (-weight[r], r)):
            lighter = 0 if loads[0] <= loads[1] else 1
            parts[lighter].update(groups[r])
            loads[lighter] += weight[r]
        return parts


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


class _RuleHits:
    """One rule's hits in match order, and what correlations read of them, each read once."""

    __slots__ = ("derived", "groups", "hits", "key", "ordered", "ts")

    def __init__(self, key: str, hits: list[_Member], derived: bool) -> None:
        self.key = key
        """Key of the rule."""
        self.hits = hits
        """The hits, in match order."""
        self.derived = derived
        """Whether they are a lower correlation's alerts."""
        self.ts = cast(list[dt.datetime], [hit.ts for hit in hits])
        """Their times."""
        self.ordered = all(map(operator.le, self.ts, islice(self.ts, 1, None)))
        """Whether they are already in time order (one log read in turn)."""
        self.groups: dict[tuple[str, ...], tuple[list[_Value], Counter[_Value]]] = {}
        """Per group-by spec: each hit's group value, and how many hits share each value."""

    def group_values(self, fields: tuple[str, ...]) -> tuple[list[_Value], Counter[_Value]]:
        """Each hit's group value (one field's value, or a tuple of several), and their counts."""
        found = self.groups.get(fields)
        if found is None:
            columns: list[list[_Value]] = [
                [hit.fields.get(name, "") for hit in self.hits] for name in fields
            ]
            values: list[_Value]
            if len(columns) == 1:
                values = columns[0]
            else:  # several fields, or none: a tuple of the values
                values = list(zip(*columns, strict=True)) if columns else [()] * len(self.hits)
            found = self.groups[fields] = (values, Counter(values))
        return found


def _gather(values: list[_Value], counts: Counter[_Value], least: int) -> dict[_Value, list[int]]:
    """The positions of the hits of each group with ``least`` hits or more, first-seen order."""
    groups: dict[_Value, list[int]] = {v: [] for v, n in counts.items() if n >= least}
    if not groups:
        return groups
    find = groups.get
    for i, value in enumerate(values):
        members = find(value)
        if members is not None:
            members.append(i)
    return groups


def _merged(
    found: list[_RuleHits],
) -> tuple[list[_Member], list[dt.datetime], list[str] | None, bool]:
    """The hits of several rules one after the other, their times, rules, and if in order."""
    if len(found) == 1:
        return found[0].hits, found[0].ts, None, found[0].ordered
    hits = list(chain.from_iterable(r.hits for r in found))
    tags = list(chain.from_iterable([r.key] * len(r.hits) for r in found))
    return hits, list(chain.from_iterable(r.ts for r in found)), tags, False


def _group_values(
    each: list[tuple[list[_Value], Counter[_Value]]],
) -> tuple[list[_Value], Counter[_Value]]:
    """The group values of several rules' hits one after the other, and their counts."""
    if len(each) == 1:
        return each[0]
    values = list(chain.from_iterable(v for v, _ in each))
    return values, Counter(values)


def _fewest_hits(rule: SigmaCorrelationRule, refs: list[str]) -> int:
    """The fewest hits one group needs before the rule's condition can hold.

    Most groups (one source address that failed once) have fewer and are never slid.
    """
    cond = rule.condition
    if rule.type in _TEMPORAL:
        return len(set(refs))
    if not isinstance(cond, SigmaCorrelationCondition):
        return 1
    if cond.op is SigmaCorrelationConditionOperator.GT:
        return max(1, math.floor(cond.count) + 1)
    if cond.op in (SigmaCorrelationConditionOperator.GTE, SigmaCorrelationConditionOperator.EQ):
        return max(1, math.ceil(cond.count))
    return 1


class _Plan:
    """One correlation rule, prepared once: its references, window, condition and alert."""

    __slots__ = ("cond", "fields", "kind", "least", "names", "refs", "span", "template")

    def __init__(self, rule: SigmaCorrelationRule) -> None:
        cond = rule.condition
        assert isinstance(cond, SigmaCorrelationCondition)  # noqa: S101 - checked at construction
        self.cond = cond
        """The condition (its operator and count; for value_count, the counted field)."""
        self.kind = rule.type
        """Correlation type."""
        self.refs = [rule_key(ref.rule) for ref in rule.rules or ()]
        """Keys of the referenced rules, in the rule's order."""
        spec = _group_fields(rule)
        self.fields = {ref: tuple(field for _, field in pairs) for ref, pairs in spec.items()}
        """Per referenced key: the fields its hits are grouped on (group-by, through aliases)."""
        self.names = tuple(rule.group_by or ())
        """The group-by names, as the alert's group spells them."""
        self.span = dt.timedelta(seconds=rule.timespan.seconds)
        """The window."""
        self.least = _fewest_hits(rule, self.refs)
        """The fewest hits a group needs to be worth sliding."""
        self.template = Alert(
            rule_id=rule_key(rule),
            title=rule.title,
            severity=severity_of(rule.level.name if rule.level else "", Severity.HIGH),
            tags=tuple(str(t) for t in rule.tags),
            correlation=rule.type.name.lower(),
            group=(),
            first_seen=None,
            last_seen=None,
            count=1,
            description=rule.description or "",
            references=tuple(rule.references),
        )
        """The fields every alert of the rule shares."""

    def evaluate(self, read: Mapping[str, _RuleHits]) -> list[Alert]:
        """The rule's alerts over the hits of the rules it refers to, group by group."""
        refs = list(dict.fromkeys(self.refs))
        found = [read[ref] for ref in refs if ref in read]
        every = self.kind in _TEMPORAL
        if not found or (every and len(found) < len(refs)):
            return []  # a rule without hits: no group can hold them all
        hits, ts, tags, ordered = _merged(found)
        values, counts = _group_values([r.group_values(self.fields[r.key]) for r in found])
        derived = any(r.derived for r in found)
        alerts: list[Alert] = []
        for value, positions in _gather(values, counts, self.least).items():
            if not ordered:
                positions.sort(key=ts.__getitem__)  # stable: equal times keep rule, match order
            rules = [tags[i] for i in positions] if tags else None
            if rules and every and len(set(rules)) < len(refs):
                continue
            times = list(map(ts.__getitem__, positions))
            members = list(map(hits.__getitem__, positions))
            alerts += self._slide(value, times, members.__getitem__, rules, derived)
        return alerts

    def _slide(
        self,
        value: _Value,
        ts: list[dt.datetime],
        pick: Callable[[int], _Member],
        refs: list[str] | None,
        derived: bool,
    ) -> list[Alert]:
        """Alerts of one group: hit ``i`` is ``pick(i)`` at ``ts[i]`` (in time order)."""
        held = self._held(ts, pick, refs or [self.refs[0]] * len(ts))
        if not held:
            return []
        key = (
            ((self.names[0], value),)
            if isinstance(value, str)
            else tuple(zip(self.names, value, strict=True))
        )
        group, span, alerts = tuple(sorted(key)), self.span, []
        if ts[held[-1]] - ts[held[0]] <= span:  # no gap: one alert (the common case)
            return [self._alert(group, ts, pick, held, derived)]
        start, n = 0, len(held)
        while start < n:
            end = start + 1
            while end < n and ts[held[end]] - ts[held[end - 1]] <= span:
                end += 1  # within timespan of the last hit that held: joins the open alert
            alerts.append(self._alert(group, ts, pick, held[start:end], derived))
            start = end
        return alerts

    def _held(
        self, ts: list[dt.datetime], pick: Callable[[int], _Member], refs: list[str]
    ) -> list[int]:
        """Indices of the hits after which the condition holds on their window."""
        cond, kind, span = self.cond, self.kind, self.span
        if kind is SigmaCorrelationType.EVENT_COUNT:
            if cond.op in _AT_LEAST:
                return at_least(ts, span, self.least)
            return counted(ts, span, _OPS[cond.op], cond.count)
        if kind is SigmaCorrelationType.VALUE_COUNT:
            name, test = str(cond.fieldref), _OPS[cond.op]
            values = (pick(i).fields.get(name, "") for i in range(len(ts)))  # read as needed
            if ts[-1] - ts[0] <= span:  # nothing ever leaves the window
                return distinct_growing(values, len(ts), test, cond.count, cond.op in _AT_LEAST)
            return distinct(ts, list(values), span, test, cond.count)
        if kind is SigmaCorrelationType.TEMPORAL:
            return distinct(ts, refs, span, operator.ge, len(set(self.refs)))
        return ordered(ts, refs, span, self.refs)

    def _alert(
        self,
        group: _Key,
        ts: list[dt.datetime],
        pick: Callable[[int], _Member],
        held: list[int],
        derived: bool,
    ) -> Alert:
        """The alert opened by ``held[0]``'s window and joined by the rest of ``held``."""
        start, rest = held[0], held[1:]
        low = window_start(ts, start, self.span, self.kind in _PLAIN_WINDOW)
        first = ts[low]
        if derived:
            first = _earliest(first, map(pick, rest))
        return dataclasses.replace(
            self.template,
            group=group,
            first_seen=first,
            last_seen=ts[held[-1]],
            count=start - low + len(held),
            events=_sample(map(pick, chain(range(low, start + 1), rest))),
        )


def _earliest(first: dt.datetime, hits: Iterable[_Member]) -> dt.datetime:
    """``first``, or an earlier time of an event behind a lower correlation's alert."""
    for hit in hits:
        if isinstance(hit, Hit):
            for event in hit.events:
                if event.ts is not None and event.ts < first:
                    first = event.ts
    return first


def _sample(hits: Iterable[_Member]) -> tuple[LogEvent, ...]:
    """The first :data:`SAMPLE_LIMIT` events behind ``hits``."""
    events: list[LogEvent] = []
    for hit in hits:
        if isinstance(hit, Hit):
            events.extend(hit.events)
        else:
            events.append(hit)
        if len(events) >= SAMPLE_LIMIT:
            break
    return tuple(events[:SAMPLE_LIMIT])
