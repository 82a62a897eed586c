"""Load Sigma rule folders with pySigma, and map them onto Mamori's log events.

Files are parsed with libyaml (five times faster than pySigma's own loader on SigmaHQ) and
handed to :meth:`SigmaCollection.from_dicts` one file at a time, so a ``global`` action in one
file never leaks into the next. Rule references of correlation rules are resolved across every
loaded folder. Nothing is dropped in silence: a file that is not YAML, a rule pySigma rejects,
or a correlation whose referenced rule is missing becomes a :class:`RuleFailure` with the
reason.

Mapping is a pySigma processing pipeline per event family. Windows ``category`` log sources
(``process_creation``…) are resolved to the channel and EventID that carry them (Sysmon, or
the Security audit log with its own field names); :func:`variants` names each event family a
rule applies to with that family's field mapping (a pySigma pipeline).
"""

from __future__ import annotations

import copy
import logging
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from sigma.collection import SigmaCollection
from sigma.correlations import SigmaCorrelationRule
from sigma.exceptions import SigmaError
from sigma.processing.pipeline import ProcessingItem, ProcessingPipeline
from sigma.processing.transformations import FieldMappingTransformation
from sigma.rule import SigmaRule

__all__ = [
    "BUILTIN_RULES",
    "CATEGORY_EVENTS",
    "LoadedRules",
    "RuleFailure",
    "Scope",
    "load_rules",
    "load_text",
    "mapped_rule",
    "renames",
    "variants",
]

log = logging.getLogger(__name__)

BUILTIN_RULES = Path(__file__).parent / "rules"
"""Mamori's own rule pack."""

CATEGORY_EVENTS: dict[str, tuple[tuple[str, str], ...]] = {
    "process_creation": (("sysmon", "1"), ("security", "4688")),
    "file_change": (("sysmon", "2"),),
    "network_connection": (("sysmon", "3"),),
    "sysmon_status": (("sysmon", "4"), ("sysmon", "16")),
    "process_termination": (("sysmon", "5"),),
    "driver_load": (("sysmon", "6"),),
    "image_load": (("sysmon", "7"),),
    "create_remote_thread": (("sysmon", "8"),),
    "raw_access_thread": (("sysmon", "9"),),
    "process_access": (("sysmon", "10"),),
    "file_event": (("sysmon", "11"),),
    "registry_add": (("sysmon", "12"),),
    "registry_delete": (("sysmon", "12"),),
    "registry_set": (("sysmon", "13"),),
    "registry_rename": (("sysmon", "14"),),
    "registry_event": (("sysmon", "12"), ("sysmon", "13"), ("sysmon", "14")),
    "create_stream_hash": (("sysmon", "15"),),
    "pipe_created": (("sysmon", "17"), ("sysmon", "18")),
    "wmi_event": (("sysmon", "19"), ("sysmon", "20"), ("sysmon", "21")),
    "dns_query": (("sysmon", "22"),),
    "file_delete": (("sysmon", "23"), ("sysmon", "26")),
    "clipboard_capture": (("sysmon", "24"),),
    "process_tampering": (("sysmon", "25"),),
    "file_block_executable": (("sysmon", "27"),),
    "file_block_shredding": (("sysmon", "28"),),
    "file_executable_detected": (("sysmon", "29"),),
    "sysmon_error": (("sysmon", "255"),),
    "ps_module": (("powershell", "4103"),),
    "ps_script": (("powershell", "4104"),),
    "ps_classic_start": (("powershell-classic", "400"),),
    "ps_classic_provider_start": (("powershell-classic", "600"),),
    "ps_classic_script": (("powershell-classic", "800"),),
}
"""Windows Sigma categories and the (service, EventID) pairs whose events carry them."""

_SECURITY_4688 = ProcessingPipeline(
    name="mamori: process_creation on Security 4688",
    items=[
        ProcessingItem(
            FieldMappingTransformation(
                {
                    "Image": "NewProcessName",
                    "ParentImage": "ParentProcessName",
                    "User": "SubjectUserName",
                    "LogonId": "SubjectLogonId",
                }
            ),
            identifier="mamori_4688_fields",
        )
    ],
)
"""Field names of process creation as the Security audit log (EventID 4688) spells them."""

_FIELD_PIPELINES: dict[tuple[str, str], ProcessingPipeline] = {("security", "4688"): _SECURITY_4688}
_MAPPED_FIELDS: dict[tuple[str, str], frozenset[str]] = {
    ("security", "4688"): frozenset({"Image", "ParentImage", "User", "LogonId"})
}


@dataclass(frozen=True, slots=True)
class RuleFailure:
    """A rule (or whole file) that could not be loaded or mapped, and why."""

    source: str
    """File the rule came from."""
    title: str
    """Rule title, or empty when the whole file failed."""
    reason: str
    """What was wrong, in words a rule author can act on."""


@dataclass(frozen=True, slots=True)
class Scope:
    """Which events one rule variant applies to."""

    product: str = ""
    """Required product (``windows``, ``linux``), empty for any."""
    service: str = ""
    """Required service (``sshd``, ``security``), empty for any."""
    category: str = ""
    """Required category when the event names one itself, empty for any."""
    channel_events: frozenset[tuple[str, str]] = frozenset()
    """(service, EventID) pairs that also carry the category; empty when not resolved."""
    excluded: frozenset[tuple[str, str]] = frozenset()
    """(service, EventID) pairs another variant of the rule covers with its field mapping."""


@dataclass(frozen=True, slots=True)
class LoadedRules:
    """What loading some rule folders produced."""

    rules: tuple[SigmaRule, ...] = ()
    """Detection rules, in load order."""
    correlations: tuple[SigmaCorrelationRule, ...] = ()
    """Correlation rules, each after the rules it refers to."""
    failures: tuple[RuleFailure, ...] = ()
    """Everything that could not be loaded, with reasons."""
    files: int = 0
    """How many rule files were read."""
    sources: dict[int, str] = field(default_factory=dict, compare=False)
    """Source file of each rule, keyed by ``id()`` of the rule object."""


def load_rules(paths: Iterable[str | Path]) -> LoadedRules:
    """Load every ``*.yml``/``*.yaml`` file under ``paths`` (files or folders)."""
    files = sorted(_rule_files(paths))
    return _load_docs((str(p), _read_docs(p)) for p in files)


def load_text(text: str, source: str = "<text>") -> LoadedRules:
    """Load rules from one YAML text (tests, inline rule packs)."""
    return _load_docs([(source, _parse_docs(text, source))])


def _rule_files(paths: Iterable[str | Path]) -> Iterator[Path]:
    for raw in paths:
        path = Path(raw)
        if path.is_file():
            yield path
        elif path.is_dir():
            yield from (p for p in path.rglob("*") if p.suffix in (".yml", ".yaml") and p.is_file())
        else:
            log.warning("sigma rule path %s does not exist", path)


def _read_docs(path: Path) -> list[object] | RuleFailure:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        return RuleFailure(str(path), "", f"cannot read rule file: {e}")
    return _parse_docs(text, str(path))


def _parse_docs(text: str, source: str) -> list[object] | RuleFailure:
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        return [d for d in yaml.load_all(text, Loader=loader) if d is not None]  # noqa: S506
    except yaml.YAMLError as e:
        return RuleFailure(source, "", f"not valid YAML: {e}")


def _load_docs(parsed: Iterable[tuple[str, list[object] | RuleFailure]]) -> LoadedRules:
    rules: list[SigmaRule] = []
    corr: list[SigmaCorrelationRule] = []
    failures: list[RuleFailure] = []
    sources: dict[int, str] = {}
    files = 0
    for source, docs in parsed:
        files += 1
        if isinstance(docs, RuleFailure):
            failures.append(docs)
            continue
        for rule in _collection(source, docs, failures):
            if rule.errors:
                failures.append(RuleFailure(source, rule.title, _reason(rule.errors[0])))
                continue
            sources[id(rule)] = source
            (corr if isinstance(rule, SigmaCorrelationRule) else rules).append(rule)  # type: ignore[arg-type]
    good_corr = _resolve(rules, corr, sources, failures)
    return LoadedRules(tuple(rules), tuple(good_corr), tuple(failures), files, sources)


def _collection(
    source: str, docs: list[object], failures: list[RuleFailure]
) -> list[SigmaRule | SigmaCorrelationRule]:
    if not all(isinstance(d, dict) for d in docs):
        failures.append(RuleFailure(source, "", "a YAML document is not a mapping"))
        return []
    try:
        coll = SigmaCollection.from_dicts(docs, collect_errors=True, resolve_references=False)  # type: ignore[arg-type]
    except (SigmaError, TypeError, ValueError, KeyError, AttributeError) as e:
        failures.append(RuleFailure(source, "", _reason(e)))
        return []
    return list(coll.rules)


def _resolve(
    rules: list[SigmaRule],
    corr: list[SigmaCorrelationRule],
    sources: dict[int, str],
    failures: list[RuleFailure],
) -> list[SigmaCorrelationRule]:
    """Resolve correlation references; order correlations after what they refer to."""
    whole = SigmaCollection([*rules, *corr], resolve_references=False)
    good: list[SigmaCorrelationRule] = []
    for rule in corr:
        try:
            rule.resolve_rule_references(whole)
        except SigmaError as e:
            failures.append(RuleFailure(sources.get(id(rule), ""), rule.title, _reason(e)))
            continue
        good.append(rule)
    return _referenced_first(good)


def _referenced_first(corr: list[SigmaCorrelationRule]) -> list[SigmaCorrelationRule]:
    done: dict[int, SigmaCorrelationRule] = {}

    def place(rule: SigmaCorrelationRule) -> None:
        if id(rule) in done:
            return
        done[id(rule)] = rule  # placed before recursing: a cycle cannot loop forever
        for ref in rule.rules or ():
            if isinstance(ref.rule, SigmaCorrelationRule) and ref.rule in corr:
                del done[id(rule)]
                place(ref.rule)
                done[id(rule)] = rule

    for rule in corr:
        place(rule)
    return list(done.values())


def _reason(error: Exception) -> str:
    text = str(error).strip().splitlines()
    return text[0] if text else type(error).__name__


def variants(rule: SigmaRule) -> Iterator[tuple[Scope, ProcessingPipeline | None]]:
    """The event families ``rule`` applies to, each with the field mapping to apply for it
    (None: the rule's own field names)."""
    ls = rule.logsource
    product, service, category = (ls.product or ""), (ls.service or ""), (ls.category or "")
    pairs = CATEGORY_EVENTS.get(category, ()) if product in ("windows", "") else ()
    used = _fields(rule.detection.detections.values()) if pairs else set()
    mapped = [p for p in pairs if p in _FIELD_PIPELINES and used & _MAPPED_FIELDS[p]]
    plain = Scope(
        product, service, category, frozenset(pairs) - frozenset(mapped), frozenset(mapped)
    )
    yield plain, None
    for pair in mapped:  # a rule that does not use a renamed field needs no mapping
        family = Scope(product or "windows", service, f"{category}@{pair[0]}", frozenset({pair}))
        yield family, _FIELD_PIPELINES[pair]


def mapped_rule(rule: SigmaRule, pipeline: ProcessingPipeline) -> SigmaRule:
    """A copy of ``rule`` with ``pipeline`` applied (the general way to map a rule).

    Raises :class:`sigma.exceptions.SigmaError` when the mapping cannot be applied.
    """
    copied = copy.deepcopy(rule)
    pipeline.apply(copied)
    return copied


def renames(pipeline: ProcessingPipeline) -> dict[str, str] | None:
    """The field renames ``pipeline`` amounts to, when it is nothing but one-to-one field
    mappings applied unconditionally; None otherwise (then use :func:`mapped_rule`).

    The engine then compiles the rule's own condition with the fields renamed, instead of
    deep-copying each rule (which took a third of the time to load SigmaHQ's Windows rules).
    """
    found: dict[str, str] = {}
    for item in pipeline.items:
        t = item.transformation
        conditional = (
            item.rule_conditions
            or item.rule_condition_expression
            or item.detection_item_conditions
            or item.detection_item_condition_expression
            or item.field_name_conditions
            or item.field_name_condition_expression
        )
        if type(t) is not FieldMappingTransformation or conditional:
            return None
        for name, target in t.mapping.items():
            if not isinstance(target, str) or name is None:
                return None
            found[name] = target
    return found


def _fields(items: Iterable[object]) -> set[str]:
    """Field names used anywhere in detections / detection items."""
    found: set[str] = set()
    for item in items:
        nested = getattr(item, "detection_items", None)
        if nested is not None:
            found |= _fields(nested)
        elif (name := getattr(item, "field", None)) is not None:
            found.add(name)
    return found


def describe(failures: Sequence[RuleFailure]) -> str:
    """A one-line summary of failures for logs (``3 rules failed: …``)."""
    if not failures:
        return "all rules loaded"
    first = failures[0]
    return f"{len(failures)} rules failed; first: {first.source}: {first.title}: {first.reason}"
