"""Index rules on necessary string tests, so most rules are never evaluated for an event.

For the rules that may apply to one dispatch key, :class:`Plan` files each rule under its
gates (see :func:`._sigma_compile.gate`; a match passes at least one):

* exact values in a dict keyed by the value;
* prefixes and suffixes in dicts keyed by their first / last *k* characters, one dict per
  length *k* (so ``\\whoami.exe`` is keyed on all of it, not on a shared ``exe``);
* substrings in one Aho-Corasick automaton per field (``ahocorasick_rs``, Rust, with SIMD
  prefilters). Keyword rules are gated the same way on the event's raw line
  (:data:`._sigma_compile.TEXT`).

Events are indexed a batch at a time, column by column: a field's values across the batch are
joined into one text and searched in one automaton pass (one call instead of one per event),
and the exact/prefix/suffix tables keep a bounded memo of value → rule positions, since logs
repeat their values (one user agent, method or program on thousands of lines). An event then
evaluates only the rules its values point at, plus the few with no gate, in the order the
rules were given.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from itertools import accumulate
from operator import or_
from typing import Generic, Protocol, TypeVar, cast

from ahocorasick_rs import AhoCorasick, BytesAhoCorasick, Implementation

from mamori.analysers.logs._sigma_compile import TEXT, Gates, Predicate
from mamori.analysers.logs.ingest._native import loops

__all__ = ["DFA_BYTES", "MAX_KEY", "MEMO_LIMIT", "Plan"]

DFA_BYTES = 8192
"""Needle sets up to this many characters get a DFA: the fastest search, at a memory cost that
grows with the needles (about 2 MiB here); larger sets get a contiguous NFA."""

MAX_KEY = 16
"""Longest prefix or suffix used as an index key."""

MEMO_LIMIT = 2048
"""Most values one field remembers. When the memo is full it starts afresh if it was earning
its keep (more look-ups answered than values held), else the field stops memoising: a field
whose values rarely repeat (a URI with a session id) gains nothing from it."""

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
_Mask = int
"""A set of rule positions as bits (bit *i* set: the plan's rule *i*)."""
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


def _mask(positions: Iterable[int]) -> _Mask:
    mask = 0
    for i in positions:
        mask |= 1 << i
    return mask


def _positions(mask: _Mask) -> Iterator[int]:
    """The set bits of ``mask``, lowest first."""
    while mask:
        low = mask & -mask
        yield low.bit_length() - 1
        mask ^= low


def _by_length(table: _Table) -> tuple[tuple[int, dict[str, _Mask]], ...]:
    lengths: defaultdict[int, dict[str, _Mask]] = defaultdict(dict)
    for key, ids in table.items():
        lengths[len(key)][key] = _mask(ids)
    return tuple(sorted(lengths.items()))


class _Needles:
    """Needles and the rule positions each points at, searched all at once (Aho-Corasick).

    Text that is all ASCII (nearly every log) is searched as bytes, where offsets need no
    translation; other text goes to an automaton over the needles as strings, built when first
    needed. A small needle set gets a DFA (fastest search, memory grows with the needles).
    """

    __slots__ = ("_lowered", "_mark", "_search_text", "ids", "kind", "needles", "search")

    def __init__(self, table: Mapping[str, set[int]]) -> None:
        self.needles = list(table)
        self.ids: list[_Mask] = [_mask(ids) for ids in table.values()]
        """Per needle, in the automaton's order."""
        small = sum(map(len, self.needles)) <= DFA_BYTES
        self.kind = Implementation.DFA if small else Implementation.ContiguousNFA
        """The automaton kind."""
        encoded = [needle.encode("utf-8", "surrogatepass") for needle in self.needles]
        self.search = BytesAhoCorasick(encoded, implementation=self.kind).find_matches_as_indexes
        """Search of ASCII text, as bytes."""
        self._search_text: Callable[..., list[tuple[int, int, int]]] | None = None
        loop = loops()
        self._mark, self._lowered = loop.mark, loop.lowered

    def mark(self, values: Sequence[str | None], masks: list[_Mask]) -> None:
        """Add to ``masks[i]`` the rule positions of every needle found in ``values[i]``,
        lower-cased — one automaton pass over the values joined by newlines.

        A needle found across a join is counted for the earlier value: one extra candidate,
        never a missed one (candidates are only evaluated, not trusted).
        """
        packed = self._lowered(values)
        if packed is not None:  # all ASCII (nearly every log): searched as bytes
            found = self.search(packed[0], overlapping=True)
            starts = packed[1]
        else:
            texts = [value or "" for value in values]
            joined = "\n".join(texts)
            low = joined.lower()
            if len(low) != len(joined):  # a character lower-cases to two: offsets move
                texts = [t.lower() for t in texts]
                low = "\n".join(texts)
            try:
                found = self._text_search()(low, overlapping=True)
            except UnicodeEncodeError:  # a lone surrogate (``%uD800``, a JSON escape)
                for i, ids in self._scan_slowly(texts):
                    masks[i] |= ids
                return
            starts = list(accumulate(map((1).__add__, map(len, texts[:-1])), initial=0))
        if found:
            self._mark(masks, found, starts, self.ids)

    def _text_search(self) -> Callable[..., list[tuple[int, int, int]]]:
        """Search of text that is not all ASCII (offsets in characters)."""
        if self._search_text is None:
            automaton = AhoCorasick(self.needles, implementation=self.kind)
            self._search_text = automaton.find_matches_as_indexes
        return self._search_text

    def _scan_slowly(self, texts: list[str]) -> Iterator[tuple[int, _Mask]]:
        """:meth:`mark`'s hits needle by needle, for text the automaton cannot take."""
        for i, text in enumerate(texts):
            low = text.lower()
            for needle, ids in zip(self.needles, self.ids, strict=True):
                if needle in low:
                    yield i, ids


def _automaton(table: Mapping[str, set[int]]) -> _Needles | None:
    return _Needles(table) if table else None


class _Lookup:
    """A sealed :class:`_FieldIndex`: the rule positions a value of the field points at
    through exact, prefix and suffix tests (memoised per value), and its substring needles.
    """

    __slots__ = ("ends", "equals", "exact", "memo", "misses", "present", "since", "starts",
                 "stopped", "within")  # fmt: skip

    def __init__(self, index: _FieldIndex) -> None:
        self.present = _mask(index.present)
        self.equals = {value: _mask(ids) for value, ids in index.equals.items()}
        self.starts = _by_length(index.starts)
        self.ends = _by_length(index.ends)
        self.exact = bool(self.present or self.equals or self.starts or self.ends)
        """Whether the field has tests other than substrings."""
        self.within = _automaton(index.within)
        """The field's substring needles, or None."""
        self.memo: dict[str | None, _Mask] = {None: 0}
        """Value → the rules it points at, for values seen lately (and None, for an event
        without the field, → none)."""
        self.misses = 0
        """Look-ups the memo could not answer since it was last emptied."""
        self.since = 0
        """The plan's event count when the memo was last emptied."""
        self.stopped = False
        """Whether this field stopped memoising (its values rarely repeat)."""

    def add(self, values: Sequence[str | None], masks: list[_Mask], events: int) -> None:
        """Add to ``masks[i]`` the rules ``values[i]`` points at, for every value."""
        if self.exact:
            found = list(map(self.memo.get, values))
            if None in found:
                for i, value in enumerate(values):
                    if found[i] is None:
                        assert value is not None  # noqa: S101 - the memo answers None with 0
                        found[i] = self._missed(value, events)
            masks[:] = map(or_, masks, cast(list[_Mask], found))
        if self.within is not None:
            self.within.mark(values, masks)

    def _missed(self, value: str, events: int) -> _Mask:
        """What ``value`` points at, after a memo miss; ``events`` is how many events the
        plan has seen (to judge whether memoising pays)."""
        found = self._compute(value.lower())
        if self.stopped:
            return found
        self.misses += 1
        if len(self.memo) >= MEMO_LIMIT:
            self.stopped = 2 * self.misses > events - self.since
            self.memo = {None: 0}
            self.misses, self.since = 0, events
        if not self.stopped and len(value) <= _MEMO_LONGEST:
            self.memo[value] = found
        return found

    def _compute(self, value: str) -> _Mask:
        found = self.present | self.equals.get(value, 0)
        for k, by_key in self.starts:
            found |= by_key.get(value[:k], 0)
        for k, by_key in self.ends:
            found |= by_key.get(value[-k:], 0)
        return found


class Plan(Generic[R]):
    """The rules of one dispatch key, indexed on their gates."""

    __slots__ = ("_chosen", "_column", "always", "events", "fields", "rules", "text", "wants_text")

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
        self.always: _Mask = _mask(always)
        """Rules with no gate, evaluated on every event."""
        text = indexes.pop(TEXT, None)
        self.text = _automaton(text.within) if text is not None else None
        """Automaton of the keyword rules' needles, run over the lower-cased raw line."""
        self.fields: tuple[tuple[str, _Lookup], ...] = tuple(
            (name, _Lookup(index)) for name, index in indexes.items()
        )
        """Per gated field: its name and its look-up."""
        self.events = 0
        """Events the plan has been asked about."""
        self._chosen: dict[_Mask, tuple[R, ...]] = {}
        self.wants_text = self.text is not None or any(TEXT in rule.reads for rule in self.rules)
        """Whether the raw line is read (keyword rules)."""
        self._column = loops().column

    def __bool__(self) -> bool:
        return bool(self.rules)

    def candidates(
        self, fields: Sequence[Mapping[str, str]], raws: Sequence[str]
    ) -> list[tuple[R, ...]]:
        """Per event of a batch (its fields and raw line), the rules worth evaluating on it,
        each once, in plan order."""
        self.events += len(fields)
        masks = [self.always] * len(fields)
        column = self._column
        for name, lookup in self.fields:
            lookup.add(column(fields, name), masks, self.events)
        if self.text is not None:
            self.text.mark(raws, masks)
        chosen = self._chosen
        return [(chosen.get(m) or self._decode(m)) if m else () for m in masks]

    def _decode(self, mask: _Mask) -> tuple[R, ...]:
        """The rules of ``mask``, in plan order (remembered; most events share a few sets)."""
        if len(self._chosen) >= MEMO_LIMIT:
            self._chosen = {}
        rules = tuple(self.rules[i] for i in _positions(mask))
        self._chosen[mask] = rules
        return rules
