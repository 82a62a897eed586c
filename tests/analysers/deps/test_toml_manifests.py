"""pyproject.toml (PEP 621 and Poetry) and the lock files."""

from __future__ import annotations

from pathlib import Path

import pytest

from mamori.analysers.deps.parsers import is_manifest, parse_manifest

EXAMPLES = Path(__file__).parent / "examples"


def _pins(path: Path) -> dict[str, str | None]:
    return {d.name: d.version for d in parse_manifest(path).dependencies}


def _lines(path: Path) -> dict[str, int]:
    return {d.name: d.line for d in parse_manifest(path).dependencies}


def _line_of(path: Path, needle: str) -> int:
    """1-based line of the first line containing ``needle`` (computed from the file itself)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(i for i, line in enumerate(lines, start=1) if needle in line)


def test_pep621_dependencies_and_extras() -> None:
    path = EXAMPLES / "vulnerable/pep621/pyproject.toml"
    assert _pins(path) == {"flask": "0.12.2", "click": None, "pillow": "8.0.0"}
    assert _lines(path)["pillow"] == _line_of(path, '"Pillow==8.0.0"')
    assert _lines(path)["flask"] == _line_of(path, '"flask==0.12.2"')


def test_pep621_safe_example_has_ranges_unpinned() -> None:
    assert _pins(EXAMPLES / "safe/pep621/pyproject.toml") == {
        "flask": "3.0.3", "jinja2": None, "pillow": "10.4.0",
    }  # fmt: skip


def test_poetry_tables_and_groups() -> None:
    path = EXAMPLES / "vulnerable/poetry/pyproject.toml"
    assert _pins(path) == {
        "requests": "2.19.0", "werkzeug": "0.14", "idna": None, "cryptography": "3.2",
    }  # fmt: skip
    assert _lines(path)["cryptography"] == _line_of(path, "cryptography =")


def test_poetry_safe_example_caret_is_not_exact() -> None:
    assert _pins(EXAMPLES / "safe/poetry/pyproject.toml") == {
        "requests": None, "werkzeug": None, "cryptography": "43.0.1",
    }  # fmt: skip


def test_poetry_lock_lines_point_at_package_headers() -> None:
    path = EXAMPLES / "vulnerable/poetry-lock/poetry.lock"
    deps = parse_manifest(path).dependencies
    assert [(d.name, d.version) for d in deps] == [("certifi", "2024.7.4"), ("urllib3", "1.24.1")]
    lines = path.read_text(encoding="utf-8").splitlines()
    assert all(lines[d.line - 1] == "[[package]]" for d in deps)
    assert lines[deps[1].line] == 'name = "urllib3"'


def test_uv_lock_leaves_out_the_editable_project() -> None:
    assert _pins(EXAMPLES / "vulnerable/uv-lock/uv.lock") == {"pillow": "8.0.0"}
    assert _pins(EXAMPLES / "safe/uv-lock/uv.lock") == {"pillow": "10.4.0"}


def test_pipfile_lock_sections_and_lines() -> None:
    path = EXAMPLES / "vulnerable/pipfile-lock/Pipfile.lock"
    assert _pins(path) == {"flask": "0.12.2", "idna": "3.7"}
    assert _lines(path)["flask"] == _line_of(path, '"flask": {')
    assert _pins(EXAMPLES / "safe/pipfile-lock/Pipfile.lock") == {"flask": "3.0.3", "idna": "3.7"}


@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        ("pyproject.toml", "[project\nname = 1", "malformed pyproject.toml"),
        ("pyproject.toml", "[project]\ndependencies = 'flask'\n", "not a list of strings"),
        ("poetry.lock", "[[package]]\nname = \n", "malformed poetry.lock"),
        ("uv.lock", "package = 3\n", "not an array"),
        ("Pipfile.lock", '{"default": {"flask": ', "malformed Pipfile.lock"),
        ("Pipfile.lock", "[1, 2]", "not a JSON object"),
    ],
)
def test_malformed_manifests_become_skips(
    tmp_path: Path, name: str, text: str, expected: str
) -> None:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    result = parse_manifest(path)
    assert result.dependencies == ()
    assert len(result.skipped) == 1
    assert expected in result.skipped[0].reason
    assert result.skipped[0].analyser == "deps"


def test_invalid_pep508_entry_is_skipped_but_others_kept(tmp_path: Path) -> None:
    path = tmp_path / "pyproject.toml"
    path.write_text('[project]\ndependencies = ["ok==1", "not a requirement!!"]\n', "utf-8")
    result = parse_manifest(path)
    assert _pins(path) == {"ok": "1"}
    assert "not a PEP 508 requirement" in result.skipped[0].reason


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("requirements.txt", True),
        ("requirements-dev.txt", True),
        ("dev-requirements.txt", True),
        ("requirements/prod.txt", True),
        ("constraints.txt", True),
        ("pyproject.toml", True),
        ("poetry.lock", True),
        ("Pipfile.lock", True),
        ("uv.lock", True),
        ("notes.txt", False),
        ("Pipfile", False),
        ("setup.py", False),
        ("requirements.in", False),
    ],
)
def test_is_manifest(path: str, expected: bool) -> None:
    assert is_manifest(f"/repo/{path}") is expected
