"""Mamori's own inter-procedural taint analysis for Python.

Every ``.py`` target is parsed once; imports between the given files are resolved (module
names are paths relative to the scan root), a call graph of functions, methods (``self.``
calls, simple class hierarchies), imported names and decorated functions is built, and
per-function summaries are computed bottom-up to a fixpoint. Objects are followed: the type of
a local, a module-level name or a ``self`` attribute (a project class, or a library type such as
``httpx.AsyncClient``) resolves the methods called on it, and data stored in an object's fields
(by its constructor, say) reaches the methods that read them. Untrusted data (Flask, Django,
FastAPI/Starlette request data and route parameters, ``input()``, ``sys.argv``) that reaches a
sink (SQL, OS command, code, template source, deserialisation, path, uploaded-file save,
redirect, XSS, LDAP, XPath, XXE, SSRF, session) becomes a finding at the sink line with the
trace from source to sink. Constant conditions prune dead branches; per-key container values,
sanitising conversions, sink-specific sanitisers and allow-list guards keep precision. A few
non-flow checks (insecure cookies, weak password hashes, non-crypto random secrets) run on the
same trees.

Options (``AnalyserSettings.options``):

``taint_rules`` (list of paths)
    Extra YAML rule files merged over the shipped pack (format: :mod:`.rules`).
``taint_environ`` (bool, default False)
    Treat ``os.environ``/``os.getenv`` as sources (findings from them get LOW confidence).
``cache_dir`` (path)
    Folder for the per-module facts cache (``<cache_dir>/taint``); none when not given.
    ``mamori scan`` uses ``.mamori/cache`` unless ``--no-cache``.

Confidence is HIGH when every call on the path resolved, MEDIUM when an unresolved call passed
the taint on by default, LOW when the source is a heuristic one.
"""

from __future__ import annotations

import gc
import hashlib
import logging
from collections.abc import Iterable, Sequence
from functools import cached_property
from pathlib import Path

from mamori import __version__
from mamori.analysers.interface import Analyser, read_lines
from mamori.analysers.taint.cache import FactsCache, ResultsCache
from mamori.analysers.taint.callgraph import Program
from mamori.analysers.taint.checks import Hit
from mamori.analysers.taint.engine import solve
from mamori.analysers.taint.facts import FACTS_VERSION, ModuleFacts, read_module
from mamori.analysers.taint.rules import SHIPPED_RULES, RulePack, load_rules
from mamori.analysers.taint.summaries import Flow
from mamori.model import (
    Confidence,
    CweId,
    Finding,
    Fingerprint,
    Location,
    Skipped,
    Target,
    line_fingerprint,
    weakness_class,
)
from mamori.targets import display_path

__all__ = ["ENGINE_VERSION", "TaintAnalyser"]

log = logging.getLogger(__name__)

ENGINE_VERSION = "1.2"
"""Version of the engine; the rule pack adds its own. Bump when what the engine finds changes
(cached results of other versions are unused)."""
MAX_FILE_BYTES = 2_000_000
"""Larger files are skipped (generated code)."""


class TaintAnalyser(Analyser):
    """Inter-procedural source-to-sink taint analysis of Python code (see module docs)."""

    id = "taint"
    suffixes = frozenset({".py"})
    cwes = frozenset(
        CweId(c)
        for c in (89, 78, 94, 95, 1336, 502, 611, 22, 601, 79, 918, 90, 643, 501, 614, 328, 330)
    )

    @property
    def version(self) -> str:
        """Engine version plus the number of rules in use."""
        return f"{ENGINE_VERSION}+rules.{len(self.rules.sinks)}"

    @cached_property
    def rules(self) -> RulePack:
        """The shipped rule pack merged with ``taint_rules``."""
        extra = self.settings.option("taint_rules") or []
        if isinstance(extra, str | Path):
            extra = [extra]
        return load_rules([Path(p) for p in extra])

    def analyse(self, targets: Sequence[Target]) -> Iterable[Finding | Skipped]:
        """Parse every target, solve the whole program, and report flows and check hits."""
        root = Path(self.settings.root).resolve()
        cache_dir = self.settings.option("cache_dir")
        folder = Path(cache_dir) / "taint" if cache_dir else None
        cache = FactsCache(folder, f"{FACTS_VERSION}/{__version__}")
        options = frozenset({"environ"} if self.settings.option("taint_environ") else ())
        results_cache = ResultsCache(
            folder,
            f"{ENGINE_VERSION}/{__version__}/{root}/{sorted(options)}/{self._rules_digest()}",
        )
        freezing = gc.isenabled() and gc.get_freeze_count() == 0
        try:
            return self._analyse(targets, root, cache, results_cache, options, freezing)
        finally:
            if freezing:
                gc.unfreeze()

    def _analyse(
        self,
        targets: Sequence[Target],
        root: Path,
        cache: FactsCache,
        results_cache: ResultsCache,
        options: frozenset[str],
        freezing: bool,
    ) -> list[Finding | Skipped]:
        """:meth:`analyse` once the caches are set up. With ``freezing``, the facts and the
        indexed program, which live until the end, are moved out of the garbage collector's
        sight as they are built (:func:`gc.freeze`; :meth:`analyse` unfreezes them): its
        collections scanned that large heap again and again, a fifth of the time."""
        program = Program(self.rules)
        items: list[Finding | Skipped] = []
        by_display: dict[str, str] = {}
        for target in targets:
            shown = display_path(Path(target.locator), root)
            read = self._read(target, shown)
            if isinstance(read, Skipped):
                items.append(read)
                continue
            data, text = read
            digest = hashlib.sha256(data).hexdigest()
            facts = cache.get(shown, digest)
            if facts is None:
                fresh = self._facts(shown, text)
                if isinstance(fresh, Skipped):
                    items.append(fresh)
                    continue
                cache.put(shown, digest, fresh)
                facts = fresh
            program.add(facts, text, digest=digest)
            by_display[shown] = target.locator
            if freezing:
                gc.freeze()
        program.index()
        previous = results_cache.load()
        if freezing:
            gc.freeze()
        flows, results = solve(program, options, previous=previous, earlier_facts=cache.get)
        results_cache.save(results)
        log.info(
            "taint: %d modules (%d facts from the cache), %d functions, %d flows",
            len(program.modules),
            cache.hits,
            len(program.functions),
            len(flows),
        )
        items += [self._flow_finding(f, by_display) for f in flows if f.sink.path in by_display]
        for mod in program.modules.values():
            items += [self._hit_finding(h, mod.path, by_display) for h in mod.facts.hits]
        return items

    def _rules_digest(self) -> str:
        """Digest of the rule files in use (a rule change invalidates cached results)."""
        extra = self.settings.option("taint_rules") or []
        paths = [
            SHIPPED_RULES,
            *[Path(p) for p in ([extra] if isinstance(extra, str | Path) else extra)],
        ]
        digest = hashlib.sha256()
        for path in paths:
            try:
                digest.update(path.read_bytes())
            except OSError:
                digest.update(str(path).encode())
        return digest.hexdigest()

    def _read(self, target: Target, shown: str) -> tuple[bytes, str] | Skipped:
        try:
            data = Path(target.locator).read_bytes()
        except OSError as e:
            return Skipped(shown, f"cannot read the file: {e.strerror or e}", self.id)
        if len(data) > MAX_FILE_BYTES:
            return Skipped(shown, f"larger than {MAX_FILE_BYTES} bytes; not analysed", self.id)
        if b"\x00" in data:
            return Skipped(shown, "binary content (NUL bytes); not Python source", self.id)
        try:
            return data, data.decode("utf-8")
        except UnicodeDecodeError as e:
            return Skipped(shown, f"not valid UTF-8 at byte {e.start}", self.id)

    def _facts(self, shown: str, text: str) -> ModuleFacts | Skipped:
        try:
            return read_module(shown, text)
        except SyntaxError as e:
            return Skipped(shown, f"Python syntax error at line {e.lineno}: {e.msg}", self.id)
        except (ValueError, RecursionError, MemoryError) as e:
            return Skipped(shown, f"cannot be parsed: {type(e).__name__}", self.id)

    def _flow_finding(self, flow: Flow, by_display: dict[str, str]) -> Finding:
        weakness = self.rules.weakness(flow.cwe)
        rule_id = f"taint.{weakness.name}"
        path = flow.sink.path
        line = flow.sink.start_line
        if flow.heuristic:
            confidence = Confidence.LOW
        else:
            confidence = Confidence.HIGH if flow.resolved else Confidence.MEDIUM
        source = flow.trace[0] if flow.trace else None
        origin = f" from {source.note} at {source.location}" if source else ""
        return Finding(
            analyser=self.id,
            analyser_version=self.version,
            rule_id=rule_id,
            title=weakness.title,
            message=f"Untrusted data{origin} reaches {flow.sink_name} (CWE-{flow.cwe}).",
            severity=weakness.severity,
            confidence=confidence,
            location=flow.sink,
            fingerprint=self._fingerprint(flow.cwe, rule_id, path, line, by_display),
            cwe=(flow.cwe,),
            trace=flow.trace,
            properties={"sink": flow.sink_name, "steps": len(flow.trace)},
        )

    def _hit_finding(self, hit: Hit, path: str, by_display: dict[str, str]) -> Finding:
        weakness = self.rules.weakness(hit.cwe)
        rule_id = f"taint.{weakness.name}"
        return Finding(
            analyser=self.id,
            analyser_version=self.version,
            rule_id=rule_id,
            title=weakness.title,
            message=hit.message,
            severity=weakness.severity,
            confidence=hit.confidence,
            location=Location(path=path, start_line=hit.line, end_line=hit.line),
            fingerprint=self._fingerprint(hit.cwe, rule_id, path, hit.line, by_display),
            cwe=(hit.cwe,),
        )

    @staticmethod
    def _fingerprint(
        cwe: CweId, rule_id: str, path: str, line: int, by_display: dict[str, str]
    ) -> Fingerprint:
        lines = read_lines(by_display[path])
        return line_fingerprint(weakness_class((cwe,), rule_id), path, lines, line)
