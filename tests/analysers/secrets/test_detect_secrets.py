"""Secrets analyser: labelled examples, grading, bad input, and no secret in any output."""

from __future__ import annotations

import hashlib
import json
import logging
from pathlib import Path
from typing import Any

import pytest

from mamori.analysers import runner
from mamori.analysers.interface import AnalyserSettings, read_lines
from mamori.analysers.secrets.detect_secrets import SecretsAnalyser, secret_slug
from mamori.model import (
    Confidence,
    CweId,
    Finding,
    Severity,
    Skipped,
    Target,
    TargetKind,
    line_fingerprint,
)

EXAMPLES = Path(__file__).parent / "examples"
LABELS: dict[str, Any] = {
    k: v
    for k, v in json.loads((EXAMPLES / "labels.json").read_text()).items()
    if not k.startswith("_")
}
SECRETS = [s for label in LABELS.values() for s in label.get("secrets", [])]

GRADES = {
    "aws-access-key": (Severity.HIGH, Confidence.HIGH),
    "private-key": (Severity.HIGH, Confidence.HIGH),
    "github-token": (Severity.HIGH, Confidence.HIGH),
    "secret-keyword": (Severity.MEDIUM, Confidence.MEDIUM),
    "base64-high-entropy-string": (Severity.MEDIUM, Confidence.LOW),
}


def target(path: Path, display: str = "") -> Target:
    return Target(TargetKind.FILE, str(path.resolve()), "test", display=display)


def scan(paths: list[Path], root: Path = EXAMPLES) -> list[Finding | Skipped]:
    return list(SecretsAnalyser(AnalyserSettings(root=str(root))).analyse(
        [target(p) for p in paths]))  # fmt: skip


@pytest.fixture(scope="module")
def results() -> list[Finding | Skipped]:
    return scan([EXAMPLES / name for name in LABELS])


def test_every_example_file_is_labelled() -> None:
    on_disk = {p.relative_to(EXAMPLES).as_posix() for p in EXAMPLES.glob("*/*")}
    assert on_disk == set(LABELS)
    assert any(LABELS[n]["findings"] for n in LABELS if n.startswith("vulnerable/"))
    assert all(not LABELS[n]["findings"] for n in LABELS if n.startswith("safe/"))


@pytest.mark.parametrize("name", sorted(LABELS))
def test_examples_report_exactly_their_labels(results: list[Finding | Skipped], name: str) -> None:
    got = sorted(
        [f.rule_id, f.location.start_line]
        for f in results
        if isinstance(f, Finding) and f.location.path == name
    )
    assert got == sorted(LABELS[name]["findings"])


def test_findings_are_graded_by_plugin_kind(results: list[Finding | Skipped]) -> None:
    found = [f for f in results if isinstance(f, Finding)]
    assert {f.rule_id for f in found} == set(GRADES)
    for f in found:
        assert (f.severity, f.confidence) == GRADES[f.rule_id], f.rule_id
        assert f.cwe == (CweId(798),)
        assert f.weakness == "hardcoded-credential"


def test_finding_fields(results: list[Finding | Skipped]) -> None:
    (f,) = [f for f in results if isinstance(f, Finding) and f.rule_id == "aws-access-key"]
    path = EXAMPLES / "vulnerable" / "settings.py"
    assert f.analyser == "secrets" and f.title == "AWS Access Key"
    assert f.location.path == "vulnerable/settings.py"
    assert (f.location.start_line, f.location.end_line) == (4, 4)
    assert f.evidence == 'AWS_ACCESS_KEY_ID = "[REDACTED:aws-access-key]"'
    assert "AWS Access Key" in f.message
    assert dict(f.properties) == {
        "hashed_secret": hashlib.sha1(b"AKIAZ3MSJV4WWNKWW5FG").hexdigest()  # noqa: S324
    }
    lines = read_lines(str(path.resolve()))
    assert f.fingerprint == line_fingerprint("hardcoded-credential", f.location.path, lines, 4)


def test_each_finding_on_a_shared_line_carries_its_own_label(
    results: list[Finding | Skipped],
) -> None:
    on_line = {
        f.rule_id: f.evidence
        for f in results
        if isinstance(f, Finding) and f.location.path == "vulnerable/ci.env"
    }
    assert on_line == {
        "github-token": 'GITHUB_TOKEN="[REDACTED:github-token]"',
        "base64-high-entropy-string": 'GITHUB_TOKEN="[REDACTED:base64-high-entropy-string]"',
    }


def test_a_value_not_written_as_found_hides_the_whole_line(
    results: list[Finding | Skipped],
) -> None:
    (f,) = [
        f for f in results if isinstance(f, Finding) and f.location.path.endswith("escaped.yaml")
    ]
    assert f.evidence == "[REDACTED:secret-keyword]"


def test_no_secret_reaches_any_output(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="detect-secrets")
    out = scan([EXAMPLES / name for name in LABELS])
    assert any(isinstance(f, Finding) for f in out)
    dumped = "\n".join(
        [repr(out), json.dumps([dict(f.properties) for f in out if isinstance(f, Finding)])]
        + [caplog.text]
        + [repr(r.args) for r in caplog.records]
    )
    for secret in SECRETS:
        for piece in (secret, secret[: len(secret) // 2], secret[len(secret) // 2 :]):
            assert piece not in dumped, f"part of a secret leaked: {piece[:4]}…"


def test_detect_secrets_echoes_of_values_are_dropped(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="detect-secrets")
    scan([EXAMPLES / "safe" / "settings.py"])
    logging.getLogger("detect-secrets").info('Skipping "%s" due to `x`.', "hunter2-value")
    logging.getLogger("detect-secrets").info("Checking file: %s", "kept.py")
    assert "hunter2-value" not in caplog.text
    assert "kept.py" in caplog.text


# --- what is taken, and bad input ---------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    ["package-lock.json", "yarn.lock", "poetry.lock", "go.sum", "app.min.js", "site.min.css",
     "bundle.js.map"],
)  # fmt: skip
def test_lock_files_and_minified_assets_are_not_taken(name: str) -> None:
    analyser = SecretsAnalyser(AnalyserSettings())
    assert not analyser.accepts(Target(TargetKind.FILE, f"/repo/{name}", "t"))


@pytest.mark.parametrize("name", [".env", "Dockerfile", "app.py", "config.yaml", "id_rsa"])
def test_any_other_text_file_is_taken(name: str) -> None:
    analyser = SecretsAnalyser(AnalyserSettings())
    assert analyser.accepts(Target(TargetKind.FILE, f"/repo/{name}", "t"))
    assert not analyser.accepts(Target(TargetKind.HOST, "db:5432", "t"))


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b'key = "AKIAZ3MSJV4WWNKWW5FG"\x00\x01\x02', "binary file"),
        (b'password = "caf\xe9-Secret-42"\n', "not valid UTF-8 text (bad byte at offset 15)"),
    ],
)
def test_bad_input_becomes_a_skip(tmp_path: Path, content: bytes, reason: str) -> None:
    path = tmp_path / "blob.cfg"
    path.write_bytes(content)
    (skip,) = scan([path], root=tmp_path)
    assert isinstance(skip, Skipped)
    assert (skip.target, skip.analyser) == ("blob.cfg", "secrets")
    assert skip.reason.startswith(reason)
    assert "AKIA" not in skip.reason and "Secret-42" not in skip.reason


def test_a_vanished_file_becomes_a_skip(tmp_path: Path) -> None:
    (skip,) = scan([tmp_path / "gone.env"], root=tmp_path)
    assert skip == Skipped("gone.env", "cannot read file: No such file or directory", "secrets")


def test_display_prefers_the_targets_own_name() -> None:
    analyser = SecretsAnalyser(AnalyserSettings(root="/elsewhere"))
    t = target(EXAMPLES / "vulnerable" / "database.yaml", display="conf/db.yaml")
    (f,) = analyser.analyse([t])
    assert isinstance(f, Finding) and f.location.path == "conf/db.yaml"


def test_slugs() -> None:
    assert secret_slug("AWS Access Key") == "aws-access-key"
    assert secret_slug("Public IP (ipv4)") == "public-ip-ipv4"
    assert secret_slug("NPM tokens") == "npm-tokens"
    assert secret_slug("???") == "secret"


def test_runs_inside_a_worker_process() -> None:
    settings = AnalyserSettings(root=str(EXAMPLES.resolve()))
    targets = [
        target(EXAMPLES / "vulnerable" / "settings.py"),
        target(EXAMPLES / "safe" / "README.md"),
    ]
    jobs = runner.plan(["secrets"], targets, settings, timeout=120)
    outcome = runner.run(jobs, settings)
    assert [r.status for r in outcome.runs] == ["ok"]
    assert outcome.versions["secrets"] == SecretsAnalyser(settings).version
    assert sorted((f.rule_id, f.location.start_line) for f in outcome.findings) == [
        ("aws-access-key", 4),
        ("base64-high-entropy-string", 6),
    ]


def test_a_detect_secrets_crash_is_a_skip_without_its_message(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import detect_secrets.core.scan

    def explode(filename: str) -> Any:
        raise ValueError('could not parse line: password = "Leaky-Value-99"')

    monkeypatch.setattr(detect_secrets.core.scan, "scan_file", explode)
    path = tmp_path / "app.cfg"
    path.write_text('password = "Leaky-Value-99"\n')
    assert scan([path], root=tmp_path) == [
        Skipped("app.cfg", "detect-secrets failed on this file (ValueError)", "secrets")
    ]


def test_non_ascii_text_under_a_non_utf8_locale_is_a_skip_not_a_silent_miss(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import locale

    monkeypatch.setattr(locale, "getpreferredencoding", lambda do_setlocale=True: "ANSI_X3.4-1968")
    ascii_file, accented = tmp_path / "plain.env", tmp_path / "café.env"
    ascii_file.write_text('password = "Plain-Value-12345"\n')
    accented.write_text('# café\npassword = "Accented-Value-12345"\n')
    out = scan([ascii_file, accented], root=tmp_path)
    assert [type(i).__name__ for i in out] == ["Finding", "Skipped"]
    assert isinstance(out[1], Skipped) and "PYTHONUTF8=1" in out[1].reason
