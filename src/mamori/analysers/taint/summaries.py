"""Per-function taint summaries and the flows the engine reports.

A :class:`Summary` says, for one function, which parameters (and which sources read inside
it) reach its return value, and which parameters reach a sink of which CWE, with the trace
from the parameter to the sink. Callers apply a callee's summary instead of re-reading its
body, so the analysis is compositional; summaries are recomputed until none changes, which
settles recursion.

Objects carry taint through their fields: a function that stores data in ``obj.attr`` (``obj``
an instance of a project class) records a :class:`FieldWrite`. Source data stored in a field
goes into a per-class store that every read of that field sees (``self.endpoint`` in any
method reads what any constructor call stored there); parameter data is passed on to callers
through the summary, like a parameter that reaches a sink.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from mamori.analysers.taint.values import Label
from mamori.model import CweId, Location, TraceStep

__all__ = ["FieldWrite", "Flow", "ParamSink", "Summary", "SummaryTable"]


@dataclass(frozen=True, slots=True)
class ParamSink:
    """Parameter ``param`` of a function reaches a sink."""

    param: int
    """Index of the parameter."""
    cwe: CweId
    """The weakness of the sink."""
    sink: Location
    """Where the sink call is."""
    sink_name: str
    """The sink's name (``cursor.execute``)."""
    steps: tuple[TraceStep, ...]
    """Trace from the parameter to the sink, sink step included."""
    resolved: bool = True
    """False when an unresolved call on the way passed the taint on by default."""

    def __reduce__(self) -> tuple[type[ParamSink], tuple[object, ...]]:
        """Pickle as a plain constructor call (the results cache holds many of these)."""
        return ParamSink, tuple(getattr(self, f) for f in self.__slots__)

    @property
    def key(self) -> tuple[int, CweId, Location]:
        """Identity ignoring the trace."""
        return self.param, self.cwe, self.sink


@dataclass(frozen=True, slots=True)
class FieldWrite:
    """Data, or an object of a known type, stored in a field of a project class's instances."""

    field: str
    """The field, as ``pkg.mod.Class#attr`` (the class is the root of its project hierarchy)."""
    label: Label | None
    """What is stored: a source label, or a parameter label of the writing function (None
    when only a type is stored)."""
    cls: str = ""
    """The type (:attr:`.values.Value.cls`) of the object stored, when ``label`` is None."""

    def __post_init__(self) -> None:
        if (self.label is None) == (not self.cls):
            raise ValueError(f"a field write stores a label or a type: {self!r}")

    def __reduce__(self) -> tuple[type[FieldWrite], tuple[object, ...]]:
        """Pickle as a plain constructor call."""
        return FieldWrite, (self.field, self.label, self.cls)

    @property
    def key(self) -> tuple[str, object, str]:
        """Identity ignoring the trace."""
        return self.field, self.label.key if self.label else None, self.cls


@dataclass(frozen=True, slots=True)
class Flow:
    """Untrusted data reaching a sink: one finding to report."""

    cwe: CweId
    """The weakness."""
    sink: Location
    """Where the sink call is."""
    sink_name: str
    """The sink's name."""
    trace: tuple[TraceStep, ...]
    """Steps from the source to the sink."""
    resolved: bool
    """Whether every call on the path was resolved."""
    heuristic: bool = False
    """Whether a heuristic (optional) source started it."""

    def __reduce__(self) -> tuple[type[Flow], tuple[object, ...]]:
        """Pickle as a plain constructor call (the results cache holds many of these)."""
        return Flow, tuple(getattr(self, f) for f in self.__slots__)


@dataclass(frozen=True, slots=True)
class Summary:
    """What one function does with taint."""

    returns: frozenset[Label] = frozenset()
    """Parameter labels (``param >= 0``) and source labels that reach the return value."""
    sinks: tuple[ParamSink, ...] = ()
    """Parameters that reach sinks."""
    cls: str = ""
    """Project class or library type (:attr:`.values.Value.cls`) of every object returned."""
    fields: tuple[FieldWrite, ...] = ()
    """Data it stores in fields of objects."""

    def __reduce__(self) -> tuple[type[Summary], tuple[object, ...]]:
        """Pickle as a plain constructor call (the results cache holds many of these)."""
        return Summary, tuple(getattr(self, f) for f in self.__slots__)

    @property
    def key(self) -> tuple[frozenset[object], frozenset[object], str, frozenset[object]]:
        """Identity ignoring traces; the fixpoint stops when no key changes."""
        return (
            frozenset(lb.key for lb in self.returns),
            frozenset(s.key for s in self.sinks),
            self.cls,
            frozenset(f.key for f in self.fields),
        )

    def stored(self) -> dict[str, frozenset[Label]]:
        """Source labels it stores, by field."""
        out: dict[str, set[Label]] = {}
        for f in self.fields:
            if f.label is not None and f.label.param < 0:
                out.setdefault(f.field, set()).add(f.label)
        return {k: frozenset(v) for k, v in out.items()}

    def kinds(self) -> dict[str, frozenset[str]]:
        """Types of the objects it stores, by field."""
        out: dict[str, set[str]] = {}
        for f in self.fields:
            if f.label is None:
                out.setdefault(f.field, set()).add(f.cls)
        return {k: frozenset(v) for k, v in out.items()}


@dataclass(slots=True)
class SummaryTable:
    """Summaries of every function, who calls whom, and the latest flows per function."""

    summaries: dict[str, Summary] = field(default_factory=dict)
    """Function qualified name -> its current summary."""
    callers: dict[str, set[str]] = field(default_factory=dict)
    """Function qualified name -> functions whose analysis used its summary."""
    flows: dict[str, list[Flow]] = field(default_factory=dict)
    """Function qualified name -> flows found in its latest analysis."""
    stores: dict[str, dict[str, frozenset[Label]]] = field(default_factory=dict)
    """Field (:attr:`FieldWrite.field`) -> writing function -> source labels it stores there.
    Readers of a field are recorded in :attr:`callers` under the field's name."""
    kinds: dict[str, dict[str, frozenset[str]]] = field(default_factory=dict)
    """Field -> writing function -> types of the objects it stores there."""

    def get(self, callee: str, caller: str) -> Summary:
        """The summary of ``callee``, remembering that ``caller`` depends on it."""
        self.callers.setdefault(callee, set()).add(caller)
        return self.summaries.get(callee, Summary())

    def read_field(self, name: str, reader: str) -> frozenset[Label]:
        """Source labels stored in field ``name``, remembering that ``reader`` read it."""
        self.callers.setdefault(name, set()).add(reader)
        return frozenset().union(*self.stores.get(name, {}).values())

    def field_kind(self, name: str) -> str:
        """The type of every object stored in field ``name``, if they agree."""
        kinds = frozenset().union(*self.kinds.get(name, {}).values())
        return next(iter(kinds)) if len(kinds) == 1 else ""

    def update(self, qname: str, summary: Summary, flows: list[Flow]) -> list[str]:
        """Store a new analysis; return the functions to re-analyse: callers when the summary
        changed, readers of the fields whose stored sources or types changed."""
        self.flows[qname] = flows
        old = self.summaries.get(qname)
        self.summaries[qname] = summary
        again = _store(self.stores, qname, old.stored() if old else {}, summary.stored())
        again |= _store(self.kinds, qname, old.kinds() if old else {}, summary.kinds())
        readers = sorted({r for name in again for r in self.callers.get(name, ())})
        if old is not None and old.key == summary.key:
            return readers
        if old is None and not (summary.returns or summary.sinks or summary.cls or summary.fields):
            return readers
        return sorted({*self.callers.get(qname, ()), *readers})

    def returns_source(self, qname: str) -> bool:
        """Whether the current summary of ``qname`` returns data read from a source."""
        summary = self.summaries.get(qname)
        return summary is not None and any(lb.param < 0 for lb in summary.returns)

    def all_flows(self) -> list[Flow]:
        """Every flow, deduplicated by sink and CWE (the most confident, shortest trace wins)."""
        best: dict[tuple[CweId, Location], Flow] = {}
        for flows in self.flows.values():
            for f in flows:
                key = (f.cwe, f.sink)
                old = best.get(key)
                if old is None or _rank(f) < _rank(old):
                    best[key] = f
        return sorted(best.values(), key=lambda f: (f.sink.path, f.sink.start_line, f.cwe))


def _store(
    store: dict[str, dict[str, frozenset[Any]]],
    writer: str,
    old: dict[str, frozenset[Any]],
    new: dict[str, frozenset[Any]],
) -> set[str]:
    """Replace what ``writer`` stores; return the fields whose content changed."""
    changed: set[str] = set()
    for name in old.keys() | new.keys():
        items = new.get(name, frozenset())
        if items:
            store.setdefault(name, {})[writer] = items
        else:
            store.get(name, {}).pop(writer, None)
        if {_identity(i) for i in items} != {_identity(i) for i in old.get(name, ())}:
            changed.add(name)
    return changed


def _identity(item: object) -> object:
    return item.key if isinstance(item, Label) else item


def _rank(f: Flow) -> tuple[bool, bool, int]:
    return f.heuristic, not f.resolved, len(f.trace)
