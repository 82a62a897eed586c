"""The output contract: one small class per report format.

A reporter turns a :class:`~mamori.model.ScanResult` into text (:meth:`Reporter.render`) and
writes it into a folder (:meth:`Reporter.write`). Reporters are stateless apart from their
constructor options, never touch the network, and never show a secret: every free-text value
is masked and made printable first (see ``mamori.report._text``).
"""

from __future__ import annotations

import abc
import logging
import os
import tempfile
from pathlib import Path
from typing import ClassVar

from mamori.errors import ReportError
from mamori.model import ScanResult

__all__ = ["REPORT_STEM", "ReportError", "Reporter"]

log = logging.getLogger(__name__)

REPORT_STEM = "mamori"
"""File name (without suffix) every reporter writes to: ``mamori.json``, ``mamori.sarif``…"""


class Reporter(abc.ABC):
    """Base class of every output format. The subclass docstring is its user documentation."""

    format: ClassVar[str]
    """Registry name used on the command line (``json``, ``sarif``, ``md``)."""
    suffix: ClassVar[str]
    """File suffix including the dot (``.json``)."""

    @abc.abstractmethod
    def render(self, result: ScanResult) -> str:
        """The whole report as text."""

    def filename(self) -> str:
        """The name of the file :meth:`write` creates."""
        return f"{REPORT_STEM}{self.suffix}"

    def write(self, result: ScanResult, out_dir: str | Path) -> Path:
        """Render ``result`` and write it atomically into ``out_dir``; return the file's path.

        The file is replaced in one step, so a reader never sees half a report.
        """
        text = self.render(result)
        folder = Path(out_dir)
        path = folder / self.filename()
        try:
            folder.mkdir(parents=True, exist_ok=True)
            _write_atomically(path, text)
        except OSError as e:
            raise ReportError(
                f"cannot write the {self.format} report to {path}: {e.strerror or e}",
                hint="check that the output folder exists, is writable and has free space",
            ) from e
        log.info("wrote %s report %s", self.format, path)
        return path


def _write_atomically(path: Path, text: str) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", errors="backslashreplace", newline="\n") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
