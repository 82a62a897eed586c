"""The remediation stage's errors."""

from __future__ import annotations

from mamori.errors import MamoriError


class RemediationError(MamoriError):
    """A patch cannot be generated, verified, applied or rolled back."""

    exit_code = 2
