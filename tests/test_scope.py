from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from mamori.errors import ConfigError, ScopeError
from mamori.scope import Scope


def _write(tmp_path: Path, text: str) -> Path:
    p = tmp_path / "scope.yaml"
    p.write_text(text)
    return p


def test_paths_allowed_and_denied_relative_to_scope_file(tmp_path: Path) -> None:
    (tmp_path / "src" / "vendor").mkdir(parents=True)
    scope = Scope.load(_write(tmp_path, "paths: {allow: [src], deny: [src/vendor]}\n"))
    assert "paths.allow[0]" in scope.path_rule(tmp_path / "src" / "app.py")
    with pytest.raises(ScopeError, match="denied"):
        scope.path_rule(tmp_path / "src" / "vendor" / "lib.py")
    with pytest.raises(ScopeError, match="outside the authorised scope"):
        scope.path_rule(tmp_path / "other.py")
    with pytest.raises(ScopeError):
        scope.path_rule(tmp_path / "src" / ".." / "secret.txt")


def test_prefix_lookalike_is_not_inside(tmp_path: Path) -> None:
    scope = Scope.for_paths([tmp_path / "app"])
    with pytest.raises(ScopeError):
        scope.path_rule(tmp_path / "app-secrets" / "x")


def test_hosts_and_ports(tmp_path: Path) -> None:
    text = "networks: {cidrs: [10.0.0.0/24], deny_cidrs: [10.0.0.1/32], ports: [22, '8000-8002']}\n"
    scope = Scope.load(_write(tmp_path, text))
    assert "networks.cidrs[0]" in scope.host_rule("10.0.0.5", 8001)
    for host, port in [("10.0.0.1", 22), ("10.0.1.5", 22), ("10.0.0.5", 23)]:
        with pytest.raises(ScopeError):
            scope.host_rule(host, port)
    with pytest.raises(ScopeError, match="not an IP"):
        scope.host_rule("bank.example", 22)


def test_time_windows(tmp_path: Path) -> None:
    text = "windows: [{days: [mon], start: '09:00', end: '18:00', timezone: Asia/Tokyo}]\n"
    scope = Scope.load(_write(tmp_path, text))
    monday_10_jst = dt.datetime(2026, 11, 23, 1, 0, tzinfo=dt.UTC)  # Mon 10:00 JST
    scope.check_window(monday_10_jst)
    with pytest.raises(ScopeError, match="time window"):
        scope.check_window(monday_10_jst + dt.timedelta(hours=9))  # 19:00 JST
    with pytest.raises(ScopeError):
        scope.check_window(monday_10_jst + dt.timedelta(days=1))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("paths: [a, b]\n", "invalid"),
        ("surprise: 1\n", "invalid"),
        ("networks: {ports: [70000]}\n", "bad port"),
        ("networks: {cidrs: [not-a-cidr]}\n", "invalid"),
        ("windows: [{days: [funday]}]\n", "unknown day"),
        ("windows: [{timezone: Mars/Olympus}]\n", "time zone"),
        ("- just\n- a list\n", "mapping"),
        ("paths: {allow: [a\n", "not valid YAML"),
    ],
)
def test_bad_scope_files_say_what_is_wrong(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        Scope.load(_write(tmp_path, text))


def test_missing_scope_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot read"):
        Scope.load(tmp_path / "nope.yaml")


def test_asset_classes_longest_path_wins(tmp_path: Path) -> None:
    text = (
        "paths: {allow: [.]}\n"
        "assets:\n  - {path: config, class: internal}\n"
        "  - {path: config/core, class: core-banking}\n"
    )
    scope = Scope.load(_write(tmp_path, text))
    assert scope.asset_class(tmp_path / "config" / "nginx.conf") == "internal"
    assert scope.asset_class(tmp_path / "config" / "core" / "sshd_config") == "core-banking"
    assert scope.asset_class(tmp_path / "app.py") == "unclassified"
