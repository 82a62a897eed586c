"""The analyser contract: one small stateless class per engine.

An analyser takes the targets it accepts and yields :class:`~mamori.model.Finding` claims and
:class:`~mamori.model.Skipped` entries. It never raises for one bad target: it yields a Skipped
and goes on. Raising :class:`~mamori.errors.AnalyserError` (or anything else, or running past its
time limit) makes the runner record the whole analyser as skipped; the scan still completes.

Analysers run in worker processes, so they are built there from their registry id and a
picklable :class:`AnalyserSettings`.
"""

from __future__ import annotations

import abc
import functools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any, ClassVar

from mamori.errors import AnalyserError
from mamori.model import CweId, Finding, Skipped, Target, TargetKind

__all__ = ["Analyser", "AnalyserError", "AnalyserSettings", "read_lines"]


@dataclass(frozen=True, slots=True)
class AnalyserSettings:
    """What every analyser may be told about a run. Picklable."""

    root: str = "."
    """Directory that displayed paths are relative to."""
    options: Mapping[str, Any] = field(default_factory=dict)
    """Analyser-specific options keyed by name (``semgrep_rules``, ``advisory_db``…)."""

    def option(self, name: str, default: Any = None) -> Any:
        """One option, or ``default`` when it was not given."""
        return self.options.get(name, default)


class Analyser(abc.ABC):
    """Base class of every analyser. The subclass docstring is its user documentation."""

    id: ClassVar[str]
    """Stable identifier used in findings, the registry and the precision table."""
    kinds: ClassVar[frozenset[TargetKind]] = frozenset({TargetKind.FILE})
    """Target kinds this analyser takes."""
    suffixes: ClassVar[frozenset[str]] = frozenset()
    """File suffixes it takes (lower-case, with dot); empty means every text file."""
    cwes: ClassVar[frozenset[CweId]] = frozenset()
    """CWE ids it can emit; fusion uses this to tell who could have agreed."""
    lightweight: ClassVar[bool] = False
    """Fast, pure-Python analysers share one worker process instead of starting their own."""

    def __init__(self, settings: AnalyserSettings) -> None:
        self.settings = settings

    @property
    def version(self) -> str:
        """Engine version plus rule-pack version, as recorded in each finding."""
        return "0"

    def accepts(self, target: Target) -> bool:
        """Whether this analyser should be given ``target``."""
        if target.kind not in self.kinds:
            return False
        return not self.suffixes or PurePath(target.locator).suffix.lower() in self.suffixes

    @abc.abstractmethod
    def analyse(self, targets: Sequence[Target]) -> Iterable[Finding | Skipped]:
        """Yield findings and skips for ``targets`` (all of which it accepts)."""


@functools.lru_cache(maxsize=256)
def read_lines(path: str) -> list[str]:
    """The lines of a text file (cached per worker), used to anchor fingerprints.

    Undecodable bytes are replaced, so this never fails on content; it returns ``[]`` when
    the file cannot be read at all.
    """
    try:
        with open(path, encoding="utf-8", errors="replace") as fh:
            return fh.read().splitlines()
    except OSError:
        return []
