"""SARIF tool components: one extension per analyser, owning the rules it reported.

Rule descriptors carry what GitHub code scanning shows and filters on: a short and full
description, help text (plain and Markdown) with the CWE and the analyser's own link, the
``security`` and ``external/cwe/cwe-N`` tags, ``security-severity`` and ``precision``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from mamori.model import Confidence, CweId, Finding, ScanResult, Severity
from mamori.report._markdown_text import escape
from mamori.report._text import clean, plain

_LEVEL = {
    Severity.CRITICAL: "error",
    Severity.HIGH: "error",
    Severity.MEDIUM: "warning",
    Severity.LOW: "note",
    Severity.INFO: "note",
}
_SECURITY_SEVERITY = {  # GitHub's bands: >=9 critical, 7-8.9 high, 4-6.9 medium, 0.1-3.9 low
    Severity.CRITICAL: "9.5",
    Severity.HIGH: "8.0",
    Severity.MEDIUM: "5.5",
    Severity.LOW: "3.0",
}
_PRECISION = {Confidence.HIGH: "high", Confidence.MEDIUM: "medium", Confidence.LOW: "low"}


def level(severity: Severity) -> str:
    """The SARIF result level for a severity."""
    return _LEVEL[severity]


def rule_id(finding: Finding) -> str:
    """The SARIF rule id: ``<analyser>/<rule>``, unique across analysers."""
    return plain(f"{finding.analyser}/{finding.rule_id}")


@dataclass(frozen=True, slots=True)
class _Rule:
    """What the findings of one analyser rule say about it, merged."""

    id: str
    """SARIF rule id (``bandit/B608``)."""
    finding: Finding
    """The first finding seen for the rule (title, help link)."""
    severity: Severity
    """Highest severity reported under the rule."""
    confidence: Confidence
    """Highest confidence reported under the rule."""
    cwe: tuple[CweId, ...]
    """Every CWE reported under the rule, first seen first."""


@dataclass(frozen=True, slots=True)
class Catalogue:
    """The analysers of a run (SARIF extensions) and their rules, with stable indices."""

    versions: Mapping[str, str]
    """Analyser id → version, in extension order."""
    rules: Mapping[str, tuple[_Rule, ...]]
    """Analyser id → its rules, in rule-index order."""
    indices: Mapping[str, tuple[int, int]]
    """SARIF rule id → (extension index, rule index)."""

    @classmethod
    def build(cls, result: ScanResult) -> Catalogue:
        """Collect analysers from the run records and every finding, and rules from findings."""
        versions = {r.analyser: r.version for r in result.analysers}
        merged: dict[str, dict[str, _Rule]] = {}
        for f in result.findings:
            versions.setdefault(f.analyser, f.analyser_version)
            own = merged.setdefault(f.analyser, {})
            rid = rule_id(f)
            own[rid] = _merge(own.get(rid), rid, f)
        rules = {a: tuple(merged.get(a, {}).values()) for a in versions}
        indices = {
            r.id: (component, index)
            for component, analyser in enumerate(versions)
            for index, r in enumerate(rules[analyser])
        }
        return cls(versions=versions, rules=rules, indices=indices)

    def extensions(self) -> list[dict[str, Any]]:
        """``tool.extensions``: one component per analyser, rules included."""
        return [
            {
                "name": plain(analyser),
                "version": plain(version) or "0",
                "rules": [_descriptor(r) for r in self.rules[analyser]],
            }
            for analyser, version in self.versions.items()
        ]

    def reference(self, finding: Finding) -> dict[str, Any]:
        """``ruleId`` and ``rule`` (with its extension index) for a result about ``finding``."""
        rid = rule_id(finding)
        component, index = self.indices[rid]
        return {
            "ruleId": rid,
            "rule": {"id": rid, "index": index, "toolComponent": {"index": component}},
        }


def _merge(old: _Rule | None, rid: str, f: Finding) -> _Rule:
    if old is None:
        return _Rule(rid, f, f.severity, f.confidence, f.cwe)
    cwe = old.cwe + tuple(c for c in f.cwe if c not in old.cwe)
    return _Rule(rid, old.finding, max(old.severity, f.severity),
                 max(old.confidence, f.confidence), cwe)  # fmt: skip


def _descriptor(rule: _Rule) -> dict[str, Any]:
    f = rule.finding
    title = clean(f.title, multiline=False)
    cwes = ", ".join(f"CWE-{int(c)}" for c in rule.cwe)
    props: dict[str, Any] = {
        "tags": ["security", *(f"external/cwe/cwe-{int(c)}" for c in rule.cwe)],
        "precision": _PRECISION[rule.confidence],
    }
    if rule.severity in _SECURITY_SEVERITY:
        props["security-severity"] = _SECURITY_SEVERITY[rule.severity]
    out: dict[str, Any] = {
        "id": rule.id,
        "name": plain(f.rule_id),
        "shortDescription": {"text": title},
        "fullDescription": {"text": f"{title} ({cwes})" if cwes else title},
        "help": _help(rule, title),
        "defaultConfiguration": {"level": level(rule.severity)},
        "properties": props,
    }
    if _is_web_uri(f.help_uri):
        out["helpUri"] = f.help_uri
    return out


def _help(rule: _Rule, title: str) -> dict[str, str]:
    f = rule.finding
    origin = f"Reported by the {plain(f.analyser)} analyser, rule {plain(f.rule_id)}."
    verdict = "Mamori fuses the analysers' claims; each result says who agreed and why."
    text = [title, origin, verdict]
    md = [f"**{escape(title)}**", escape(origin), verdict]
    for c in rule.cwe:
        link = f"https://cwe.mitre.org/data/definitions/{int(c)}.html"
        text.append(f"CWE-{int(c)}: {link}")
        md.append(f"[CWE-{int(c)}]({link})")
    if _is_web_uri(f.help_uri):
        text.append(f"More: {f.help_uri}")
        md.append(f"[More about this rule]({f.help_uri})")
    return {"text": "\n\n".join(text), "markdown": "\n\n".join(md)}


def _is_web_uri(uri: str) -> bool:
    parts = urlsplit(uri)
    return parts.scheme in {"http", "https"} and bool(parts.netloc) and uri.isprintable()
