"""Semgrep's ``--json`` report, parsed at the trust boundary (pydantic, unknown keys ignored).

Only the parts Mamori uses are modelled: results (rule id, range, message, severity, metadata,
optional data-flow trace), errors (per-file parse failures and timeouts, or fatal rule errors)
and the list of scanned paths.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from mamori.model import Location, TraceStep
from mamori.redact import redact_known_patterns, truncate

__all__ = ["DataflowTrace", "Output", "Result", "SemgrepError", "trace_steps"]

_NOTE_LIMIT = 80


class _Model(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


class Position(_Model):
    """A point in a file (1-based line and column)."""

    line: int = 0
    col: int = 0


class _Span(_Model):
    path: str = ""
    start: Position = Position()
    end: Position = Position()


class _LocatedCode(_Model):
    location: _Span
    content: str = ""


class DataflowTrace(_Model):
    """How tainted data reached a sink: source, intermediate variables, sink."""

    taint_source: Any = None
    intermediate_vars: list[_LocatedCode] = []
    taint_sink: Any = None


class Extra(_Model):
    """The rule-specific part of a result."""

    message: str = ""
    severity: str = "INFO"
    metadata: dict[str, Any] = {}
    dataflow_trace: DataflowTrace | None = None


class Result(_Model):
    """One match of one rule."""

    check_id: str = Field(min_length=1)
    path: str = Field(min_length=1)
    start: Position
    end: Position
    extra: Extra = Extra()


class SemgrepError(_Model):
    """One problem Semgrep reports: about a file (``path`` set) or about the run."""

    level: str = "error"
    type: Any = None
    message: str = ""
    path: str | None = None
    rule_id: str | None = None

    @property
    def kind(self) -> str:
        """The error type's name (``PartialParsing``, ``Timeout``…)."""
        if isinstance(self.type, list) and self.type and isinstance(self.type[0], str):
            return self.type[0]
        return self.type if isinstance(self.type, str) else "error"

    def reason(self) -> str:
        """The problem in words an operator can act on."""
        text = " ".join(self.message.split())
        if self.kind == "Timeout":
            return f"semgrep timed out running rule {self.rule_id or '?'} on it"
        if self.kind in {"PartialParsing", "Syntax error", "Lexical error"}:
            return f"semgrep could only partly parse it: {text}"
        return f"semgrep {self.kind}: {text or 'no message'}"


class _Paths(_Model):
    scanned: list[str] = []


class Output(_Model):
    """The whole report."""

    version: str = ""
    results: list[Result] = []
    errors: list[SemgrepError] = []
    paths: _Paths = _Paths()


def trace_steps(
    trace: DataflowTrace | None, display: Callable[[str], str]
) -> tuple[TraceStep, ...]:
    """Source → intermediate variables → sink, as trace steps (``()`` without a trace)."""
    if trace is None:
        return ()
    steps: list[TraceStep] = []
    source = _call_trace_end(trace.taint_source)
    if source is not None:
        steps.append(_step(source, "taint source", display))
    steps += [_step(v, "flows through", display) for v in trace.intermediate_vars]
    sink = _call_trace_end(trace.taint_sink)
    if sink is not None:
        steps.append(_step(sink, "reaches sink", display))
    return tuple(steps)


def _call_trace_end(value: Any) -> _LocatedCode | None:
    """The location in ``["CliLoc", [loc, code]]`` or ``["CliCall", [[loc, code], …]]``."""
    if not (isinstance(value, list) and len(value) == 2 and isinstance(value[1], list)):
        return None
    kind, body = value
    candidate = body[0] if kind == "CliCall" and body else body
    if isinstance(candidate, list) and len(candidate) == 2:
        candidate = {"location": candidate[0], "content": candidate[1]}
    try:
        return _LocatedCode.model_validate(candidate)
    except ValidationError:
        return None


def _step(code: _LocatedCode, what: str, display: Callable[[str], str]) -> TraceStep:
    span = code.location
    line = max(span.start.line, 0)
    location = Location(
        display(span.path) if span.path else "", line, max(span.end.line, line), span.start.col
    )
    snippet = truncate(redact_known_patterns(" ".join(code.content.split())), _NOTE_LIMIT)
    return TraceStep(location, f"{what}: {snippet}" if snippet else what)
