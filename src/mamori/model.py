"""Mamori's core data: what is scanned, what analysers claim, and what fusion decides.

Every stage imports this module and nothing upstream of it. All values are frozen
dataclasses; derive new versions with :func:`dataclasses.replace`.

Fingerprints are content-based, never line-number based: a code finding is anchored on the
*normalised text* of the line it points at plus how many identical lines precede it, so adding
unrelated lines above a problem keeps its fingerprint, and two analysers that report the same
weakness class on the same line produce the same fingerprint.
"""

from __future__ import annotations

import enum
import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, NewType

CweId = NewType("CweId", int)
"""A MITRE CWE number, e.g. ``CweId(89)`` for SQL injection."""

Fingerprint = NewType("Fingerprint", str)
"""A stable, hex identifier of one problem (same problem, same fingerprint, across runs)."""

RunId = NewType("RunId", str)
"""Identifier of one scan run in the store."""


class Severity(enum.IntEnum):
    """How bad a problem is if real. Ordered, so ``>=`` comparisons work."""

    INFO = 0
    LOW = 1
    MEDIUM = 2
    HIGH = 3
    CRITICAL = 4

    @classmethod
    def parse(cls, text: str) -> Severity:
        """Parse a case-insensitive name (``"high"``); raise ValueError naming the choices."""
        try:
            return cls[text.strip().upper()]
        except KeyError:
            choices = ", ".join(s.name.lower() for s in cls)
            raise ValueError(f"unknown severity {text!r}; choose one of: {choices}") from None


class Confidence(enum.IntEnum):
    """How sure the analyser is that its own claim is right."""

    LOW = 1
    MEDIUM = 2
    HIGH = 3

    @property
    def weight(self) -> float:
        """The factor this confidence contributes to fusion (HIGH counts fully)."""
        return {Confidence.LOW: 0.5, Confidence.MEDIUM: 0.8, Confidence.HIGH: 1.0}[self]

    @classmethod
    def parse(cls, text: str) -> Confidence:
        """Parse a case-insensitive name (``"medium"``)."""
        try:
            return cls[text.strip().upper()]
        except KeyError:
            raise ValueError(f"unknown confidence {text!r}; choose low, medium or high") from None


class TargetKind(enum.StrEnum):
    """What kind of thing a target is."""

    FILE = "file"
    HOST = "host"
    LOG = "log"


class Decision(enum.StrEnum):
    """What fusion decided to do with an issue."""

    ESCALATE = "escalate"
    REVIEW = "review"
    SUPPRESS = "suppress"


@dataclass(frozen=True, slots=True)
class Target:
    """One thing an analyser may look at."""

    kind: TargetKind
    """What sort of target this is."""
    locator: str
    """The path (absolute, resolved) or ``host:port`` being scanned."""
    scope_rule: str
    """The scope-file rule that authorised touching this target."""
    display: str = ""
    """How to show the target to people (e.g. a path relative to the scan root)."""

    def __post_init__(self) -> None:
        if not self.locator:
            raise ValueError("Target.locator must not be empty")
        if not self.scope_rule:
            raise ValueError(f"Target {self.locator!r} has no scope rule authorising it")

    @property
    def name(self) -> str:
        """The display name, falling back to the locator."""
        return self.display or self.locator


@dataclass(frozen=True, slots=True)
class Location:
    """Where a finding points: a file range and/or a network endpoint."""

    path: str = ""
    """File path as shown to people (relative to the scan root when possible)."""
    start_line: int = 0
    """First line (1-based); 0 when the finding is about the whole file or a host."""
    end_line: int = 0
    """Last line (inclusive); equals ``start_line`` for one-line findings."""
    start_column: int = 0
    """First column (1-based), 0 when unknown."""
    host: str = ""
    """Host name or address for network findings."""
    port: int = 0
    """Port for network findings, 0 when not applicable."""

    def __post_init__(self) -> None:
        if self.start_line < 0 or self.end_line < 0:
            raise ValueError("line numbers must not be negative")
        if self.end_line and self.end_line < self.start_line:
            raise ValueError(f"end_line {self.end_line} is before start_line {self.start_line}")

    @property
    def lines(self) -> tuple[int, int]:
        """The (start, end) line range, with end defaulting to start."""
        return self.start_line, max(self.end_line, self.start_line)

    def __str__(self) -> str:
        if self.host:
            return f"{self.host}:{self.port}" if self.port else self.host
        if self.start_line:
            return f"{self.path}:{self.start_line}"
        return self.path


@dataclass(frozen=True, slots=True)
class TraceStep:
    """One step in a data-flow trace (source, propagation, sink)."""

    location: Location
    """Where the step happens."""
    note: str
    """What happens there, in a few words."""


@dataclass(frozen=True, slots=True)
class Finding:
    """One claim by one analyser about one problem."""

    analyser: str
    """Stable id of the analyser that made the claim (``bandit``, ``semgrep``…)."""
    analyser_version: str
    """Version of the analyser (engine version + rule-pack version)."""
    rule_id: str
    """The analyser's own rule or check id (``B608``, an advisory id…)."""
    title: str
    """Short human title of the problem class."""
    message: str
    """What is wrong at this place, one or two sentences. Never contains secret values."""
    severity: Severity
    """How bad it is if real."""
    confidence: Confidence
    """How sure the analyser is."""
    location: Location
    """Where it is."""
    fingerprint: Fingerprint
    """Stable id of the problem (see module docstring)."""
    cwe: tuple[CweId, ...] = ()
    """CWE ids the claim maps to; the first is the primary weakness."""
    evidence: str = ""
    """A short, redacted excerpt supporting the claim."""
    trace: tuple[TraceStep, ...] = ()
    """Data-flow steps from source to sink, when the analyser gives one."""
    help_uri: str = ""
    """Where to read more about the rule."""
    properties: Mapping[str, Any] = field(default_factory=dict)
    """Analyser-specific structured extras (advisory aliases, fixed versions…). JSON-safe."""

    def __post_init__(self) -> None:
        for name in ("analyser", "rule_id", "title", "fingerprint"):
            if not getattr(self, name):
                raise ValueError(f"Finding.{name} must not be empty ({self.rule_id!r})")

    @property
    def weakness(self) -> str:
        """The weakness class used to group findings across analysers."""
        return weakness_class(self.cwe, self.rule_id)


@dataclass(frozen=True, slots=True)
class Skipped:
    """A target, or a whole analyser, that could not be scanned — and why. Never swallowed."""

    target: str
    """The path, host or analyser that was skipped."""
    reason: str
    """Why, in words an operator can act on."""
    analyser: str = ""
    """The analyser that skipped it; empty when the skip happened before any analyser."""


@dataclass(frozen=True, slots=True)
class Suppression:
    """An operator's decision that a fingerprint is accepted risk or a false alarm."""

    fingerprint: Fingerprint
    """The issue fingerprint it applies to."""
    reason: str
    """Why it is suppressed (shown in every report)."""
    until: str = ""
    """ISO date after which the suppression lapses; empty for no expiry."""
    created_by: str = ""
    """Who suppressed it."""
    created_at: str = ""
    """When (ISO timestamp)."""


@dataclass(frozen=True, slots=True)
class Issue:
    """A fused problem: every finding that shares a fingerprint class, and the decision on it."""

    fingerprint: Fingerprint
    """The group's stable id (the anchor finding's fingerprint)."""
    findings: tuple[Finding, ...]
    """The claims that were grouped, anchor first."""
    severity: Severity
    """Highest severity among the claims."""
    fused_confidence: float
    """Probability-like score in [0, 1] from the agreeing analysers' measured precision."""
    decision: Decision
    """Escalate, hold for review, or suppress."""
    reason: str
    """One line naming who agreed, who did not, and why the decision follows."""
    agreeing: tuple[str, ...] = ()
    """Analysers that reported this problem."""
    dissenting: tuple[str, ...] = ()
    """Analysers that covered this weakness class and target but did not report it."""
    suppression: Suppression | None = None
    """The operator suppression that applied, if any."""

    def __post_init__(self) -> None:
        if not self.findings:
            raise ValueError("an Issue needs at least one Finding")
        if not 0.0 <= self.fused_confidence <= 1.0:
            raise ValueError(f"fused_confidence {self.fused_confidence} is outside [0, 1]")

    @property
    def anchor(self) -> Finding:
        """The representative finding (first in the group)."""
        return self.findings[0]

    @property
    def cwe(self) -> tuple[CweId, ...]:
        """All CWE ids across the group, primary first, without duplicates."""
        seen: dict[CweId, None] = {}
        for f in self.findings:
            seen.update(dict.fromkeys(f.cwe))
        return tuple(seen)


# --- weakness classes and fingerprints -------------------------------------------------

_WEAKNESS_BY_CWE: dict[int, str] = {
    **dict.fromkeys((89, 564), "sql-injection"),
    **dict.fromkeys((77, 78, 88), "command-injection"),
    **dict.fromkeys((94, 95, 1336), "code-injection"),  # 1336 (template injection) is a 94
    **dict.fromkeys((22, 23, 36, 73), "path-traversal"),
    **dict.fromkeys((79, 80), "xss"),
    **dict.fromkeys((502,), "deserialisation"),
    **dict.fromkeys((798, 259, 321, 522, 256), "hardcoded-credential"),
    **dict.fromkeys((327, 328, 326, 916, 759, 760), "weak-crypto"),
    **dict.fromkeys((330, 338), "weak-random"),
    **dict.fromkeys((295, 297), "tls-verification"),
    **dict.fromkeys((611, 776), "xxe"),
    **dict.fromkeys((918,), "ssrf"),
    **dict.fromkeys((601,), "open-redirect"),
    **dict.fromkeys((90,), "ldap-injection"),
    **dict.fromkeys((643,), "xpath-injection"),
    **dict.fromkeys((1395, 937, 1104), "vulnerable-dependency"),
    **dict.fromkeys((215, 489, 11), "debug-enabled"),
    **dict.fromkeys((377, 379), "insecure-temp-file"),
    **dict.fromkeys((605, 1327), "bind-all-interfaces"),
    **dict.fromkeys((703, 390, 396, 397), "error-handling"),
    **dict.fromkeys((614, 1004), "insecure-cookie"),
    **dict.fromkeys((347,), "signature-verification"),
}


def weakness_class(cwe: tuple[CweId, ...], rule_id: str) -> str:
    """Map CWE ids to a coarse weakness class; findings are grouped on this class.

    Unknown CWEs keep their number (``cwe-1234``) and CWE-less findings use the rule id, so
    nothing is merged by accident.
    """
    for c in cwe:
        if c in _WEAKNESS_BY_CWE:
            return _WEAKNESS_BY_CWE[c]
    if cwe:
        return f"cwe-{cwe[0]}"
    return f"rule-{rule_id}"


_WS = re.compile(r"\s+")


def normalise_line(text: str) -> str:
    """Whitespace-insensitive form of a source line used as a fingerprint anchor."""
    return _WS.sub(" ", text).strip()


def make_fingerprint(*parts: str) -> Fingerprint:
    """Hash the given parts into a 32-hex-digit fingerprint."""
    h = hashlib.sha256()
    for p in parts:
        h.update(p.encode("utf-8", "surrogatepass"))
        h.update(b"\x1f")
    return Fingerprint(h.hexdigest()[:32])


def line_fingerprint(weakness: str, path: str, lines: list[str], line_no: int) -> Fingerprint:
    """Fingerprint a problem at ``line_no`` (1-based) of a file whose lines are given.

    The anchor is the normalised line text plus its occurrence index among identical lines,
    so unrelated edits elsewhere in the file do not change it.
    """
    if not 1 <= line_no <= len(lines):
        return make_fingerprint(weakness, path, f"line:{line_no}")
    anchor = normalise_line(lines[line_no - 1])
    occurrence = sum(1 for ln in lines[: line_no - 1] if normalise_line(ln) == anchor)
    return make_fingerprint(weakness, path, anchor, str(occurrence))


@dataclass(frozen=True, slots=True)
class AnalyserRun:
    """How one analyser fared in a scan."""

    analyser: str
    """Analyser id."""
    version: str
    """Analyser version string."""
    status: str
    """``ok``, ``failed`` (crashed) or ``timeout``."""
    seconds: float
    """Wall-clock time it took."""
    findings: int = 0
    """How many findings it produced."""
    targets: int = 0
    """How many targets it was given."""
    error: str = ""
    """Why it failed, when it did."""


@dataclass(frozen=True, slots=True)
class ScanResult:
    """Everything one scan produced: the unit that is stored and reported."""

    run_id: RunId
    """Unique id of the run."""
    started_at: str
    """ISO-8601 UTC start time."""
    finished_at: str
    """ISO-8601 UTC end time."""
    roots: tuple[str, ...]
    """What was asked to be scanned (paths as given)."""
    issues: tuple[Issue, ...]
    """Fused issues, most severe first."""
    skipped: tuple[Skipped, ...] = ()
    """Targets and analysers that could not be scanned, with reasons."""
    analysers: tuple[AnalyserRun, ...] = ()
    """Per-analyser status and timing."""
    target_count: int = 0
    """How many targets were in scope and scanned."""
    mamori_version: str = ""
    """Version of Mamori that produced the result."""

    @property
    def findings(self) -> tuple[Finding, ...]:
        """Every raw finding across all issues."""
        return tuple(f for issue in self.issues for f in issue.findings)

    def count_by_decision(self) -> dict[Decision, int]:
        """How many issues got each decision."""
        counts = dict.fromkeys(Decision, 0)
        for issue in self.issues:
            counts[issue.decision] += 1
        return counts


class PatchStatus(enum.StrEnum):
    """Where a patch stands on the verification ladder."""

    PROPOSED = "proposed"
    """Generated, not yet verified."""
    VERIFIED = "verified"
    """Native validator passed and a re-audit shows the findings gone and nothing new."""
    FAILED = "failed"
    """Verification failed; never offered as verified."""
    ADVISE_ONLY = "advise-only"
    """Lock-out-prone change (PAM, sshd auth on a remote-only host…): shown, never applied."""


@dataclass(frozen=True, slots=True)
class Patch:
    """A proposed change to one file that fixes one or more findings."""

    id: str
    """Stable id (hash of target path and diff)."""
    path: str
    """Absolute path of the file it changes."""
    display_path: str
    """Path as shown to people."""
    diff: str
    """Unified diff from the current content to the fixed content."""
    fixes: tuple[Fingerprint, ...]
    """Fingerprints of the findings it fixes."""
    checks: tuple[str, ...]
    """Check ids it addresses."""
    original_sha256: str
    """Hash of the content the diff applies to (refuses to apply to a changed file)."""
    new_content: str
    """The full fixed content (what apply writes)."""
    analyser: str = ""
    """The config auditor that made it (re-audits the live file after apply)."""
    status: PatchStatus = PatchStatus.PROPOSED
    """Verification state."""
    verification: tuple[str, ...] = ()
    """Each verification step and its result, in order."""
