"""Remediation: patch generation, the verification ladder, atomic apply and exact rollback."""

from mamori.remediation.apply import DEFAULT_FIXES_DIR, AppliedAction, FixStore
from mamori.remediation.generate import config_auditor, propose, unified_diff
from mamori.remediation.interface import RemediationError
from mamori.remediation.verify import verify

__all__ = [
    "DEFAULT_FIXES_DIR",
    "AppliedAction",
    "FixStore",
    "RemediationError",
    "config_auditor",
    "propose",
    "unified_diff",
    "verify",
]
