"""Abstract values of the taint engine: labels (where taint came from) and values.

A :class:`Label` is one reason a value may be untrusted: a real source (``param == -1``) with
the trace that brought it here, or "whatever the caller passes as parameter *i*" while a
function summary is computed. A :class:`Value` is a set of labels plus, for dicts, tuples and
lists built with constant keys, the value of each key, a folded constant when one is known,
tags (``unsafe-xml-parser``), the type of an object (a project class or a library type) or
of a container's items, and whether it is a request object.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace

from mamori.model import CweId, Location, TraceStep

__all__ = [
    "NO_CONST",
    "Label",
    "Value",
    "add_step",
    "append_trace",
    "clean",
    "from_labels",
    "join",
    "unresolved",
]

MAX_TRACE = 14
"""Longest trace kept; longer ones lose their middle steps."""
MAX_LABELS = 8
"""Most distinct labels one value keeps."""
ALL = CweId(0)
"""In ``Label.clean``: sanitised for every CWE."""


class _NoConst:
    """Marker: the value is not a known constant."""

    def __repr__(self) -> str:
        return "NO_CONST"


NO_CONST = _NoConst()


@dataclass(frozen=True, slots=True)
class Label:
    """One reason a value may be untrusted."""

    param: int
    """Parameter index it stands for, or -1 for a real source."""
    source: str
    """What the source is (``request.args``) or the parameter's name."""
    trace: tuple[TraceStep, ...] = ()
    """How the data got here."""
    clean: frozenset[CweId] = frozenset()
    """CWEs it has been sanitised for (``ALL`` = every one)."""
    resolved: bool = True
    """False once an unresolved call passed it on by default."""

    def __reduce__(self) -> tuple[type[Label], tuple[object, ...]]:
        """Pickle as a plain constructor call (the results cache holds many labels)."""
        return Label, (self.param, self.source, self.trace, self.clean, self.resolved)

    @property
    def key(self) -> tuple[int, str, frozenset[CweId], bool]:
        """Identity ignoring the trace (used to deduplicate)."""
        return self.param, self.source, self.clean, self.resolved

    def is_clean(self, cwe: CweId) -> bool:
        """Whether this label is sanitised for ``cwe``."""
        return ALL in self.clean or cwe in self.clean


@dataclass(frozen=True, slots=True)
class Value:
    """The abstract value of one expression."""

    labels: frozenset[Label] = frozenset()
    """Taint of the value as a whole (or of keys not listed in ``parts``)."""
    parts: tuple[tuple[object, Value], ...] = ()
    """Values of constant keys/indexes of a container."""
    const: object = NO_CONST
    """The folded constant, when known."""
    tags: frozenset[str] = frozenset()
    """Properties from tag rules."""
    cls: str = ""
    """Its type: the qualified name of the project class it is an instance of, or of the
    library callable that returned it (``httpx.AsyncClient``; see :mod:`.objects`)."""
    request: bool = False
    """Whether this is an HTTP request object."""
    item_cls: str = ""
    """The type of its items, for a container whose items are typed (``request.files``)."""

    def all_labels(self) -> frozenset[Label]:
        """Taint of the value and of every part."""
        if not self.parts:
            return self.labels
        out = set(self.labels)
        for _, v in self.parts:
            out |= v.all_labels()
        return _cap(out)

    def part(self, key: object) -> Value:
        """The value of constant key/index ``key``."""
        for k, v in self.parts:
            if k == key:
                return v
        if self.parts and not self.labels:
            return Value()
        return Value(self.all_labels()) if self.parts else Value(self.labels)

    def with_part(self, key: object, value: Value) -> Value:
        """A copy with ``key`` set to ``value`` (strong update)."""
        parts = tuple((k, v) for k, v in self.parts if k != key) + ((key, value),)
        return replace(self, parts=parts, const=NO_CONST)

    @property
    def tainted(self) -> bool:
        """Whether any label is present."""
        return bool(self.all_labels())


def _cap(labels: Iterable[Label]) -> frozenset[Label]:
    best: dict[tuple[int, str, frozenset[CweId], bool], Label] = {}
    for label in labels:
        old = best.get(label.key)
        if old is None or len(label.trace) < len(old.trace):
            best[label.key] = label
    if len(best) <= MAX_LABELS:
        return frozenset(best.values())
    ranked = sorted(best.values(), key=lambda lb: (lb.param >= 0, len(lb.trace)))
    return frozenset(ranked[:MAX_LABELS])


def join(values: Iterable[Value]) -> Value:
    """The least value covering all of ``values`` (used where control flow merges)."""
    vals = list(values)
    if not vals:
        return Value()
    first = vals[0]
    if len(vals) == 1 or (all(v is first for v in vals) and _settled(first)):
        return first
    same_const = all(v.const == first.const for v in vals) if first.const is not NO_CONST else False
    keys = {k for v in vals for k, _ in v.parts}
    full = all({k for k, _ in v.parts} == keys for v in vals)
    parts = tuple((k, join(v.part(k) for v in vals)) for k in keys) if full and keys else ()
    labels = set().union(*(v.labels if parts else v.all_labels() for v in vals))
    return Value(
        labels=_cap(labels),
        parts=parts,
        const=first.const if same_const else NO_CONST,
        tags=frozenset().union(*(v.tags for v in vals)),
        cls=first.cls if all(v.cls == first.cls for v in vals) else "",
        request=any(v.request for v in vals),
        item_cls=first.item_cls if all(v.item_cls == first.item_cls for v in vals) else "",
    )


def _settled(value: Value) -> bool:
    """Whether joining ``value`` with itself gives an equal value (fast path of :func:`join`):
    no parts, at most one label (nothing to cap) and a constant equal to itself."""
    return (
        not value.parts
        and len(value.labels) <= 1
        and (value.const is NO_CONST or bool(value.const == value.const))
    )


def from_labels(labels: Iterable[Label]) -> Value:
    """A value carrying exactly ``labels``."""
    return Value(_cap(labels))


def _extend(trace: tuple[TraceStep, ...], step: TraceStep) -> tuple[TraceStep, ...]:
    if trace and trace[-1] == step:
        return trace
    out = (*trace, step)
    if len(out) > MAX_TRACE:
        out = out[:4] + out[-(MAX_TRACE - 4) :]
    return out


def add_step(labels: Iterable[Label], path: str, line: int, note: str) -> frozenset[Label]:
    """``labels`` with one more trace step."""
    step = TraceStep(Location(path=path, start_line=line, end_line=line), note)
    return _cap(replace(lb, trace=_extend(lb.trace, step)) for lb in labels)


def append_trace(labels: Iterable[Label], steps: tuple[TraceStep, ...]) -> frozenset[Label]:
    """``labels`` with ``steps`` appended to each trace."""
    out = []
    for lb in labels:
        trace = lb.trace
        for s in steps:
            trace = _extend(trace, s)
        out.append(replace(lb, trace=trace))
    return _cap(out)


def clean(labels: Iterable[Label], cwes: frozenset[CweId]) -> frozenset[Label]:
    """``labels`` marked sanitised for ``cwes``; dropped entirely when that means every CWE."""
    if ALL in cwes:
        return frozenset()
    return _cap(replace(lb, clean=lb.clean | cwes) for lb in labels)


def unresolved(labels: Iterable[Label]) -> frozenset[Label]:
    """``labels`` marked as passed on by an unresolved call."""
    return _cap(replace(lb, resolved=False) for lb in labels)
