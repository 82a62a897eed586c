# ruff: noqa
"""Unpickles bytes received from a client: arbitrary code execution (CWE-502)."""

import pickle  # vuln: B403


def load_session(blob: bytes) -> dict:
    return pickle.loads(blob)  # vuln: B301
