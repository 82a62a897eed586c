"""Bandit: PyCQA's AST checks for Python, run as its own command-line tool.

Mamori wraps Bandit, it does not rewrite it: the ``bandit`` executable installed next to the
running interpreter scans the ``.py`` targets in chunks (``-f json -q``), with Bandit's default
path exclusions switched off so a file under ``.github/`` or ``build.eggs/`` is not dropped
unseen. Each Bandit result becomes one finding that keeps Bandit's test id (``B608``), its CWE,
severity and confidence; files Bandit cannot parse become skips with Bandit's reason.

Options (``AnalyserSettings.options``):

``jobs`` (int, default 2)
    How many Bandit processes run at once on separate chunks of the file list.
``bandit_ignore_nosec`` (bool, default False)
    Report findings on lines marked ``# nosec`` as well (for audits that do not trust the
    scanned code's own suppressions).

Evidence is the flagged source line(s), redacted: values of hard-coded-password checks
(B105, B106, B107) are masked in the message and the evidence, and every excerpt goes through
:func:`mamori.redact.redact_known_patterns`.
"""

from __future__ import annotations

import ast
import importlib.util
import logging
import os
import subprocess  # noqa: S404 - runs the bandit CLI from our own venv, no shell
import sys
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from functools import cache
from importlib import metadata
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from mamori.analysers.interface import Analyser, AnalyserError, read_lines
from mamori.model import (
    Confidence,
    CweId,
    Finding,
    Location,
    Severity,
    Skipped,
    Target,
    line_fingerprint,
    weakness_class,
)
from mamori.redact import redact_known_patterns, redact_string_literals, redact_value, truncate
from mamori.targets import display_path

__all__ = ["BanditAnalyser", "bandit_cwes"]

log = logging.getLogger(__name__)

CHUNK_FILES = 200
"""Most files handed to one Bandit process."""
CHUNK_CHARS = 60_000
"""Most characters of paths on one Bandit command line (far below any ``ARG_MAX``)."""
EVIDENCE_LIMIT = 200
"""Longest evidence excerpt, in characters, after redaction."""

_PASSWORD_TESTS = frozenset({"B105", "B106", "B107"})
_SEVERITY = {"LOW": Severity.LOW, "MEDIUM": Severity.MEDIUM, "HIGH": Severity.HIGH}
_CONFIDENCE = {"LOW": Confidence.LOW, "MEDIUM": Confidence.MEDIUM, "HIGH": Confidence.HIGH}


# --- Bandit's JSON report (a trust boundary: parsed, never indexed blindly) ---------------


class _Model(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


class _Cwe(_Model):
    id: int = 0


class _Result(_Model):
    filename: str = Field(min_length=1)
    test_id: str = Field(min_length=1)
    test_name: str = ""
    issue_text: str = ""
    issue_severity: str = "UNDEFINED"
    issue_confidence: str = "UNDEFINED"
    issue_cwe: _Cwe = _Cwe()
    line_number: int
    line_range: list[int] = []
    col_offset: int = 0
    more_info: str = ""
    code: str = ""


class _Error(_Model):
    filename: str
    reason: str = "unknown error"


class _Report(_Model):
    results: list[_Result] = []
    errors: list[_Error] = []


# --- the analyser --------------------------------------------------------------------------


def bandit_cwes() -> frozenset[CweId]:
    """Every CWE id Bandit's checks can report, read from Bandit's own ``Cwe`` table.

    The table (``bandit/core/issue.py``) is parsed, not imported: importing Bandit loads all
    its plugins and formatters, which is slow, warns, and logs about missing optional extras.
    """
    spec = importlib.util.find_spec("bandit")
    if spec is None or not spec.submodule_search_locations:
        log.warning("bandit is not installed; its CWE list is empty")
        return frozenset()
    table = Path(next(iter(spec.submodule_search_locations)), "core", "issue.py")
    try:
        tree = ast.parse(table.read_text(encoding="utf-8"))
    except (OSError, SyntaxError, ValueError) as e:
        log.warning("cannot read bandit's CWE table %s: %s", table, e)
        return frozenset()
    return frozenset(
        CweId(stmt.value.value)
        for cls in tree.body
        if isinstance(cls, ast.ClassDef) and cls.name == "Cwe"
        for stmt in cls.body
        if isinstance(stmt, ast.Assign)
        and isinstance(stmt.value, ast.Constant)
        and isinstance(stmt.value.value, int)
        and stmt.value.value > 0
        and all(isinstance(t, ast.Name) and t.id.isupper() for t in stmt.targets)
    )


class BanditAnalyser(Analyser):
    """Python security checks by Bandit (PyCQA), with Bandit's CWE, severity and confidence."""

    id = "bandit"
    suffixes = frozenset({".py"})
    cwes = bandit_cwes()

    @property
    def version(self) -> str:
        """Bandit's version (its checks ship with it)."""
        return _bandit_version()

    def analyse(self, targets: Sequence[Target]) -> Iterable[Finding | Skipped]:
        """Run Bandit over ``targets`` in parallel chunks and translate what it reports."""
        executable = _executable()
        by_path = {os.path.normpath(t.locator): t for t in targets}
        jobs = _jobs(self.settings.option("jobs", 2))
        chunks = list(_chunks(sorted(by_path), jobs))
        log.info("bandit: %d files in %d chunks, %d at once", len(by_path), len(chunks), jobs)
        with ThreadPoolExecutor(max_workers=jobs, thread_name_prefix="bandit") as pool:
            parts = pool.map(lambda chunk: self._scan(executable, chunk, by_path), chunks)
            items = [self._translate(part, by_path) for part in parts]
        return sorted((item for group in items for item in group), key=_order)

    def _scan(
        self, executable: Path, paths: list[str], by_path: dict[str, Target]
    ) -> list[_Report | Skipped]:
        """Bandit's report on ``paths``; a failing chunk is halved until the culprit is alone."""
        try:
            return [_run_bandit(executable, paths, self.settings.option("bandit_ignore_nosec"))]
        except AnalyserError as e:
            if len(paths) == 1:
                reason = f"bandit failed on this file: {e}"
                return [Skipped(self._display(paths[0], by_path), reason, self.id)]
            log.warning("bandit failed on a chunk of %d files; retrying in halves", len(paths))
        half = len(paths) // 2
        return self._scan(executable, paths[:half], by_path) + self._scan(
            executable, paths[half:], by_path
        )

    def _translate(
        self, parts: list[_Report | Skipped], by_path: dict[str, Target]
    ) -> list[Finding | Skipped]:
        items: list[Finding | Skipped] = []
        for part in parts:
            if isinstance(part, Skipped):
                items.append(part)
                continue
            for err in part.errors:
                shown = self._display(err.filename, by_path)
                items.append(Skipped(shown, f"bandit could not scan it: {err.reason}", self.id))
            items += [self._finding(result, by_path) for result in part.results]
        return items

    def _finding(self, r: _Result, by_path: dict[str, Target]) -> Finding:
        path = os.path.normpath(r.filename)
        shown = self._display(path, by_path)
        cwe = (CweId(r.issue_cwe.id),) if r.issue_cwe.id > 0 else ()
        start = max(r.line_number, 0)
        end = max([start, *r.line_range])
        return Finding(
            analyser=self.id,
            analyser_version=self.version,
            rule_id=r.test_id,
            title=r.test_name or r.test_id,
            message=_message(r),
            severity=_SEVERITY.get(r.issue_severity.upper(), Severity.LOW),
            confidence=_CONFIDENCE.get(r.issue_confidence.upper(), Confidence.LOW),
            location=Location(shown, start, end, max(r.col_offset, 0) + 1 if start else 0),
            fingerprint=line_fingerprint(
                weakness_class(cwe, r.test_id), shown, read_lines(path), start
            ),
            cwe=cwe,
            evidence=_evidence(r, start, end),
            help_uri=r.more_info,
        )

    def _display(self, path: str, by_path: dict[str, Target]) -> str:
        target = by_path.get(os.path.normpath(path))
        if target is not None and target.display:
            return target.display
        return display_path(Path(path).absolute(), Path(self.settings.root).absolute())


# --- running Bandit ------------------------------------------------------------------------


@cache
def _bandit_version() -> str:
    return metadata.version("bandit")


def _executable() -> Path:
    exe = Path(sys.executable).parent / "bandit"
    if not exe.is_file():
        raise AnalyserError(
            f"the bandit command is missing from {exe.parent}",
            hint="install Mamori's dependencies into this environment (pip install bandit)",
        )
    return exe


def _jobs(value: object) -> int:
    if isinstance(value, int) and not isinstance(value, bool) and value >= 1:
        return value
    raise AnalyserError(
        f"option jobs={value!r} is not a positive whole number",
        hint="pass --jobs 1 or more (it sets how many bandit processes run at once)",
    )


def _chunks(paths: list[str], jobs: int) -> Iterator[list[str]]:
    """Split ``paths`` into at least ``jobs`` chunks (when there are enough files), each
    within :data:`CHUNK_FILES` files and :data:`CHUNK_CHARS` characters."""
    per_chunk = max(1, min(CHUNK_FILES, -(-len(paths) // jobs)))
    chunk: list[str] = []
    size = 0
    for p in paths:
        if chunk and (len(chunk) >= per_chunk or size + len(p) + 1 > CHUNK_CHARS):
            yield chunk
            chunk, size = [], 0
        chunk.append(p)
        size += len(p) + 1
    if chunk:
        yield chunk


def _run_bandit(executable: Path, paths: list[str], ignore_nosec: object) -> _Report:
    """Run Bandit once on ``paths`` and parse its JSON; raise AnalyserError if it has none."""
    cmd = [str(executable), "-f", "json", "-q", "-x", ""]
    if ignore_nosec:
        cmd.append("--ignore-nosec")
    cmd += ["--", *paths]
    try:
        proc = subprocess.run(cmd, capture_output=True, check=False)  # noqa: S603 - no shell
    except OSError as e:
        raise AnalyserError(
            f"could not start {executable}: {e.strerror}", hint="check the bandit installation"
        ) from e
    try:
        return _Report.model_validate_json(proc.stdout)
    except ValidationError as e:
        raise AnalyserError(
            f"bandit exited with code {proc.returncode} without a readable JSON report"
            f" ({_last_line(proc.stderr)})",
            hint="run bandit by hand on the file to see its error",
        ) from e


def _last_line(stderr: bytes) -> str:
    lines = stderr.decode("utf-8", "replace").strip().splitlines()
    return truncate(redact_known_patterns(lines[-1]), 160) if lines else "no error output"


# --- messages and evidence -----------------------------------------------------------------


def _message(r: _Result) -> str:
    if r.test_id not in _PASSWORD_TESTS:
        return r.issue_text
    head, sep, _value = r.issue_text.partition(": '")  # "Possible hardcoded password: '…'"
    if sep:
        return f"{head}: [REDACTED:password]"
    return redact_string_literals(redact_known_patterns(r.issue_text))


def _password_value(r: _Result) -> str:
    _head, sep, rest = r.issue_text.partition(": '")
    return rest[:-1] if sep and rest.endswith("'") else ""


def _evidence(r: _Result, start: int, end: int) -> str:
    """The flagged lines from Bandit's snippet, trimmed, redacted, then cut to size."""
    picked = []
    for raw in r.code.splitlines():
        number, _sep, text = raw.partition(" ")
        if number.isdigit() and start <= int(number) <= end:
            picked.append(text.strip())
    excerpt = "\n".join(picked)
    if r.test_id in _PASSWORD_TESTS:
        excerpt = redact_value(excerpt, _password_value(r), "password")
        excerpt = redact_string_literals(excerpt)
    return truncate(redact_known_patterns(excerpt), EVIDENCE_LIMIT)


def _order(item: Finding | Skipped) -> tuple[str, int, str]:
    if isinstance(item, Skipped):
        return (item.target, 0, "")
    return (item.location.path, item.location.start_line, item.rule_id)
