from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from mamori.errors import ScopeError
from mamori.scope import Scope
from mamori.targets import collect


def _reasons(tmp: Path, **kw: int) -> dict[str, str]:
    c = collect([tmp], Scope.for_paths([tmp]), **kw)  # type: ignore[arg-type]
    return {s.target: s.reason for s in c.skipped}


def test_good_files_become_targets_with_relative_display(tmp_path: Path) -> None:
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "a.py").write_text("x = 1\n")
    (tmp_path / "b.txt").write_text("héllo\n")
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "config").write_text("[core]\n")
    c = collect([tmp_path], Scope.for_paths([tmp_path]))
    assert sorted(t.name for t in c.targets) == ["b.txt", "pkg/a.py"]
    assert all(t.scope_rule.startswith("command line") for t in c.targets)
    assert c.skipped == ()


def test_bad_input_becomes_skips_with_reasons(tmp_path: Path) -> None:
    (tmp_path / "ok.py").write_text("print('ok')\n")
    (tmp_path / "blob.bin").write_bytes(b"\x7fELF\x00\x01\x02")
    (tmp_path / "latin1.py").write_bytes(b"name = 'caf\xe9'\n")
    (tmp_path / "huge.py").write_text("x = 1\n" * 100)
    (tmp_path / "loop_a").symlink_to(tmp_path / "loop_b")
    (tmp_path / "loop_b").symlink_to(tmp_path / "loop_a")
    (tmp_path / "dangling").symlink_to(tmp_path / "missing")
    (tmp_path / "dirlink").symlink_to(tmp_path)
    reasons = _reasons(tmp_path, max_file_size=500)
    assert reasons["blob.bin"] == "binary file"
    assert "not valid UTF-8" in reasons["latin1.py"]
    assert "over the 500-byte limit" in reasons["huge.py"]
    assert reasons["loop_a"] == reasons["loop_b"] == "symlink loop"
    assert "broken symlink" in reasons["dangling"]
    assert "not followed" in reasons["dirlink"]
    assert "ok.py" not in reasons


def test_symlink_leaving_scope_is_skipped_not_read(tmp_path: Path) -> None:
    inside, outside = tmp_path / "in", tmp_path / "out"
    inside.mkdir()
    outside.mkdir()
    (outside / "secret.py").write_text("KEY = 1\n")
    (inside / "link.py").symlink_to(outside / "secret.py")
    c = collect([inside], Scope.for_paths([inside]))
    assert c.targets == ()
    assert "outside the scope" in c.skipped[0].reason


def test_request_outside_scope_is_refused_before_reading(tmp_path: Path) -> None:
    scope = Scope.for_paths([tmp_path / "allowed"])
    with pytest.raises(ScopeError, match="outside"):
        collect([tmp_path / "other"], scope)


def test_missing_path_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ScopeError, match="does not exist"):
        collect([tmp_path / "nope"], Scope.for_paths([tmp_path]))


def test_unreadable_file_is_skipped(tmp_path: Path) -> None:
    """Run as an unprivileged user so permissions apply even when the suite runs as root."""
    victim = tmp_path / "locked.py"
    victim.write_text("x = 1\n")
    victim.chmod(0)
    tmp_path.chmod(0o755)
    code = (
        "import sys; from mamori.targets import collect; from mamori.scope import Scope;"
        "p = sys.argv[1]; c = collect([p], Scope.for_paths([p]));"
        "print([s.reason for s in c.skipped])"
    )
    cmd = [sys.executable, "-c", code, str(tmp_path)]
    if os.geteuid() == 0:
        setpriv = shutil.which("setpriv")
        assert setpriv, "setpriv (util-linux) is needed to drop root for this test"
        for parent in [tmp_path, *tmp_path.parents]:
            if parent.stat().st_mode & 0o001 == 0:
                parent.chmod(parent.stat().st_mode | 0o001)
        cmd = [setpriv, "--reuid=65534", "--regid=65534", "--clear-groups", *cmd]
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parents[1] / "src")}
    done = subprocess.run(cmd, capture_output=True, text=True, env=env, check=True)
    assert "permission denied (unreadable file)" in done.stdout
