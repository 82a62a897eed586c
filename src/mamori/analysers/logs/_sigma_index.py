"""Index rules on necessary string tests, so most rules are never evaluated for an event.

For the rules that may apply to one dispatch key, :class:`Plan` files each rule under its
gates (see :func:`._sigma_compile.gate`; a match passes at least one):

* exact values in a dict keyed by the value;
* prefixes and suffixes in dicts keyed by their first / last *k* characters, one dict per
  length *k* (so ``\\whoami.exe`` is keyed on all of it, not on a shared ``exe``);
* substrings on one trigram of the needle — the rarest among the plan's needles — looked up
  with the trigrams of the event's value.

An event then evaluates only the rules its values point at, plus the few with no gate.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterator, Sequence
from typing import Generic, Protocol, TypeVar

from mamori.analysers.logs._sigma_compile import Doc, Gates, Predicate

__all__ = ["MAX_KEY", "Plan"]

MAX_KEY = 16
"""Longest prefix or suffix used as an index key."""

_GRAM = 3


class _Rule(Protocol):
    @property
    def gate(self) -> Gates | None: ...

    @property
    def predicate(self) -> Predicate: ...


R = TypeVar("R", bound=_Rule)
_Table = defaultdict[str, defaultdict[int, defaultdict[str, list[R]]]]


def _table() -> _Table[R]:
    return defaultdict(lambda: defaultdict(lambda: defaultdict(list)))


class Plan(Generic[R]):
    """The rules of one dispatch key, indexed on their gates."""

    __slots__ = ("always", "ends", "equals", "grams", "present", "starts")

    def __init__(self, rules: Sequence[R]) -> None:
        self.always: list[R] = []
        self.present: dict[str, list[R]] = defaultdict(list)
        self.equals: dict[str, dict[str, list[R]]] = defaultdict(lambda: defaultdict(list))
        self.starts: _Table[R] = _table()
        self.ends: _Table[R] = _table()
        self.grams: dict[str, dict[str, list[R]]] = defaultdict(lambda: defaultdict(list))
        rarity = Counter(
            gram
            for rule in rules
            for g in rule.gate or ()
            if g[1] == "in"
            for n in g[2]
            for gram in {n[i : i + _GRAM] for i in range(len(n) - _GRAM + 1)}
        )
        for rule in rules:
            if rule.gate is None:
                self.always.append(rule)
                continue
            for name, kind, needles in rule.gate:
                for needle in set(needles):
                    self._file(rule, name, kind, needle, rarity)

    def _file(self, rule: R, name: str, kind: str, needle: str, rarity: Counter[str]) -> None:
        if kind == "eq":
            self.equals[name][needle].append(rule)
        elif kind == "start" and needle:
            k = min(len(needle), MAX_KEY)
            self.starts[name][k][needle[:k]].append(rule)
        elif kind == "end" and needle:
            k = min(len(needle), MAX_KEY)
            self.ends[name][k][needle[-k:]].append(rule)
        elif kind == "in" and len(needle) >= _GRAM:
            grams = {needle[i : i + _GRAM] for i in range(len(needle) - _GRAM + 1)}
            self.grams[name][min(grams, key=lambda g: (rarity[g], g))].append(rule)
        else:
            self.present[name].append(rule)

    def __bool__(self) -> bool:
        tables = (self.present, self.equals, self.starts, self.ends, self.grams)
        return bool(self.always) or any(tables)

    def candidates(self, doc: Doc) -> Iterator[R]:
        """The rules worth evaluating on ``doc``, each once."""
        yield from self.always
        seen: set[int] = set()
        for rule in self._indexed(doc.lower):
            if id(rule) not in seen:
                seen.add(id(rule))
                yield rule

    def _indexed(self, lower: dict[str, str]) -> Iterator[R]:
        for name, rules in self.present.items():
            if name in lower:
                yield from rules
        for name, by_value in self.equals.items():
            value = lower.get(name)
            if value is not None:
                yield from by_value.get(value, ())
        for table, take_end in ((self.starts, False), (self.ends, True)):
            for name, by_len in table.items():
                value = lower.get(name)
                if value is None:
                    continue
                for k, by_key in by_len.items():
                    yield from by_key.get(value[-k:] if take_end else value[:k], ())
        for name, by_gram in self.grams.items():
            value = lower.get(name)
            if value is None or len(value) < _GRAM:
                continue
            grams = {value[i : i + _GRAM] for i in range(len(value) - _GRAM + 1)}
            for gram in grams & by_gram.keys():
                yield from by_gram[gram]
