"""Index rules on necessary string tests, so most rules are never evaluated for an event.

For the rules that may apply to one dispatch key, :class:`Plan` files each rule under its
gates (see :func:`._sigma_compile.gate`; a match passes at least one):

* exact values in a dict keyed by the value;
* prefixes and suffixes in dicts keyed by their first / last *k* characters, one dict per
  length *k* (so ``\\whoami.exe`` is keyed on all of it, not on a shared ``exe``);
* substrings in one Aho-Corasick automaton per field (``pyahocorasick``, in C): one pass over
  the event's value finds every needle of every rule at once. Keyword rules are gated the
  same way on the event's raw line (:data:`._sigma_compile.TEXT`).

An event then evaluates only the rules its values point at, plus the few with no gate, in
the order the rules were given.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from typing import Generic, Protocol, TypeVar

import ahocorasick

from mamori.analysers.logs._sigma_compile import TEXT, Gates, Predicate

__all__ = ["MAX_KEY", "Plan"]

MAX_KEY = 16
"""Longest prefix or suffix used as an index key."""


class _Rule(Protocol):
    @property
    def gate(self) -> Gates | None: ...

    @property
    def predicate(self) -> Predicate: ...


R = TypeVar("R", bound=_Rule)
_Ids = tuple[int, ...]


class _Builder:
    """Collects, per field, which rule numbers each needle points at."""

    def __init__(self) -> None:
        self.present: defaultdict[str, set[int]] = defaultdict(set)
        self.equals: defaultdict[str, defaultdict[str, set[int]]] = defaultdict(
            lambda: defaultdict(set)
        )
        self.starts: defaultdict[str, defaultdict[str, set[int]]] = defaultdict(
            lambda: defaultdict(set)
        )
        self.ends: defaultdict[str, defaultdict[str, set[int]]] = defaultdict(
            lambda: defaultdict(set)
        )
        self.within: defaultdict[str, defaultdict[str, set[int]]] = defaultdict(
            lambda: defaultdict(set)
        )

    def file(self, number: int, name: str, kind: str, needle: str) -> None:
        if kind == "eq":
            self.equals[name][needle].add(number)
        elif kind == "start" and needle:
            self.starts[name][needle[:MAX_KEY]].add(number)
        elif kind == "end" and needle:
            self.ends[name][needle[-MAX_KEY:]].add(number)
        elif kind == "in" and needle:
            self.within[name][needle].add(number)
        else:
            self.present[name].add(number)


def _frozen(table: dict[str, set[int]]) -> dict[str, _Ids]:
    return {key: tuple(sorted(ids)) for key, ids in table.items()}


def _by_length(table: dict[str, set[int]]) -> tuple[tuple[int, dict[str, _Ids]], ...]:
    lengths: defaultdict[int, dict[str, _Ids]] = defaultdict(dict)
    for key, ids in table.items():
        lengths[len(key)][key] = tuple(sorted(ids))
    return tuple(sorted(lengths.items()))


def _automaton(table: dict[str, set[int]]) -> ahocorasick.Automaton:
    auto = ahocorasick.Automaton()
    for needle, ids in table.items():
        auto.add_word(needle, tuple(sorted(ids)))
    auto.make_automaton()
    return auto


class Plan(Generic[R]):
    """The rules of one dispatch key, indexed on their gates."""

    __slots__ = ("always", "ends", "equals", "present", "rules", "starts", "text", "within")

    def __init__(self, rules: Sequence[R]) -> None:
        self.rules: tuple[R, ...] = tuple(rules)
        """Every rule of the plan, in the order given; the tables hold positions in it."""
        builder = _Builder()
        always: list[int] = []
        for number, rule in enumerate(self.rules):
            if rule.gate is None:
                always.append(number)
                continue
            for name, kind, needles in rule.gate:
                for needle in needles:
                    builder.file(number, name, kind, needle)
        self.always: _Ids = tuple(always)
        self.present = _frozen(builder.present)
        self.equals = {name: _frozen(t) for name, t in builder.equals.items()}
        self.starts = {name: _by_length(t) for name, t in builder.starts.items()}
        self.ends = {name: _by_length(t) for name, t in builder.ends.items()}
        within = dict(builder.within)
        text = within.pop(TEXT, None)
        self.text = _automaton(text) if text else None
        self.within = {name: _automaton(t) for name, t in within.items()}

    def __bool__(self) -> bool:
        return bool(self.rules)

    def candidates(self, fields: Mapping[str, str], raw: str) -> list[R]:
        """The rules worth evaluating on an event, each once, in plan order.

        Only the values the gates look at are lower-cased here, so an event no rule points at
        costs a few look-ups and automaton passes.
        """
        found = self._indexed(fields, raw)
        rules = self.rules
        if not found:
            return [rules[i] for i in self.always]
        found.update(self.always)
        return [rules[i] for i in sorted(found)]

    def _indexed(self, fields: Mapping[str, str], raw: str) -> set[int]:
        found: set[int] = set()
        ids: _Ids | None
        for name, ids in self.present.items():
            if name in fields:
                found.update(ids)
        for name, by_value in self.equals.items():
            value = fields.get(name)
            if value is not None and (ids := by_value.get(value.lower())) is not None:
                found.update(ids)
        for table, from_end in ((self.starts, False), (self.ends, True)):
            for name, by_len in table.items():
                value = fields.get(name)
                if value is None:
                    continue
                value = value.lower()
                for k, by_key in by_len:
                    if (ids := by_key.get(value[-k:] if from_end else value[:k])) is not None:
                        found.update(ids)
        for name, auto in self.within.items():
            value = fields.get(name)
            if value:
                for _, ids in auto.iter(value.lower()):
                    found.update(ids)
        if self.text is not None and raw:
            for _, ids in self.text.iter(raw.lower()):
                found.update(ids)
        return found
