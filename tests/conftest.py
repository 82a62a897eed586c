"""Shared fixtures: fake analysers registered for the duration of a test."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from mamori.analysers import registry

FAKES = {
    name: f"fakes_analysers:{cls}"
    for name, cls in {
        "marker": "MarkerAnalyser",
        "marker2": "SecondMarkerAnalyser",
        "crashing": "CrashingAnalyser",
        "hanging": "HangingAnalyser",
        "exiting": "ExitingAnalyser",
        "lightmarker": "LightMarkerAnalyser",
        "lightcrashing": "LightCrashingAnalyser",
    }.items()
}


@pytest.fixture
def fake_analysers() -> Iterator[dict[str, str]]:
    """Register the fake analysers; remove them afterwards."""
    for name, path in FAKES.items():
        registry.register(name, path)
    yield FAKES
    for name in FAKES:
        registry.unregister(name)
