"""Per-function taint summaries and the flows the engine reports.

A :class:`Summary` says, for one function, which parameters (and which sources read inside
it) reach its return value, and which parameters reach a sink of which CWE, with the trace
from the parameter to the sink. Callers apply a callee's summary instead of re-reading its
body, so the analysis is compositional; summaries are recomputed until none changes, which
settles recursion.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from mamori.analysers.taint.values import Label
from mamori.model import CweId, Location, TraceStep

__all__ = ["Flow", "ParamSink", "Summary", "SummaryTable"]


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

    def __reduce__(self) -> tuple[type[Summary], tuple[object, ...]]:
        """Pickle as a plain constructor call (the results cache holds many of these)."""
        return Summary, tuple(getattr(self, f) for f in self.__slots__)

    @property
    def key(self) -> tuple[frozenset[object], frozenset[object]]:
        """Identity ignoring traces; the fixpoint stops when no key changes."""
        return (
            frozenset(lb.key for lb in self.returns),
            frozenset(s.key for s in self.sinks),
        )


@dataclass(slots=True)
class SummaryTable:
    """Summaries of every function, who calls whom, and the latest flows per function."""

    summaries: dict[str, Summary] = field(default_factory=dict)
    """Function qualified name -> its current summary."""
    callers: dict[str, set[str]] = field(default_factory=dict)
    """Function qualified name -> functions whose analysis used its summary."""
    flows: dict[str, list[Flow]] = field(default_factory=dict)
    """Function qualified name -> flows found in its latest analysis."""

    def get(self, callee: str, caller: str) -> Summary:
        """The summary of ``callee``, remembering that ``caller`` depends on it."""
        self.callers.setdefault(callee, set()).add(caller)
        return self.summaries.get(callee, Summary())

    def update(self, qname: str, summary: Summary, flows: list[Flow]) -> Iterable[str]:
        """Store a new analysis; return the callers to re-analyse when the summary changed."""
        self.flows[qname] = flows
        old = self.summaries.get(qname)
        self.summaries[qname] = summary
        if old is not None and old.key == summary.key:
            return ()
        if old is None and not summary.returns and not summary.sinks:
            return ()
        return sorted(self.callers.get(qname, ()))

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


def _rank(f: Flow) -> tuple[bool, bool, int]:
    return f.heuristic, not f.resolved, len(f.trace)
