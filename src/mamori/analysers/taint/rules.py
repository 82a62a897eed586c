"""Taint rules as data: sources, sinks, sanitisers, guards and propagators in YAML.

The shipped pack is ``rules/python.yaml`` next to this module; ``settings.option("taint_rules")``
names extra YAML files whose entries are added to it (lists are appended, the ``weaknesses``
table and ``request_objects`` are merged key by key, ``route_decorators`` appended).

Format (every key optional)::

    weaknesses:              # CWE number -> how findings for it are named
      89: {name: sql-injection, title: SQL injection, severity: high}
    request_objects:         # what counts as an HTTP request object
      qualified: [flask.request]          # imported names
      annotations: [fastapi.Request]      # parameter annotations
      param_names: [request]              # parameter names (Django views)
      item_types:                         # type of the items of a request attribute
        files: werkzeug.datastructures.FileStorage   # request.files["f"] is an upload
    route_decorators: ["*.route", "*.get"] # decorated functions' parameters are sources
    sources:
      - request_attributes: [args, form]  # request.args, request.form ...
        request_methods: [get_json]       # request.get_json() ...
      - qualified: sys.argv               # an attribute read or call by resolved name
        note: command-line argument       # trace note
        option: environ                   # only when settings option ``taint_<option>`` is true
    sinks:
      - call: "*.execute"                 # "*.name": a method on any object; else fnmatch on
        cwe: 89                           #   the resolved dotted name (``subprocess.run``)
        arg: 0                            # positional index of the dangerous argument
        keyword: sql                      # ... or its keyword name
        element: 0                        # only this element of a list/tuple argument
        when: [{keyword: shell, equals: true}]         # every condition must hold
        unless: [{keyword: Loader, position: 1, matches: "*Safe*"}]  # none may hold
    stores:                               # ``obj[key] = value`` sinks
      - object: flask.session
        cwe: 501
    sanitisers:                           # calls whose result is clean for these CWEs
      - call: shlex.quote
        cwes: [78]                        # omit for "every CWE"
    guards:                               # ``if call(x):`` cleans x in the true branch
      - call: "*url_has_allowed_host_and_scheme"
        cwes: [601]
    propagators:                          # calls known to pass taint from args/receiver
      - call: "*.strip"
    tags:                                 # calls whose result carries a named property
      - call: lxml.etree.XMLParser
        tag: unsafe-xml-parser
        when: [{keyword: resolve_entities, equals: true}]

A condition names a ``keyword`` (and optionally the ``position`` the same argument may take)
and holds when that argument is a constant ``equals`` to the value, its source text matches the
``matches`` glob, or its value carries ``tag``; ``present: true`` holds when it is given at all.
"""

from __future__ import annotations

import fnmatch
import functools
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from mamori.errors import ConfigError
from mamori.model import CweId, Severity

__all__ = [
    "SHIPPED_RULES",
    "Condition",
    "RulePack",
    "Sink",
    "Weakness",
    "load_rules",
    "name_matches",
]

log = logging.getLogger(__name__)

SHIPPED_RULES = Path(__file__).parent / "rules" / "python.yaml"
"""The rule pack that ships with Mamori."""

ALL_CWES = CweId(0)
"""Stands for "every CWE" in a sanitiser's list."""


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class _Condition(_Model):
    keyword: str
    position: int | None = None
    equals: bool | int | str | None = None
    matches: str | None = None
    tag: str | None = None
    present: bool | None = None


class _Weakness(_Model):
    name: str = Field(min_length=1)
    title: str = Field(min_length=1)
    severity: str = "medium"


class _RequestObjects(_Model):
    qualified: list[str] = []
    annotations: list[str] = []
    param_names: list[str] = []
    item_types: dict[str, str] = {}


class _Source(_Model):
    request_attributes: list[str] = []
    request_methods: list[str] = []
    qualified: str | None = None
    note: str = ""
    option: str | None = None


class _Sink(_Model):
    call: str = Field(min_length=1)
    cwe: int = Field(gt=0)
    arg: int | None = None
    keyword: str | None = None
    element: int | None = None
    when: list[_Condition] = []
    unless: list[_Condition] = []


class _Store(_Model):
    object: str = Field(min_length=1)
    cwe: int = Field(gt=0)


class _CallRule(_Model):
    call: str = Field(min_length=1)
    cwes: list[int] = []
    tag: str | None = None
    when: list[_Condition] = []


class _Pack(_Model):
    version: int = 1
    weaknesses: dict[int, _Weakness] = {}
    request_objects: _RequestObjects = _RequestObjects()
    route_decorators: list[str] = []
    sources: list[_Source] = []
    sinks: list[_Sink] = []
    stores: list[_Store] = []
    sanitisers: list[_CallRule] = []
    guards: list[_CallRule] = []
    propagators: list[_CallRule] = []
    tags: list[_CallRule] = []


@dataclass(frozen=True, slots=True)
class Condition:
    """One test on a call's argument (see the module docstring)."""

    keyword: str
    """Keyword name of the argument."""
    position: int | None
    """Positional index the same argument may be passed at."""
    equals: bool | int | str | None
    """Constant the argument must equal."""
    matches: str | None
    """Glob its source text must match."""
    tag: str | None
    """Tag its value must carry."""
    present: bool | None
    """Whether it must (True) be given at all."""


@dataclass(frozen=True, slots=True)
class Weakness:
    """How findings of one CWE are named."""

    cwe: CweId
    """The CWE number."""
    name: str
    """Short kebab-case name used in the rule id (``taint.<name>``)."""
    title: str
    """Human title."""
    severity: Severity
    """Severity of a finding."""


@dataclass(frozen=True, slots=True)
class Sink:
    """A call whose argument must not carry taint."""

    call: str
    """Name pattern of the call."""
    cwe: CweId
    """The weakness reached."""
    arg: int | None
    """Positional index of the argument."""
    keyword: str | None
    """Keyword name of the argument."""
    element: int | None
    """Element of a sequence argument that matters, if only one does."""
    when: tuple[Condition, ...]
    """Conditions that must all hold."""
    unless: tuple[Condition, ...]
    """Conditions none of which may hold."""


@dataclass(frozen=True, slots=True)
class CallRule:
    """A sanitiser, guard, propagator or tag rule on a call."""

    call: str
    """Name pattern of the call."""
    cwes: frozenset[CweId]
    """CWEs it applies to (``ALL_CWES`` for every one)."""
    tag: str
    """Tag the result carries (tag rules)."""
    when: tuple[Condition, ...]
    """Conditions that must all hold."""


@dataclass(frozen=True, slots=True)
class SourceRule:
    """Where untrusted data enters."""

    request_attributes: frozenset[str]
    """Attributes of a request object that are untrusted."""
    request_methods: frozenset[str]
    """Methods of a request object whose result is untrusted."""
    qualified: str
    """Resolved dotted name of an untrusted attribute or call (empty if none)."""
    note: str
    """Trace note when read."""
    option: str
    """Settings option (``taint_<option>``) that must be true, empty for always."""


@dataclass(frozen=True, slots=True)
class RulePack:
    """Every rule the engine uses."""

    weaknesses: dict[CweId, Weakness]
    """Naming and severity per CWE."""
    request_qualified: frozenset[str]
    """Imported names that are request objects."""
    request_annotations: frozenset[str]
    """Annotations that make a parameter a request object."""
    request_params: frozenset[str]
    """Parameter names that are request objects."""
    request_item_types: dict[str, str]
    """Type of the items of a request attribute (``files`` -> an uploaded file's type)."""
    route_decorators: tuple[str, ...]
    """Decorator name patterns that mark route handlers."""
    sources: tuple[SourceRule, ...]
    """Source rules."""
    sinks: tuple[Sink, ...]
    """Sink rules."""
    stores: dict[str, CweId]
    """Subscript-assignment sinks by object name."""
    sanitisers: tuple[CallRule, ...]
    """Sanitiser rules."""
    guards: tuple[CallRule, ...]
    """Guard rules."""
    propagators: tuple[CallRule, ...]
    """Propagator rules."""
    tags: tuple[CallRule, ...]
    """Tag rules."""

    def weakness(self, cwe: CweId) -> Weakness:
        """The naming of ``cwe``, with a generic fallback for CWEs the pack does not name."""
        return self.weaknesses.get(
            cwe,
            Weakness(cwe, f"cwe-{cwe}", f"Tainted data reaches a CWE-{cwe} sink", Severity.MEDIUM),
        )


@functools.lru_cache(maxsize=65536)
def name_matches(pattern: str, name: str, on_object: bool) -> bool:
    """Whether a call ``name`` matches ``pattern`` (``*.m`` = method ``m`` on any object)."""
    if pattern.startswith("*.") and "*" not in pattern[2:]:
        return on_object and name.endswith(pattern[1:])
    return fnmatch.fnmatchcase(name, pattern)


def load_rules(extra: Sequence[str | Path] = ()) -> RulePack:
    """The shipped pack plus ``extra`` YAML files, validated; ConfigError when invalid."""
    packs = [_read(SHIPPED_RULES), *(_read(Path(p)) for p in extra)]
    return _build(packs)


def _read(path: Path) -> _Pack:
    try:
        return _read_cached(path.resolve(), path.stat().st_mtime_ns)
    except OSError as e:
        raise ConfigError(
            f"cannot read taint rules {path}: {e}", hint="check the taint_rules option"
        ) from e


@functools.lru_cache(maxsize=32)
def _read_cached(path: Path, mtime_ns: int) -> _Pack:
    """Parse and validate one rule file (cached while it is unchanged)."""
    try:
        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        data: Any = yaml.load(path.read_text(encoding="utf-8"), Loader=loader)  # noqa: S506
        return _Pack.model_validate(data or {})
    except OSError as e:
        raise ConfigError(
            f"cannot read taint rules {path}: {e}", hint="check the taint_rules option"
        ) from e
    except (yaml.YAMLError, ValidationError, UnicodeDecodeError) as e:
        raise ConfigError(
            f"invalid taint rules in {path}: {e}",
            hint="see mamori.analysers.taint.rules for the format",
        ) from e


def _condition(c: _Condition) -> Condition:
    return Condition(c.keyword, c.position, c.equals, c.matches, c.tag, c.present)


def _call_rule(r: _CallRule) -> CallRule:
    cwes = frozenset(CweId(c) for c in r.cwes) or frozenset({ALL_CWES})
    return CallRule(r.call, cwes, r.tag or "", tuple(_condition(c) for c in r.when))


def _weakness(cwe: int, w: _Weakness) -> Weakness:
    try:
        severity = Severity.parse(w.severity)
    except ValueError as e:
        raise ConfigError(f"taint rules: CWE-{cwe}: {e}", hint="use low, medium or high") from e
    return Weakness(CweId(cwe), w.name, w.title, severity)


def _build(packs: list[_Pack]) -> RulePack:
    return RulePack(
        weaknesses={
            CweId(cwe): _weakness(cwe, w) for p in packs for cwe, w in p.weaknesses.items()
        },
        request_qualified=frozenset(q for p in packs for q in p.request_objects.qualified),
        request_annotations=frozenset(a for p in packs for a in p.request_objects.annotations),
        request_params=frozenset(n for p in packs for n in p.request_objects.param_names),
        request_item_types={a: t for p in packs for a, t in p.request_objects.item_types.items()},
        route_decorators=tuple(d for p in packs for d in p.route_decorators),
        sources=tuple(
            SourceRule(
                frozenset(s.request_attributes),
                frozenset(s.request_methods),
                s.qualified or "",
                s.note or (f"{s.qualified} read" if s.qualified else "request data read"),
                s.option or "",
            )
            for p in packs
            for s in p.sources
        ),
        sinks=tuple(
            Sink(
                s.call,
                CweId(s.cwe),
                s.arg,
                s.keyword,
                s.element,
                tuple(_condition(c) for c in s.when),
                tuple(_condition(c) for c in s.unless),
            )
            for p in packs
            for s in p.sinks
        ),
        stores={s.object: CweId(s.cwe) for p in packs for s in p.stores},
        sanitisers=tuple(_call_rule(r) for p in packs for r in p.sanitisers),
        guards=tuple(_call_rule(r) for p in packs for r in p.guards),
        propagators=tuple(_call_rule(r) for p in packs for r in p.propagators),
        tags=tuple(_call_rule(r) for p in packs for r in p.tags),
    )
