"""Semgrep: pattern and taint rules over Python, with Mamori's own rule pack.

Mamori runs the ``semgrep`` command installed next to the running interpreter (falling back
to ``PATH``) once over all ``.py`` targets, with the rule pack shipped in
``mamori/rules/semgrep/`` — rules written by the Mamori developers from the CWE definitions,
each next to labelled vulnerable and safe examples. Semgrep runs offline: metrics, version
checks and registry rules are off, and its home and cache live in a throw-away folder.

Each Semgrep result becomes one finding that keeps the rule id (``mamori.python.sql-injection``),
the CWE and confidence from the rule's metadata, and Semgrep's data-flow trace when it gives
one. Files Semgrep can only partly parse, or gives up on, become skips with its reason.

Options (``AnalyserSettings.options``):

``jobs`` (int, default 2)
    Semgrep's own ``--jobs``.
``semgrep_rules`` (list of folders, default none)
    Extra rule folders, run alongside the pack (``--config`` each).
``semgrep_timeout`` (seconds, default 30)
    Longest time one rule may spend on one file (Semgrep's ``--timeout``).

Evidence is the flagged source line(s), redacted with :mod:`mamori.redact` (string literals
are masked outright for hard-coded-credential rules) and cut to 200 characters.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import math
import os
import re
import shutil
import subprocess  # noqa: S404 - runs the semgrep CLI with an argument list, no shell
import sys
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from importlib import metadata
from pathlib import Path

from pydantic import ValidationError

from mamori.analysers.code._semgrep_output import Output, Result, SemgrepError, trace_steps
from mamori.analysers.code._semgrep_pack import (
    PACK_DIR,
    pack_cwes,
    pack_hash,
    parse_cwes,
    rule_ids,
)
from mamori.analysers.interface import Analyser, AnalyserError, read_lines
from mamori.model import (
    Confidence,
    Finding,
    Location,
    Severity,
    Skipped,
    Target,
    line_fingerprint,
    weakness_class,
)
from mamori.redact import redact_known_patterns, redact_string_literals, truncate
from mamori.targets import display_path

__all__ = ["PACK_DIR", "SemgrepAnalyser", "pack_cwes", "pack_hash", "parse_cwes", "rule_ids"]

log = logging.getLogger(__name__)

CHUNK_CHARS = 400_000
"""Most characters of paths on one Semgrep command line (Linux allows 2 MB in all)."""
EVIDENCE_LIMIT = 200
"""Longest evidence excerpt, in characters, after redaction."""
DEFAULT_RULE_TIMEOUT = 5.0
"""Seconds one rule may spend on one file unless ``semgrep_timeout`` says otherwise (Semgrep's
own default; a file that times out is reported as a skip, never silently dropped)."""

_SEMGREP_SEVERITY = {"ERROR": Severity.HIGH, "WARNING": Severity.MEDIUM, "INFO": Severity.LOW}
_OK_EXIT_CODES = frozenset({0, 1})


class SemgrepAnalyser(Analyser):
    """Semgrep pattern and taint rules (Mamori's own pack plus any extra rule folders)."""

    id = "semgrep"
    suffixes = frozenset({".py"})
    cwes = pack_cwes()

    @property
    def version(self) -> str:
        """Semgrep's version plus a hash of the rule pack (and of any extra rules)."""
        version = f"{_semgrep_version(str(_executable()))}+mamori-rules-{pack_hash()}"
        extra = self._extra_rules()
        if extra:
            combined = hashlib.sha256("".join(pack_hash(d) for d in extra).encode())
            version += f"+extra-rules-{combined.hexdigest()[:8]}"
        return version

    def analyse(self, targets: Sequence[Target]) -> Iterable[Finding | Skipped]:
        """Run Semgrep once over the readable ``targets`` and translate what it reports."""
        by_path: dict[str, Target] = {}
        items: list[Finding | Skipped] = []
        for target in targets:
            problem = _unreadable(target.locator)
            if problem:
                items.append(Skipped(self._display(target.locator, by_path), problem, self.id))
            else:
                by_path[os.path.normpath(target.locator)] = target
        if by_path:
            items += self._scan(by_path)
        return sorted(items, key=_order)

    def _scan(self, by_path: dict[str, Target]) -> list[Finding | Skipped]:
        exe, version = _executable(), self.version
        command = [str(exe), *self._arguments()]
        known = rule_ids([PACK_DIR, *self._extra_rules()])
        chunks = list(_chunks(sorted(by_path)))
        log.info("semgrep: %d files in %d run(s)", len(by_path), len(chunks))
        items: list[Finding | Skipped] = []
        seen: set[tuple[str, str, str]] = set()
        with tempfile.TemporaryDirectory(prefix="mamori-semgrep-") as home:
            for chunk in chunks:
                output = _run(command, chunk, home, self._cwd(home))
                items += self._skips(output, chunk, by_path)
                for result in output.results:
                    finding = self._finding(result, by_path, version, known)
                    key = (os.path.normpath(result.path), finding.rule_id, finding.fingerprint)
                    if key not in seen:
                        seen.add(key)
                        items.append(finding)
        return items

    def _cwd(self, home: str) -> str:
        """Run from the scan root: Semgrep is measurably slower (~1.7x) started in an empty
        folder such as its private HOME."""
        root = Path(self.settings.root)
        return str(root) if root.is_dir() else home

    def _arguments(self) -> list[str]:
        args = ["scan", "--json", "--metrics=off", "--disable-version-check", "--no-git-ignore"]
        args += ["--config", str(PACK_DIR)]
        for folder in self._extra_rules():
            args += ["--config", str(folder)]
        timeout = self.settings.option("semgrep_timeout", DEFAULT_RULE_TIMEOUT)
        return [*args, "--timeout", str(math.ceil(_positive(timeout, "semgrep_timeout"))),
                "--jobs", str(int(_positive(self.settings.option("jobs", 2), "jobs")))]  # fmt: skip

    def _extra_rules(self) -> list[Path]:
        value = self.settings.option("semgrep_rules", []) or []
        folders = [value] if isinstance(value, str | Path) else list(value)
        resolved = [Path(f).expanduser().resolve() for f in folders]
        for folder in resolved:
            if not folder.is_dir():
                raise AnalyserError(
                    f"semgrep rule folder {folder} does not exist",
                    hint="fix the semgrep_rules option: give folders of Semgrep YAML rules",
                )
        return resolved

    def _skips(
        self, output: Output, chunk: list[str], by_path: dict[str, Target]
    ) -> Iterator[Skipped]:
        reasons: dict[tuple[str, str], None] = {}
        for error in output.errors:
            if error.path:
                reasons[os.path.normpath(error.path), error.reason()] = None
            else:
                log.warning("semgrep reported: %s", error.reason())
        scanned = {os.path.normpath(p) for p in output.paths.scanned}
        for path in chunk:
            if path not in scanned:
                reasons[path, "semgrep did not scan it (too large, or not recognised)"] = None
        for path, reason in reasons:
            shown = self._display(path, by_path)
            yield Skipped(shown, reason.replace(path, shown), self.id)

    def _finding(
        self, r: Result, by_path: dict[str, Target], version: str, known: frozenset[str]
    ) -> Finding:
        rule_id = _rule_id(r.check_id, known)
        path = os.path.normpath(r.path)
        shown = self._display(path, by_path)
        meta = r.extra.metadata
        cwe = parse_cwes(meta.get("cwe"))
        weakness = weakness_class(cwe, rule_id)
        lines = read_lines(path)
        start, end = max(r.start.line, 0), max(r.end.line, r.start.line, 0)
        return Finding(
            analyser=self.id,
            analyser_version=version,
            rule_id=rule_id,
            title=_title(r.extra.message, rule_id),
            message=redact_known_patterns(r.extra.message.strip()) or rule_id,
            severity=_severity(r.extra.severity, meta.get("severity")),
            confidence=_confidence(meta.get("confidence")),
            location=Location(shown, start, end, max(r.start.col, 0)),
            fingerprint=line_fingerprint(weakness, shown, lines, start),
            cwe=cwe,
            evidence=_evidence(lines, start, end, weakness == "hardcoded-credential"),
            trace=trace_steps(r.extra.dataflow_trace, lambda p: self._display(p, by_path)),
            help_uri=_help_uri(meta.get("references")),
        )

    def _display(self, path: str, by_path: dict[str, Target]) -> str:
        target = by_path.get(os.path.normpath(path))
        if target is not None and target.display:
            return target.display
        return display_path(Path(path).absolute(), Path(self.settings.root).absolute())


# --- running Semgrep -----------------------------------------------------------------------


def _executable() -> Path:
    beside = Path(sys.executable).parent / "semgrep"
    if beside.is_file():
        return beside
    found = shutil.which("semgrep")
    if found:
        return Path(found)
    raise AnalyserError(
        f"the semgrep command is missing from {beside.parent} and from PATH",
        hint="install Mamori's dependencies into this environment (pip install semgrep)",
    )


@functools.cache
def _semgrep_version(executable: str) -> str:
    if Path(executable).parent == Path(sys.executable).parent:
        try:
            return metadata.version("semgrep")
        except metadata.PackageNotFoundError:
            pass
    with tempfile.TemporaryDirectory(prefix="mamori-semgrep-") as home:
        done = subprocess.run(  # noqa: S603 - fixed argument list, no shell
            [executable, "--version"], capture_output=True, text=True, env=_environment(home),
            cwd=home, timeout=120, check=False,
        )  # fmt: skip
    return done.stdout.strip().splitlines()[-1] if done.stdout.strip() else "unknown"


def _environment(home: str) -> dict[str, str]:
    """The parent's environment without Semgrep settings or tokens, offline, homed in ``home``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("SEMGREP_")}
    env.update(
        HOME=home,
        XDG_CONFIG_HOME=os.path.join(home, "config"),
        XDG_CACHE_HOME=os.path.join(home, "cache"),
        XDG_DATA_HOME=os.path.join(home, "data"),
        SEMGREP_ENABLE_VERSION_CHECK="0",
        SEMGREP_SEND_METRICS="off",
        SEMGREP_SETTINGS_FILE=os.path.join(home, "settings.yml"),
        SEMGREP_LOG_FILE=os.path.join(home, "semgrep.log"),
    )
    return env


def _run(command: list[str], paths: list[str], home: str, cwd: str) -> Output:
    """Semgrep's parsed JSON for ``paths``; AnalyserError when it fails as a whole."""
    try:
        done = subprocess.run(  # noqa: S603 - fixed argument list, no shell
            [*command, "--", *paths], capture_output=True, env=_environment(home), cwd=cwd,
            check=False,
        )  # fmt: skip
    except OSError as e:
        raise AnalyserError(
            f"cannot start semgrep ({command[0]}): {e.strerror}",
            hint="check that semgrep is installed and executable",
        ) from e
    try:
        output = Output.model_validate_json(done.stdout)
    except ValidationError as e:
        tail = done.stderr.decode("utf-8", "replace").strip()[-500:]
        raise AnalyserError(
            f"semgrep exited with code {done.returncode} without a readable JSON report: {tail}",
            hint="run the same semgrep command by hand to see the problem",
        ) from e
    if done.returncode not in _OK_EXIT_CODES:
        raise AnalyserError(
            f"semgrep failed (exit code {done.returncode}): {_fatal(output.errors)}",
            hint="check the rule pack and the semgrep_rules folders with `semgrep --validate "
            "--config <folder>`",
        )
    return output


def _fatal(errors: Sequence[SemgrepError]) -> str:
    reasons = [e.reason() for e in errors if not e.path] or [e.reason() for e in errors]
    return "; ".join(reasons[:3]) or "no reason given"


def _chunks(paths: list[str]) -> Iterator[list[str]]:
    chunk: list[str] = []
    size = 0
    for path in paths:
        if chunk and size + len(path) + 1 > CHUNK_CHARS:
            yield chunk
            chunk, size = [], 0
        chunk.append(path)
        size += len(path) + 1
    if chunk:
        yield chunk


def _unreadable(path: str) -> str:
    """Why Semgrep should not be given ``path`` (binary, not UTF-8, unreadable), or ``""``."""
    try:
        data = Path(path).read_bytes()
    except OSError as e:
        return f"cannot read file: {e.strerror}"
    if b"\0" in data:
        return "binary file (contains NUL bytes)"
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as e:
        return f"not valid UTF-8 (byte {e.start})"
    return ""


def _positive(value: object, name: str) -> float:
    if isinstance(value, int | float) and not isinstance(value, bool) and value > 0:
        return float(value)
    raise AnalyserError(
        f"option {name}={value!r} is not a positive number", hint=f"give {name} a value above 0"
    )


# --- translating results -------------------------------------------------------------------


def _rule_id(check_id: str, known: frozenset[str]) -> str:
    """The rule's own id: Semgrep prefixes ids from a config folder with that folder's path."""
    if check_id in known:
        return check_id
    matches = [k for k in known if check_id.endswith("." + k)]
    return max(matches, key=len) if matches else check_id


def _title(message: str, rule_id: str) -> str:
    first = re.split(r"(?<=[.!?])\s", message.strip(), maxsplit=1)[0].rstrip(".")
    return truncate(redact_known_patterns(first), 120) if first else rule_id


def _severity(semgrep_severity: str, meta_severity: object) -> Severity:
    for text in (meta_severity, semgrep_severity):
        if isinstance(text, str) and text.strip():
            if text.strip().upper() in _SEMGREP_SEVERITY:
                return _SEMGREP_SEVERITY[text.strip().upper()]
            try:
                return Severity.parse(text)
            except ValueError:
                continue
    return Severity.LOW


def _confidence(value: object) -> Confidence:
    try:
        return Confidence.parse(value) if isinstance(value, str) else Confidence.MEDIUM
    except ValueError:
        return Confidence.MEDIUM


def _help_uri(references: object) -> str:
    refs = [references] if isinstance(references, str) else references
    if isinstance(refs, list):
        return next((r for r in refs if isinstance(r, str) and r.startswith("http")), "")
    return ""


def _evidence(lines: list[str], start: int, end: int, credential: bool) -> str:
    if not 1 <= start <= len(lines):
        return ""
    text = "\n".join(ln.strip() for ln in lines[start - 1 : min(end, start + 4)])
    if credential:
        text = redact_string_literals(text)
    return truncate(redact_known_patterns(text), EVIDENCE_LIMIT)


def _order(item: Finding | Skipped) -> tuple[int, str, int, str]:
    if isinstance(item, Skipped):
        return (0, item.target, 0, item.reason)
    return (1, item.location.path, item.location.start_line, item.rule_id)
