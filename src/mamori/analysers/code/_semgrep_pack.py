"""Mamori's own Semgrep rule pack: where it is, what it covers, and a hash of its content.

The pack lives in ``mamori/rules/semgrep/`` — one ``X.yaml`` per rule next to its labelled
examples ``X.py`` (``# ruleid:`` above vulnerable lines, ``# ok:`` above safe look-alikes), so
``semgrep --test --config rules/semgrep rules/semgrep`` checks every rule. All rules are
Mamori's own, written from the CWE definitions; none is copied from the Semgrep registry.
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import yaml

from mamori.model import CweId

__all__ = ["PACK_DIR", "pack_cwes", "pack_hash", "parse_cwes", "rule_ids"]

log = logging.getLogger(__name__)

PACK_DIR = Path(__file__).resolve().parents[2] / "rules" / "semgrep"
"""Mamori's own Semgrep rule pack (one ``X.yaml`` plus labelled ``X.py`` per rule)."""

_CWE = re.compile(r"CWE-(\d+)", re.IGNORECASE)
_RULE_SUFFIXES = (".yaml", ".yml")


def _rule_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.suffix in _RULE_SUFFIXES and p.is_file())


def _rules(folder: Path) -> Iterator[dict[str, Any]]:
    """Every rule mapping in the YAML files under ``folder`` (unreadable files are logged)."""
    for path in _rule_files(folder):
        try:
            doc = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except (OSError, UnicodeDecodeError, yaml.YAMLError) as e:
            log.warning("cannot read semgrep rule file %s: %s", path, e)
            continue
        rules = doc.get("rules", []) if isinstance(doc, dict) else []
        yield from (r for r in rules if isinstance(r, dict))


def pack_cwes(folder: Path = PACK_DIR) -> frozenset[CweId]:
    """Every CWE id named in the ``metadata.cwe`` of the rules under ``folder``."""
    found: set[CweId] = set()
    for rule in _rules(folder):
        meta = rule.get("metadata")
        found.update(parse_cwes(meta.get("cwe") if isinstance(meta, dict) else None))
    return frozenset(found)


def rule_ids(folders: Sequence[Path]) -> frozenset[str]:
    """The ids of the rules under ``folders``, as written in the rule files."""
    return frozenset(str(r["id"]) for f in folders for r in _rules(f) if r.get("id"))


def pack_hash(folder: Path = PACK_DIR) -> str:
    """8 hex digits identifying the content of the rule files under ``folder``."""
    digest = hashlib.sha256()
    for path in _rule_files(folder):
        digest.update(path.relative_to(folder).as_posix().encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()[:8]


def parse_cwes(value: object) -> tuple[CweId, ...]:
    """CWE ids from rule metadata (``"CWE-89: ..."`` or a list of such), in order, unique."""
    texts = [value] if isinstance(value, str) else value if isinstance(value, list) else []
    ids = (int(m) for text in texts if isinstance(text, str) for m in _CWE.findall(text))
    return tuple(CweId(i) for i in dict.fromkeys(ids))
