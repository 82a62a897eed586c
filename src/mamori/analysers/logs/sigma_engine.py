"""Evaluate Sigma detection rules in-process, at speed.

Rules are compiled once into Python predicates (see :mod:`._sigma_compile`) and indexed by
the event's *dispatch key* — product, service, category, Windows channel, EventID and program.
The first event with a given key decides which rules can apply to it (log source, plus the
EventIDs a rule's condition requires); every later event with the same key reuses that list,
so a Security 4625 event is only tried against the handful of rules about 4625.

The plan for a key is cached under the key as the event spells it (before lower-casing), so
the common case costs one tuple and one dict look-up.

This was measured against the alternative the brief names — compiling rules to SQL over an
in-memory SQLite table (what Zircolite does): see ``bench/logs.py``. Streaming the events once
through indexed predicates avoids loading a table and scanning it once per rule.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import islice, repeat
from operator import attrgetter
from typing import NamedTuple, cast

from sigma.exceptions import SigmaError
from sigma.pipelines.common import windows_logsource_mapping
from sigma.rule import SigmaRule, SigmaRuleBase

from mamori.analysers.logs._sigma_compile import (
    Doc,
    Gates,
    Predicate,
    UnsupportedRule,
    compile_condition,
    fields_read,
    gate,
    renamed,
    required_event_ids,
)
from mamori.analysers.logs._sigma_index import Plan
from mamori.analysers.logs.events import LogEvent, LogSource
from mamori.analysers.logs.ingest._native import loops
from mamori.analysers.logs.sigma_load import (
    RuleFailure,
    Scope,
    mapped_rule,
    renames,
    variants,
)
from mamori.model import Severity

__all__ = [
    "BATCH",
    "CompiledRule",
    "Match",
    "SigmaEngine",
    "rule_key",
    "severity_of",
    "techniques",
]

log = logging.getLogger(__name__)

BATCH = 512
"""Most events matched together (see :meth:`SigmaEngine.match`)."""

_LEVELS = {
    "informational": Severity.INFO,
    "low": Severity.LOW,
    "medium": Severity.MEDIUM,
    "high": Severity.HIGH,
    "critical": Severity.CRITICAL,
}

_AUTH_PROGRAMS = frozenset(
    {"sshd", "sudo", "su", "login", "passwd", "useradd", "usermod", "userdel", "groupadd",
     "groupmod", "gpasswd", "chpasswd", "systemd-logind", "cron", "crond", "polkitd", "pam",
     "unix_chkpwd", "auth", "chage", "chsh", "adduser", "deluser"}
)  # fmt: skip
"""Programs whose events belong to the ``auth`` service of Sigma's Linux taxonomy."""

_CHANNEL_SERVICE: dict[str, str] = {}
for _service, _channels in windows_logsource_mapping.items():
    for _channel in [_channels] if isinstance(_channels, str) else _channels:
        _CHANNEL_SERVICE.setdefault(_channel.lower(), _service)

_TECHNIQUE = re.compile(r"^attack\.(t\d{4}(?:\.\d{3})?)$")


def techniques(tags: Iterable[str]) -> tuple[str, ...]:
    """ATT&CK technique ids (``T1110.001``) named by Sigma tags (``attack.t1110.001``)."""
    found = (_TECHNIQUE.match(t.lower()) for t in tags)
    return tuple(dict.fromkeys(m.group(1).upper() for m in found if m))


def severity_of(level: str, default: Severity = Severity.MEDIUM) -> Severity:
    """The severity of a Sigma level name (``high``); ``default`` when there is none."""
    return _LEVELS.get(level.lower(), default)


def rule_key(rule: SigmaRuleBase) -> str:
    """The id Mamori reports a rule under: its UUID, or a slug of its title."""
    if rule.id is not None:
        return str(rule.id)
    return re.sub(r"[^a-z0-9]+", "-", rule.title.lower()).strip("-") or "untitled"


@dataclass(frozen=True, slots=True)
class CompiledRule:
    """One rule variant ready to evaluate."""

    rule_id: str
    """Sigma id (UUID) or title slug."""
    name: str
    """The rule's Sigma ``name`` (used by correlation references), or empty."""
    title: str
    """Rule title."""
    severity: Severity
    """From the rule's level (medium when it has none)."""
    tags: tuple[str, ...]
    """Sigma tags (``attack.t1110``…)."""
    description: str
    """Rule description."""
    references: tuple[str, ...]
    """Where to read more."""
    scope: Scope
    """Which events it applies to."""
    event_ids: frozenset[str] | None
    """EventIDs its condition requires, or None."""
    predicate: Predicate = field(repr=False, compare=False)
    """The compiled condition."""
    gate: Gates | None = field(default=None, repr=False, compare=False)
    """A string test every match passes, used to index the rule."""
    reads: frozenset[str] = field(default=frozenset(), repr=False, compare=False)
    """Fields the predicate reads (:data:`._sigma_compile.TEXT` for the raw line)."""


class Match(NamedTuple):
    """One event that matched one rule (a named tuple: one is made per match)."""

    rule: CompiledRule
    """The rule."""
    event: LogEvent
    """The event."""


_Key = tuple[str, str, str, str, str, str]
_PlanKey = tuple[LogSource, str | None, str | None, str | None, str | None]
_LOGSOURCE = attrgetter("logsource")


class SigmaEngine:
    """A compiled, indexed set of detection rules."""

    def __init__(self, rules: Sequence[SigmaRule], sources: dict[int, str] | None = None) -> None:
        self.rules: list[CompiledRule] = []
        """Compiled rule variants."""
        self.failures: list[RuleFailure] = []
        """Rules that could not be compiled, with reasons."""
        for rule in rules:
            self._add(rule, (sources or {}).get(id(rule), ""))
        self._dispatch: dict[_Key, tuple[CompiledRule, ...]] = {}
        self._plans: dict[_PlanKey, Plan[CompiledRule]] = {}
        self._shared: dict[tuple[int, ...], Plan[CompiledRule]] = {}  # by id of its rules
        self._column = loops().column

    def _add(self, rule: SigmaRule, source: str) -> None:
        try:
            compiled = []
            tree: object = None
            for scope, pipeline in variants(rule):
                names = {} if pipeline is None else renames(pipeline)
                if names is None:  # a mapping that is more than renaming fields
                    assert pipeline is not None  # noqa: S101 - names is {} without one
                    compiled.append(_compile(mapped_rule(rule, pipeline), scope))
                    continue
                if tree is None:
                    tree = _condition(rule)
                compiled.append(_compile(rule, scope, renamed(tree, names) if names else tree))
        except (UnsupportedRule, SigmaError, ValueError, TypeError, RecursionError) as e:
            self.failures.append(RuleFailure(source, rule.title, str(e).splitlines()[0]))
            return
        self.rules.extend(compiled)

    def match(self, events: Iterable[LogEvent]) -> Iterator[Match]:
        """Every (rule, event) match, in event order.

        Events are taken in batches of up to :data:`BATCH` and each plan indexes its events
        of a batch together (see :mod:`._sigma_index`). A batch ends early when the iterable
        runs dry, so a follower passing the events it has gets their matches at once; an
        iterable that blocks between events holds back the matches of its current batch. If
        the iterable fails, the events it gave before are still matched, then the error is
        raised.
        """
        new = tuple.__new__  # what Match's own __new__ calls, without a Python call per match
        for pairs in self.pairs(events):
            yield from map(new, repeat(Match), pairs)

    def pairs(self, events: Iterable[LogEvent]) -> Iterator[list[tuple[CompiledRule, LogEvent]]]:
        """:meth:`match`'s matches as plain (rule, event) pairs, a batch's in one list (for a
        reader that handles 100,000s of matches and needs no :class:`Match` of each)."""
        it = iter(events)
        while True:
            batch: list[LogEvent] = []
            try:
                batch.extend(islice(it, BATCH))
            except BaseException:
                yield self._match_batch(batch)
                raise
            if batch:
                yield self._match_batch(batch)
            if len(batch) < BATCH:
                return

    def _match_batch(self, batch: list[LogEvent]) -> list[tuple[CompiledRule, LogEvent]]:
        found: list[tuple[CompiledRule, LogEvent]] = []
        add = found.append
        rows = [event.fields for event in batch]
        chosen = _candidates(batch, rows, self._plans_of(batch, rows))
        for event, (rules, wants_text) in zip(batch, chosen, strict=True):
            if not rules:
                continue
            doc = Doc(event.fields, event.raw.lower() if wants_text else "")
            for rule in rules:
                if rule.predicate(doc):
                    add((rule, event))
        return found

    def _plans_of(
        self, batch: list[LogEvent], rows: list[Mapping[str, str]]
    ) -> list[Plan[CompiledRule]]:
        """The plan of each event's dispatch key, cached under what the key is made of (its
        logsource, channel, event id, program and service), read a column at a time."""
        column = self._column
        keys: list[_PlanKey] = list(
            zip(
                map(_LOGSOURCE, batch),
                column(rows, "Channel"),
                column(rows, "EventID"),
                column(rows, "program"),
                column(rows, "service"),
                strict=True,
            )
        )
        plans = list(map(self._plans.get, keys))
        if None in plans:
            for i, plan in enumerate(plans):
                if plan is None:
                    plans[i] = self._new_plan(keys[i], batch[i])
        return cast(list[Plan[CompiledRule]], plans)

    def _new_plan(self, key: _PlanKey, event: LogEvent) -> Plan[CompiledRule]:
        """The plan for ``key`` (``event`` has it): one per set of candidate rules, shared by
        the keys that have that set."""
        plan = self._plans.get(key)
        if plan is None:
            rules = self.candidates(event)
            plan = self._shared.get(tuple(map(id, rules)))
            if plan is None:
                plan = self._shared[tuple(map(id, rules))] = Plan(rules)
            self._plans[key] = plan
        return plan

    def candidates(self, event: LogEvent) -> tuple[CompiledRule, ...]:
        """The rules that may apply to ``event`` (cached per dispatch key)."""
        key = _dispatch_key(event)
        found = self._dispatch.get(key)
        if found is None:
            found = tuple(r for r in self.rules if _applies(r, key))
            self._dispatch[key] = found
        return found


def _candidates(
    batch: list[LogEvent], rows: list[Mapping[str, str]], plans: list[Plan[CompiledRule]]
) -> list[tuple[tuple[CompiledRule, ...], bool]]:
    """Per event of a batch (``rows``: their fields), the rules to evaluate and whether they
    read the raw line — each plan indexes its events together (see
    :class:`._sigma_index.Plan`)."""
    if not plans:
        return []
    first = plans[0]
    if plans.count(first) == len(plans):  # one plan for the whole batch (the usual case)
        if not first:
            return [((), False)] * len(batch)
        rules = first.candidates(rows, [e.raw for e in batch])
        return list(zip(rules, repeat(first.wants_text)))
    groups: dict[int, tuple[Plan[CompiledRule], list[int]]] = {}
    for i, plan in enumerate(plans):
        if plan:
            group = groups.get(id(plan))
            if group is None:
                groups[id(plan)] = (plan, [i])
            else:
                group[1].append(i)
    found: list[tuple[tuple[CompiledRule, ...], bool]] = [((), False)] * len(batch)
    for plan, members in groups.values():
        rules = plan.candidates([rows[i] for i in members], [batch[i].raw for i in members])
        for i, chosen in zip(members, rules, strict=True):
            found[i] = (chosen, plan.wants_text)
    return found


def _condition(rule: SigmaRule) -> object:
    trees = [cond.parsed for cond in rule.detection.parsed_condition]
    if len(trees) != 1 or trees[0] is None:
        raise UnsupportedRule(f"rule has {len(trees)} conditions; exactly one is supported")
    return trees[0]


def _compile(rule: SigmaRule, scope: Scope, tree: object = None) -> CompiledRule:
    """``rule`` compiled for ``scope``; ``tree`` is its condition (parsed from it if None)."""
    if tree is None:
        tree = _condition(rule)
    return CompiledRule(
        rule_id=rule_key(rule),
        name=rule.name or "",
        title=rule.title,
        severity=severity_of(rule.level.name if rule.level else ""),
        tags=tuple(str(t) for t in rule.tags),
        description=rule.description or "",
        references=tuple(rule.references),
        scope=scope,
        event_ids=required_event_ids(tree),
        predicate=compile_condition(tree),
        gate=gate(tree),
        reads=fields_read(tree),
    )


def _dispatch_key(event: LogEvent) -> _Key:
    ls, f = event.logsource, event.fields
    return (
        ls.product.lower(),
        ls.service.lower(),
        ls.category.lower(),
        f.get("Channel", "").lower(),
        f.get("EventID", ""),
        (f.get("program") or f.get("service") or "").lower(),
    )


def _services(key: _Key) -> set[str]:
    product, service, _, channel, _, program = key
    names = {service, program} - {""}
    if channel in _CHANNEL_SERVICE:
        names.add(_CHANNEL_SERVICE[channel])
    if product == "linux" and (names & _AUTH_PROGRAMS):
        names.add("auth")
    if product == "linux":
        names.add("syslog")
    return names


def _applies(rule: CompiledRule, key: _Key) -> bool:
    product, _, category, _, event_id, _ = key
    scope = rule.scope
    if scope.product and scope.product != product:
        return False
    if rule.event_ids is not None and event_id not in rule.event_ids:
        return False
    services = _services(key)
    if scope.service and scope.service not in services:
        return False
    if any((s, event_id) in scope.excluded for s in services):
        return False  # the mapped variant of the rule covers these events
    if not scope.category:
        return True
    if scope.category == category:
        return True
    return any(s in services and eid == event_id for s, eid in scope.channel_events)
