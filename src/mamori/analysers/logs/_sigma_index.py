"""Index rules on necessary string tests, so most rules are never evaluated for an event.

For the rules that may apply to one dispatch key, :class:`Plan` files each rule under its
gates (see :func:`._sigma_compile.gate`; a match passes at least one):

* exact values in a dict keyed by the value;
* prefixes and suffixes in dicts keyed by their first / last *k* characters, one dict per
  length *k* (so ``\\whoami.exe`` is keyed on all of it, not on a shared ``exe``);
* substrings in one Aho-Corasick automaton per field (``ahocorasick_rs``, Rust, with SIMD
  prefilters): one pass over the event's value finds every needle of every rule at once.
  Keyword rules are gated the same way on the event's raw line
  (:data:`._sigma_compile.TEXT`), one pass over a whole batch of lines.

What a field's value points at depends on the value alone, and logs repeat their values (one
user agent, method or program on thousands of lines), so each field keeps a bounded memo of
value → rule positions: a repeated value costs one dict look-up. An event then evaluates only
the rules its values point at, plus the few with no gate, in the order the rules were given.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from collections.abc import Iterator, Mapping, Sequence
from itertools import accumulate
from typing import Generic, Protocol, TypeVar

from ahocorasick_rs import AhoCorasick

from mamori.analysers.logs._sigma_compile import TEXT, Gates, Predicate

__all__ = ["MAX_KEY", "MEMO_LIMIT", "Plan"]

MAX_KEY = 16
"""Longest prefix or suffix used as an index key."""

MEMO_LIMIT = 2048
"""Most values one field remembers. When the memo is full it starts afresh if it was earning
its keep (more look-ups answered than values held), else the field stops memoising: a field
whose values rarely repeat (a URI with a session id, a command line) gains nothing from it."""

_MEMO_LONGEST = 256
"""Longer values are not memoised (they rarely repeat and would hold memory)."""


class _Rule(Protocol):
    @property
    def gate(self) -> Gates | None: ...

    @property
    def predicate(self) -> Predicate: ...

    @property
    def reads(self) -> frozenset[str]: ...


R = TypeVar("R", bound=_Rule)
_Ids = tuple[int, ...]
_Table = defaultdict[str, set[int]]


class _FieldIndex:
    """The gates on one field: which rule positions a value of the field points at."""

    __slots__ = ("ends", "equals", "present", "starts", "within")

    def __init__(self) -> None:
        self.present: set[int] = set()
        self.equals: _Table = defaultdict(set)
        self.starts: _Table = defaultdict(set)
        self.ends: _Table = defaultdict(set)
        self.within: _Table = defaultdict(set)

    def file(self, number: int, kind: str, needle: str) -> None:
        if kind == "eq":
            self.equals[needle].add(number)
        elif kind == "start" and needle:
            self.starts[needle[:MAX_KEY]].add(number)
        elif kind == "end" and needle:
            self.ends[needle[-MAX_KEY:]].add(number)
        elif kind == "in" and needle:
            self.within[needle].add(number)
        else:
            self.present.add(number)


def _by_length(table: _Table) -> tuple[tuple[int, dict[str, set[int]]], ...]:
    lengths: defaultdict[int, dict[str, set[int]]] = defaultdict(dict)
    for key, ids in table.items():
        lengths[len(key)][key] = ids
    return tuple(sorted(lengths.items()))


class _Needles:
    """Needles and the rule positions each points at, searched all at once (Aho-Corasick)."""

    __slots__ = ("ids", "search")

    def __init__(self, table: Mapping[str, set[int]]) -> None:
        self.ids: list[_Ids] = [tuple(sorted(ids)) for ids in table.values()]
        """Per needle, in the automaton's order."""
        self.search = AhoCorasick(list(table)).find_matches_as_indexes

    def found(self, text: str) -> Iterator[tuple[int, _Ids]]:
        """(start, rule positions) of every occurrence of every needle in ``text``."""
        ids = self.ids
        for needle, start, _ in self.search(text, overlapping=True):
            yield start, ids[needle]


def _automaton(table: Mapping[str, set[int]]) -> _Needles | None:
    return _Needles(table) if table else None


class _Lookup:
    """A sealed :class:`_FieldIndex`: the rule positions a value points at.

    :attr:`memo` remembers them per value; the plan reads it inline and calls the look-up
    only on a miss.
    """

    __slots__ = ("ends", "equals", "memo", "misses", "present", "since", "starts", "stopped",
                 "within")  # fmt: skip

    def __init__(self, index: _FieldIndex) -> None:
        self.present = frozenset(index.present)
        self.equals = dict(index.equals)
        self.starts = _by_length(index.starts)
        self.ends = _by_length(index.ends)
        self.within = _automaton(index.within)
        self.memo: dict[str, _Ids] = {}
        """Value → rule positions (sorted), for values seen lately."""
        self.misses = 0
        """Look-ups the memo could not answer since it was last emptied."""
        self.since = 0
        """The plan's event count when the memo was last emptied."""
        self.stopped = False
        """Whether this field stopped memoising (its values rarely repeat)."""

    def __call__(self, value: str, events: int) -> _Ids:
        """Positions of the rules ``value`` points at, after a memo miss; ``events`` is how
        many events the plan has seen (to judge whether memoising pays)."""
        found = self._compute(value.lower())
        if self.stopped:
            return found
        self.misses += 1
        if len(self.memo) >= MEMO_LIMIT:
            self.stopped = 2 * self.misses > events - self.since
            self.memo.clear()
            self.misses, self.since = 0, events
        if not self.stopped and len(value) <= _MEMO_LONGEST:
            self.memo[value] = found
        return found

    def _compute(self, value: str) -> _Ids:
        found = set(self.present)
        found.update(self.equals.get(value, ()))
        for k, by_key in self.starts:
            found.update(by_key.get(value[:k], ()))
        for k, by_key in self.ends:
            found.update(by_key.get(value[-k:], ()))
        if self.within is not None and value:
            for _, ids in self.within.found(value):
                found.update(ids)
        return tuple(sorted(found))


class Plan(Generic[R]):
    """The rules of one dispatch key, indexed on their gates."""

    __slots__ = ("_chosen", "always", "events", "fields", "rules", "text", "wants_text")

    def __init__(self, rules: Sequence[R]) -> None:
        self.rules: tuple[R, ...] = tuple(rules)
        """Every rule of the plan, in the order given; the tables hold positions in it."""
        indexes: defaultdict[str, _FieldIndex] = defaultdict(_FieldIndex)
        always: list[int] = []
        for number, rule in enumerate(self.rules):
            if rule.gate is None:
                always.append(number)
                continue
            for name, kind, needles in rule.gate:
                for needle in needles:
                    indexes[name].file(number, kind, needle)
        self.always: _Ids = tuple(always)
        """Rules with no gate, evaluated on every event."""
        text = indexes.pop(TEXT, None)
        self.text = _automaton(text.within) if text is not None else None
        """Automaton of the keyword rules' needles, run over the lower-cased raw line."""
        lookups = [(name, _Lookup(index)) for name, index in indexes.items()]
        self.fields: tuple[tuple[str, dict[str, _Ids], _Lookup], ...] = tuple(
            (name, lookup.memo, lookup) for name, lookup in lookups
        )
        """Per gated field: its name, its look-up's memo and the look-up."""
        self.events = 0
        """Events the plan has been asked about."""
        self._chosen: dict[_Ids, tuple[R, ...]] = {}
        self.wants_text = self.text is not None or any(TEXT in rule.reads for rule in self.rules)
        """Whether the lower-cased raw line is needed (keyword rules)."""

    def __bool__(self) -> bool:
        return bool(self.rules)

    def scan(self, texts: Sequence[str]) -> dict[int, list[_Ids]]:
        """Per text (by position; lower-cased raw lines), the keyword rules its needles point
        at — one automaton pass over all of them joined by newlines.

        A needle found across a join points at the earlier line: one extra candidate, never a
        missed one (candidates are only evaluated, not trusted).
        """
        found: dict[int, list[_Ids]] = {}
        if self.text is None or not texts:
            return found
        starts = list(accumulate((len(t) + 1 for t in texts[:-1]), initial=0))
        for start, ids in self.text.found("\n".join(texts)):
            found.setdefault(bisect_right(starts, start) - 1, []).append(ids)
        return found

    def candidates(self, fields: Mapping[str, str], keywords: list[_Ids] | None) -> tuple[R, ...]:
        """The rules worth evaluating on an event, each once, in plan order.

        ``keywords`` are what :meth:`scan` found in the event's line (None: nothing).
        """
        self.events += 1
        parts: list[_Ids] = keywords or []
        for name, memo, lookup in self.fields:
            value = fields.get(name)
            if value is None:
                continue
            ids = memo.get(value)
            if ids is None:
                ids = lookup(value, self.events)
            if ids:
                parts.append(ids)
        if self.always:
            parts.append(self.always)
        if not parts:
            return ()
        ids = parts[0] if len(parts) == 1 else tuple(sorted(set().union(*parts)))
        found = self._chosen.get(ids)
        if found is None:
            if len(self._chosen) >= MEMO_LIMIT:
                self._chosen.clear()
            found = self._chosen[ids] = tuple(self.rules[i] for i in ids)
        return found
