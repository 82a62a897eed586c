"""Secrets: hard-coded credentials found by Yelp's detect-secrets, never repeated back.

Every text file is scanned in-process with detect-secrets' default plugins and default filters
(templated values, ``${VAR}`` references, UUIDs, sequential strings and ``pragma: allowlist
secret`` lines are not reported). Lock files and minified or source-map assets are not taken:
their hashes and blobs are noise. The *Public IP* plugin is left out: an address is not a
credential, and reporting it as CWE-798 would be wrong.

Each secret becomes one finding (CWE-798) whose rule id is the secret type as a slug
(``aws-access-key``). Format-specific detectors (AWS, private keys, GitHub, Slack, Stripe,
JWT…) report HIGH severity with HIGH confidence; the keyword detector (``password = "…"``)
MEDIUM/MEDIUM; the high-entropy string detectors MEDIUM/LOW.

The secret value itself goes nowhere: the evidence is the line with the value replaced by
``[REDACTED:<type>]``, the message names only the type, and the only value-derived property
is detect-secrets' own SHA-1 ``hashed_secret`` (what its baselines store). The fingerprint
hashes the line text; it is never stored.
"""

from __future__ import annotations

import locale
import logging
import os
import re
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from functools import cache
from importlib import metadata
from pathlib import Path, PurePath
from typing import TYPE_CHECKING, Any

from mamori.analysers.interface import Analyser, read_lines
from mamori.model import (
    Confidence,
    CweId,
    Finding,
    Location,
    Severity,
    Skipped,
    Target,
    line_fingerprint,
)
from mamori.redact import marker, redact_known_patterns, redact_value, token_spans, truncate
from mamori.targets import display_path

if TYPE_CHECKING:
    from detect_secrets.core.potential_secret import PotentialSecret

__all__ = ["SecretsAnalyser", "secret_slug"]

log = logging.getLogger(__name__)

EVIDENCE_LIMIT = 200
"""Longest evidence excerpt, in characters, after redaction."""

WEAKNESS = "hardcoded-credential"
"""The weakness class every secret is fingerprinted under (as CWE-798 maps to)."""

EXCLUDED_PLUGINS = frozenset({"IPPublicDetector"})
"""detect-secrets plugins not run: they find things that are not credentials."""

_ENTROPY_PLUGINS = frozenset({"Base64HighEntropyString", "HexHighEntropyString"})
_KEYWORD_PLUGINS = frozenset({"KeywordDetector"})

_SKIPPED_NAMES = frozenset(
    {"package-lock.json", "npm-shrinkwrap.json", "yarn.lock", "pnpm-lock.yaml", "poetry.lock",
     "Pipfile.lock", "uv.lock", "pdm.lock", "Cargo.lock", "composer.lock", "Gemfile.lock",
     "Podfile.lock", "Brewfile.lock.json", "packages.lock.json", "go.sum", "Package.resolved",
     "Cartfile.resolved", "flake.lock", "mix.lock", "pubspec.lock"}
)  # fmt: skip
_SKIPPED_SUFFIXES = (".min.js", ".min.css", ".min.mjs", ".js.map", ".css.map", ".map")
_SNIFF = 8192


def secret_slug(type_name: str) -> str:
    """detect-secrets' type name as a rule id: ``"AWS Access Key"`` → ``"aws-access-key"``."""
    return re.sub(r"[^a-z0-9]+", "-", type_name.lower()).strip("-") or "secret"


class SecretsAnalyser(Analyser):
    """Hard-coded credentials (CWE-798) in any text file, found by detect-secrets."""

    id = "secrets"
    cwes = frozenset({CweId(798)})

    @property
    def version(self) -> str:
        """detect-secrets' version (its plugins ship with it)."""
        return metadata.version("detect-secrets")

    def accepts(self, target: Target) -> bool:
        """Every text file except lock files and minified assets (named by convention)."""
        if not super().accepts(target):
            return False
        name = PurePath(target.locator).name
        return name not in _SKIPPED_NAMES and not name.lower().endswith(_SKIPPED_SUFFIXES)

    def analyse(self, targets: Sequence[Target]) -> Iterable[Finding | Skipped]:
        """Scan each target with detect-secrets; unreadable or non-text files become skips."""
        _quiet_secret_logging()
        items: list[Finding | Skipped] = []
        with _settings():
            for target in targets:
                items += self._scan(target)
        return items

    def _scan(self, target: Target) -> Iterator[Finding | Skipped]:
        shown = self._display(target)
        problem = _unreadable(target.locator)
        if problem:
            yield Skipped(shown, problem, self.id)
            return
        from detect_secrets.core.scan import scan_file

        try:
            secrets = _scan_candidates(target.locator, scan_file)
        except Exception as e:  # a plugin or transformer failing on one file is one skip
            # The error text may quote the file, so only its type is kept.
            reason = f"detect-secrets failed on this file ({type(e).__name__})"
            yield Skipped(shown, reason, self.id)
            return
        lines = read_lines(target.locator)
        by_line: dict[int, list[PotentialSecret]] = {}
        for secret in secrets:
            by_line.setdefault(secret.line_number, []).append(secret)
        for secret in sorted(secrets, key=lambda s: (s.line_number, s.type)):
            yield self._finding(secret, shown, lines, by_line[secret.line_number])

    def _finding(
        self,
        secret: PotentialSecret,
        shown: str,
        lines: list[str],
        same_line: list[PotentialSecret],
    ) -> Finding:
        type_name = secret.type
        slug = secret_slug(type_name)
        severity, confidence = _grade(type_name)
        line = secret.line_number
        return Finding(
            analyser=self.id,
            analyser_version=self.version,
            rule_id=slug,
            title=type_name,
            message=(
                f"{type_name} appears to be hard-coded here; the value is not shown. "
                "Rotate it and load it from a secret store or the environment."
            ),
            severity=severity,
            confidence=confidence,
            location=Location(shown, line, line),
            fingerprint=line_fingerprint(WEAKNESS, shown, lines, line),
            cwe=(CweId(798),),
            evidence=_evidence(lines, line, secret, same_line),
            properties={"hashed_secret": secret.secret_hash},
        )

    def _display(self, target: Target) -> str:
        if target.display:
            return target.display
        return display_path(Path(target.locator).absolute(), Path(self.settings.root).absolute())


# --- detect-secrets configuration ----------------------------------------------------------


@contextmanager
def _settings() -> Iterator[None]:
    """detect-secrets' default plugins (minus :data:`EXCLUDED_PLUGINS`) and default filters."""
    from detect_secrets.settings import transient_settings

    plugins = [{"name": name} for name in sorted(_plugin_classes().values())]
    with transient_settings({"plugins_used": plugins}):
        yield


@cache
def _plugin_classes() -> dict[str, str]:
    """Secret type name → plugin class name, for the plugins Mamori runs."""
    from detect_secrets.core.plugins.util import get_mapping_from_secret_type_to_class

    mapping: dict[str, type] = get_mapping_from_secret_type_to_class()
    return {
        str(type_name): cls.__name__
        for type_name, cls in mapping.items()
        if cls.__name__ not in EXCLUDED_PLUGINS
    }


def _grade(type_name: str) -> tuple[Severity, Confidence]:
    plugin = _plugin_classes().get(type_name, "")
    if plugin in _ENTROPY_PLUGINS:
        return Severity.MEDIUM, Confidence.LOW
    if plugin in _KEYWORD_PLUGINS:
        return Severity.MEDIUM, Confidence.MEDIUM
    return Severity.HIGH, Confidence.HIGH


class _DropSecretEchoes(logging.Filter):
    """Drops detect-secrets' ``Skipping "<value>" due to …`` records, which quote values."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith('Skipping "')


def _quiet_secret_logging() -> None:
    ds_log = logging.getLogger("detect-secrets")
    if not any(isinstance(f, _DropSecretEchoes) for f in ds_log.filters):
        ds_log.addFilter(_DropSecretEchoes())


# --- input checks and evidence -------------------------------------------------------------


def _unreadable(path: str) -> str:
    """Why ``path`` cannot be scanned as text, or ``""`` when it can."""
    try:
        data = Path(path).read_bytes()
    except OSError as e:
        return f"cannot read file: {e.strerror}"
    if b"\x00" in data[:_SNIFF]:
        return "binary file (contains NUL bytes); not scanned for secrets"
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        return f"not valid UTF-8 text (bad byte at offset {e.start}); not scanned for secrets"
    encoding = locale.getpreferredencoding(False).lower().replace("-", "")
    if not text.isascii() and encoding != "utf8":
        return (
            f"non-ASCII file and the worker's locale encoding is {encoding!r}; "
            "run with PYTHONUTF8=1 so detect-secrets can read it"
        )
    return ""


def _evidence(
    lines: list[str], line: int, own: PotentialSecret, same_line: list[PotentialSecret]
) -> str:
    """The flagged line with every secret found on it masked, then trimmed and cut.

    Each value is masked as the whole token(s) around it; where two detections overlap, the
    merged mask carries this finding's own label.
    """
    if not 1 <= line <= len(lines):
        return ""
    text = lines[line - 1].strip()
    spans: list[tuple[int, int, str]] = []
    for secret in same_line:
        value = secret.secret_value or ""
        if value not in text:
            # Decoded (YAML, INI), spanning lines, or unknown: show no part of the line.
            return marker(secret_slug(own.type))
        label = "" if secret is own else secret_slug(secret.type)
        spans += [(start, end, label) for start, end in token_spans(text, value)]
    masked = _apply_spans(text, spans, secret_slug(own.type))
    for secret in same_line:  # safety net: no value may survive, whatever the spans did
        masked = redact_value(masked, secret.secret_value or "", secret_slug(secret.type))
    return truncate(redact_known_patterns(masked), EVIDENCE_LIMIT)


def _apply_spans(text: str, spans: list[tuple[int, int, str]], own_label: str) -> str:
    """Replace the union of ``spans`` by markers; an empty label stands for ``own_label``."""
    merged: list[tuple[int, int, tuple[str, ...]]] = []
    for start, end, label in sorted(spans):
        if merged and start < merged[-1][1]:
            first, last, labels = merged[-1]
            merged[-1] = (first, max(last, end), (*labels, label))
        else:
            merged.append((start, end, (label,)))
    parts: list[str] = []
    pos = 0
    for start, end, labels in merged:
        parts += [text[pos:start], marker(own_label if "" in labels else labels[0])]
        pos = end
    parts.append(text[pos:])
    return "".join(parts)


# detect-secrets runs every plugin and filter on every line (~1,000 lines/s, blank lines
# included). Lines that cannot hold a secret for any of its plugins are dropped first: a
# plugin needs a secret-ish keyword (its keyword denylist), a long token (every format and
# entropy plugin matches 16+ characters), a PEM header, or credentials in a URL.
_CANDIDATE = re.compile(
    r"(?i:pass|pwd|secret|key|token|auth|cred|priv|contrase)"
    r"|[A-Za-z0-9+/=_\-]{16,}|-----BEGIN|://[^\s:/@]+:[^\s/@]+@"
)


def _scan_candidates(path: str, scan_file: Any) -> list[PotentialSecret]:
    """detect-secrets on the lines that could hold a secret, with original line numbers."""
    with open(path, encoding="utf-8", errors="surrogateescape") as fh:
        lines = fh.read().splitlines()
    keep = [i for i, line in enumerate(lines) if _CANDIDATE.search(line)]
    if not keep:
        return []
    if len(keep) == len(lines):
        return list(scan_file(path))
    with tempfile.TemporaryDirectory(prefix="mamori-secrets-") as tmp:
        reduced = os.path.join(tmp, os.path.basename(path))
        with open(reduced, "w", encoding="utf-8", errors="surrogateescape") as fh:
            fh.write("\n".join(lines[i] for i in keep) + "\n")
        found = list(scan_file(reduced))
    for secret in found:
        secret.line_number = keep[secret.line_number - 1] + 1
        secret.filename = path
    return found
