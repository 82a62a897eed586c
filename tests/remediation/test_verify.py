"""Sandbox housekeeping of the verification ladder."""

from __future__ import annotations

import importlib
import shutil
from pathlib import Path

import pytest

verify_module = importlib.import_module("mamori.remediation.verify")  # the package exports verify()


def test_sandbox_removal_retries_while_a_daemonised_validator_still_writes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """redis-server --daemonize returns before its child writes its last log line: removing
    the sandbox can meet "Directory not empty" once; it is retried, not raised."""
    sandbox = tmp_path / "sandbox"
    (sandbox / "root").mkdir(parents=True)
    real = shutil.rmtree
    calls = []

    def flaky(path: str, *args: object, **kwargs: object) -> None:
        calls.append(path)
        if len(calls) < 3:
            raise OSError(39, "Directory not empty", "root")
        real(path)

    monkeypatch.setattr(verify_module.shutil, "rmtree", flaky)
    verify_module._remove(str(sandbox))
    assert len(calls) == 3
    assert not sandbox.exists()
