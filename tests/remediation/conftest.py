from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from mamori.analysers import registry

APP_KV = """# demo service
name = demo
debug = on   # TODO turn off
user = root
secret = s3cr3t-value
"""


@pytest.fixture
def kv_auditors() -> Iterator[None]:
    names = {
        "kvconf": "KeyValueAuditor",
        "kvbroken": "BrokenFixAuditor",
        "kvnoop": "NoopFixAuditor",
    }
    for name, cls in names.items():
        registry.register(name, f"fakes_config:{cls}")
    yield
    for name in names:
        registry.unregister(name)


@pytest.fixture
def estate(tmp_path: Path) -> Path:
    root = tmp_path / "estate"
    (root / "svc").mkdir(parents=True)
    (root / "svc" / "app.kv").write_text(APP_KV)
    (root / "svc" / "app.kv").chmod(0o640)
    return root
