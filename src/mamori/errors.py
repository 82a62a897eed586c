"""Mamori's error tree. Every error says what was wrong, where, and what to do.

::

    MamoriError                      root; the CLI maps it to exit code 2 or 3
    ├── ConfigError                  bad scope file, policy, CLI arguments (exit 2)
    │   └── ScopeError               a target outside the authorised scope (exit 2)
    ├── AnalyserError                an analyser could not run (becomes a Skipped)
    ├── AdvisoryDBError              the local advisory database is missing or corrupt
    ├── FusionError                  the precision table is invalid
    ├── StoreError                   the database cannot be opened or migrated
    └── ReportError                  an output could not be written
"""

from __future__ import annotations


class MamoriError(Exception):
    """Root of every error Mamori raises on purpose."""

    exit_code = 3

    def __init__(self, message: str, *, hint: str = "") -> None:
        super().__init__(message)
        self.hint = hint
        """What the operator can do about it."""

    def __str__(self) -> str:
        base = super().__str__()
        return f"{base}\n  hint: {self.hint}" if self.hint else base


class ConfigError(MamoriError):
    """A configuration file or argument is invalid."""

    exit_code = 2


class ScopeError(ConfigError):
    """A target lies outside the authorised scope; nothing was touched."""


class AnalyserError(MamoriError):
    """An analyser could not run on its targets."""


class AdvisoryDBError(MamoriError):
    """The local advisory database is missing, corrupt, or could not be updated."""

    exit_code = 2


class FusionError(MamoriError):
    """Fusion could not run (e.g. the precision table is malformed)."""

    exit_code = 2


class StoreError(MamoriError):
    """The result store could not be opened, migrated, read or written."""

    exit_code = 2


class ReportError(MamoriError):
    """An output format could not be produced or written."""
