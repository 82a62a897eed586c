from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from mamori.errors import ConfigError, ScopeError
from mamori.model import Decision
from mamori.pipeline import ScanOptions, scan
from mamori.store import Store

TABLE = "analysers: {marker: {default: 0.6}, marker2: {default: 0.6}}\n"


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    root = tmp_path / "estate"
    (root / "pkg").mkdir(parents=True)
    (root / "pkg" / "repo.py").write_text("x = 1\nq = 'SQLI'  # planted\n")
    (root / "pkg" / "skip.py").write_text("# SKIPME\n")
    (root / "blob.bin").write_bytes(b"\x00\x01")
    (tmp_path / "precision.yaml").write_text(TABLE)
    return root


def opts(tree: Path, *analysers: str, **kw: object) -> ScanOptions:
    return ScanOptions(
        paths=(str(tree),),
        analysers=analysers,
        precision_table=str(tree.parent / "precision.yaml"),
        **kw,  # type: ignore[arg-type]
    )


def test_two_independent_analysers_agree_and_escalate(
    tree: Path, fake_analysers: dict[str, str]
) -> None:
    result = scan(opts(tree, "marker", "marker2"))
    [issue] = result.issues
    assert issue.agreeing == ("marker", "marker2")
    assert issue.decision is Decision.ESCALATE
    assert issue.anchor.location.path == "pkg/repo.py"
    assert issue.anchor.location.start_line == 2
    skipped = {(s.target, s.analyser) for s in result.skipped}
    assert ("blob.bin", "") in skipped
    assert ("pkg/skip.py", "marker") in skipped
    assert result.target_count == 2


def test_one_analyser_alone_is_held_for_review(tree: Path, fake_analysers: dict[str, str]) -> None:
    [issue] = scan(opts(tree, "marker")).issues
    assert issue.decision is Decision.REVIEW
    assert "marker (0.60) alone reports sql-injection" in issue.reason


def test_crashing_analyser_is_reported_and_scan_completes(
    tree: Path, fake_analysers: dict[str, str]
) -> None:
    result = scan(opts(tree, "marker", "crashing"))
    assert len(result.issues) == 1
    assert {r.analyser: r.status for r in result.analysers} == {
        "marker": "ok",
        "crashing": "failed",
    }
    assert any(s.analyser == "crashing" and "exploded" in s.reason for s in result.skipped)


def test_suppression_persists_across_runs_and_diff_sees_fixes(
    tree: Path, tmp_path: Path, fake_analysers: dict[str, str]
) -> None:
    url = f"sqlite:///{tmp_path / 'm.db'}"
    with Store.open(url) as store:
        first = scan(opts(tree, "marker", "marker2"), store=store)
        fp = first.issues[0].fingerprint
        store.suppress(fp, "accepted: test data", dt.date(2099, 1, 1), "tester")
        (tree / "pkg" / "repo.py").write_text("# added line\nx = 1\nq = 'SQLI'  # planted\n")
        second = scan(opts(tree, "marker", "marker2"), store=store)
        assert second.issues[0].fingerprint == fp  # moved down a line, same problem
        assert second.issues[0].decision is Decision.SUPPRESS
        assert "accepted: test data" in second.issues[0].reason
        later = scan(opts(tree, "marker", "marker2"), store=store, today=dt.date(2100, 1, 1))
        assert later.issues[0].decision is Decision.ESCALATE  # the suppression lapsed
        (tree / "pkg" / "repo.py").write_text("x = 1\n")
        fixed = scan(opts(tree, "marker", "marker2"), store=store)
        d = store.diff(first.run_id, fixed.run_id)
        assert [i.fingerprint for i in d.fixed] == [fp]
        assert d.new == () and d.unchanged == ()


def test_out_of_scope_and_bad_options_fail_before_scanning(
    tree: Path, tmp_path: Path, fake_analysers: dict[str, str]
) -> None:
    scope = tmp_path / "scope.yaml"
    scope.write_text("paths: {allow: [elsewhere]}\n")
    with pytest.raises(ScopeError):
        scan(opts(tree, "marker", scope_file=str(scope)))
    with pytest.raises(ConfigError, match="unknown analyser"):
        scan(opts(tree, "nonesuch"))
    with pytest.raises(ConfigError, match="not a folder"):
        scan(opts(tree, "marker", semgrep_rules=(str(tmp_path / "missing"),)))
