"""Shared fixtures of the log tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest


@pytest.fixture(params=["native", "python"])
def both_parsers(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """Runs a test with the compiled line parsers and again with the Python ones
    (``MAMORI_NATIVE=0``): modules of parser tests use it for every test."""
    if request.param == "python":
        monkeypatch.setenv("MAMORI_NATIVE", "0")
    else:
        monkeypatch.delenv("MAMORI_NATIVE", raising=False)
    yield request.param
