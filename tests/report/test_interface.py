"""The reporter registry and the shared write path."""

from __future__ import annotations

import errno
import json
from pathlib import Path

import pytest

from mamori.errors import ReportError
from mamori.model import ScanResult
from mamori.report import FORMATS, Reporter, interface
from report.report_samples import sample_result


class _Failing(Reporter):
    format = "failing"
    suffix = ".txt"

    def render(self, result: ScanResult) -> str:
        return "partial"


def test_registry_names_match_each_reporters_format() -> None:
    assert sorted(FORMATS) == ["json", "md", "sarif"]
    for name, cls in FORMATS.items():
        assert cls.format == name
        assert issubclass(cls, Reporter)


@pytest.mark.parametrize("name", sorted(FORMATS))
def test_every_format_writes_one_utf8_file_named_after_it(name: str, tmp_path: Path) -> None:
    reporter = FORMATS[name]()
    path = reporter.write(sample_result(), tmp_path)
    assert path == tmp_path / f"mamori{reporter.suffix}"
    assert path.read_bytes().decode("utf-8") == reporter.render(sample_result())
    assert sorted(p.name for p in tmp_path.iterdir()) == [path.name]


def test_rewrite_replaces_the_previous_report(tmp_path: Path) -> None:
    (tmp_path / "mamori.json").write_text("old")
    path = FORMATS["json"]().write(sample_result(), tmp_path)
    assert json.loads(path.read_text())["run_id"] == "run-0001"


def test_failed_write_is_a_report_error_and_leaves_no_temp_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def full_disk(src: str, dst: str) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(interface.os, "replace", full_disk)
    with pytest.raises(ReportError, match="cannot write the failing report") as e:
        _Failing().write(sample_result(), tmp_path)
    assert "No space left on device" in str(e.value)
    assert "free space" in e.value.hint
    assert list(tmp_path.iterdir()) == []
