"""Requirements files: pins, includes, comments, markers, extras, hashes, continuations."""

from __future__ import annotations

from pathlib import Path

from mamori.analysers.deps.parsers import parse_manifest
from mamori.analysers.deps.requirements import logical_lines

EXAMPLES = Path(__file__).parent / "examples"


def _write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_vulnerable_example_pins_includes_markers_and_hashes() -> None:
    manifest = EXAMPLES / "vulnerable/requirements/requirements.txt"
    result = parse_manifest(manifest, allowed_root=EXAMPLES)
    by_name = {d.name: d for d in result.dependencies}
    assert result.skipped == ()
    assert by_name["jinja2"].version == "2.10"
    assert by_name["jinja2"].line == 5  # the first physical line of the continued entry
    assert by_name["django"].version == "3.2"  # extras and marker do not hide the pin
    assert by_name["pyyaml"].version == "5.3"  # from base.txt via -r
    assert by_name["pyyaml"].path.endswith("base.txt")
    assert by_name["pyyaml"].line == 1
    assert by_name["requests"].version is None
    assert by_name["click"].version is None
    assert by_name["click"].specifier == ">=7.0"


def test_safe_example_ranges_stay_unpinned() -> None:
    result = parse_manifest(EXAMPLES / "safe/requirements/requirements.txt")
    pins = {d.name: d.version for d in result.dependencies}
    assert pins == {
        "jinja2": "3.1.4",
        "pyyaml": None,
        "urllib3": "2.2.2",
        "requests": None,
        "django": None,
    }


def test_comments_and_continuations_are_joined_like_pip() -> None:
    text = "# only a comment \\\nfoo==1.0 # trailing\nbar\\\n==2.0\n\n  baz==3  \n"
    assert logical_lines(text) == [(2, "foo==1.0"), (3, "bar==2.0"), (6, "baz==3")]


def test_exact_pins_only(tmp_path: Path) -> None:
    text = "a==1.0\nb===1.0-custom\nc==1.*\nd~=1.0\ne>=1,==1.5\nf<2\nG_H.I==0.1\n"
    result = parse_manifest(_write(tmp_path, "requirements.txt", text))
    pins = {d.name: d.version for d in result.dependencies}
    assert pins == {"a": "1.0", "b": "1.0-custom", "c": None, "d": None, "e": "1.5",
                    "f": None, "g-h-i": "0.1"}  # fmt: skip


def test_include_variants_and_cycles(tmp_path: Path) -> None:
    _write(tmp_path, "requirements.txt", "-r sub/one.txt\n--requirement=sub/two.txt\na==1\n")
    _write(tmp_path, "sub/one.txt", "b==2\n-r ../requirements.txt\n")
    _write(tmp_path, "sub/two.txt", "c==3\n")
    result = parse_manifest(tmp_path / "requirements.txt", allowed_root=tmp_path)
    assert [d.name for d in result.dependencies] == ["b", "c", "a"]
    assert result.skipped == ()


def test_include_outside_root_or_missing_is_skipped(tmp_path: Path) -> None:
    outside = _write(tmp_path, "outside.txt", "evil==1\n")
    root = tmp_path / "project"
    manifest = _write(root, "requirements.txt", f"-r {outside}\n-r missing.txt\nok==1\n")
    result = parse_manifest(manifest, allowed_root=root)
    assert [d.name for d in result.dependencies] == ["ok"]
    reasons = [s.reason for s in result.skipped]
    assert any("outside the scan root" in r for r in reasons)
    assert any("missing.txt does not exist" in r for r in reasons)


def test_urls_and_paths_become_skips_without_echoing_the_line(tmp_path: Path) -> None:
    secret_url = "https://user:s3cr3t@example.org/pkg.whl"
    text = f"{secret_url}\nname @ {secret_url}\n-i {secret_url}\n"
    result = parse_manifest(_write(tmp_path, "requirements.txt", text))
    assert [(d.name, d.version, d.specifier) for d in result.dependencies] == [
        ("name", None, "direct reference")
    ]
    assert len(result.skipped) == 1 and "line 1" in result.skipped[0].reason
    assert all("s3cr3t" not in s.reason for s in result.skipped)


def test_binary_and_invalid_utf8_are_skipped(tmp_path: Path) -> None:
    binary = tmp_path / "requirements.txt"
    binary.write_bytes(b"a==1\x00\x01")
    latin = tmp_path / "requirements-dev.txt"
    latin.write_bytes(b"caf\xe9==1.0\n")
    assert "binary" in parse_manifest(binary).skipped[0].reason
    assert "UTF-8" in parse_manifest(latin).skipped[0].reason
    assert parse_manifest(latin).dependencies == ()
