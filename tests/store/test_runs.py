"""Saving, loading, naming, listing and comparing runs — on SQLite and PostgreSQL."""

from __future__ import annotations

import dataclasses
import uuid

import pytest

from mamori.model import (
    Decision,
    Location,
    ScanResult,
    Skipped,
    Suppression,
    TraceStep,
)
from mamori.store import Store, StoreError
from store.store_samples import AWKWARD, finding, fp, issue, result


def test_round_trip_keeps_every_field_and_order(store: Store) -> None:
    sup = Suppression(fp("b"), "accepted risk", "2099-01-01", "alice", "2025-01-01T00:00:00+00:00")
    original = result("a", "b", "c")
    original = dataclasses.replace(
        original,
        issues=(
            original.issues[0],
            issue("b", decision=Decision.SUPPRESS, suppression=sup),
            issue("c", decision=Decision.REVIEW, analysers=("semgrep",)),
        ),
    )
    assert store.load(store.save(original)) == original


def test_round_trip_of_text_no_backend_takes_as_is(store: Store) -> None:
    odd = finding(
        "odd",
        message=AWKWARD,
        evidence=AWKWARD,
        location=Location(path=f"src/{AWKWARD}.py", start_line=1),
        trace=(TraceStep(Location(path=AWKWARD, start_line=2), AWKWARD),),
        properties={AWKWARD: [AWKWARD, 1, None, 2.5]},
    )
    bad = result("x", skipped=(Skipped(f"/srv/{AWKWARD}", "invalid UTF-8", "bandit"),))
    bad = dataclasses.replace(
        bad, roots=(AWKWARD,), issues=(dataclasses.replace(bad.issues[0], findings=(odd,)),)
    )
    assert store.load(store.save(bad)) == bad


def test_empty_result_round_trips(store: Store) -> None:
    empty = result(skipped=(), analysers=(), roots=(), target_count=0)
    assert store.load(store.save(empty)) == empty


def test_saved_runs_survive_reopening(store_url: str) -> None:
    saved = result("a")
    with Store.open(store_url) as first:
        first.save(saved)
    with Store.open(store_url) as second:
        assert second.load("latest") == saved


def test_saving_a_run_id_twice_is_refused_and_keeps_the_first(store: Store) -> None:
    first = result("a", run_id="0123456789abcdef")
    store.save(first)
    with pytest.raises(StoreError, match="already stored") as caught:
        store.save(result("b", run_id="0123456789abcdef"))
    assert caught.value.hint
    assert store.load("0123456789abcdef") == first
    assert len(store.runs()) == 1


def test_properties_that_are_not_json_are_refused_and_nothing_is_stored(store: Store) -> None:
    bad = result("a")
    claim = finding("a", properties={"paths": {"a", "b"}})  # a set is not JSON
    bad = dataclasses.replace(bad, issues=(dataclasses.replace(bad.issues[0], findings=(claim,)),))
    with pytest.raises(StoreError, match="not JSON-safe"):
        store.save(bad)
    assert store.runs() == []


def _save_three(store: Store) -> list[ScanResult]:
    runs = [result("a", run_id=f"{n}{uuid.uuid4().hex}") for n in ("aaaa1", "aaaa2", "bbbb3")]
    for r in runs:
        store.save(r)
    return runs


def test_run_refs_full_id_prefix_latest_and_latest_n(store: Store) -> None:
    one, two, three = _save_three(store)
    assert store.load(two.run_id) == two
    assert store.load("bbbb") == three
    assert store.load(two.run_id[:8]) == two
    assert store.load("latest") == three
    assert store.load("latest~0") == three
    assert store.load("latest~1") == two
    assert store.load(" latest~2 ") == one


@pytest.mark.parametrize(
    ("ref", "message"),
    [
        ("latest~3", "holds 3 run"),
        ("aaaa", "ambiguous"),
        ("ffffffff", "no stored run"),
        ("aaa", "no stored run"),  # too short to be a prefix
        ("", "no stored run"),
        ("latest~x", "no stored run"),
        ("%", "no stored run"),
    ],
)
def test_bad_run_refs_raise_store_error_with_hint(store: Store, ref: str, message: str) -> None:
    _save_three(store)
    with pytest.raises(StoreError, match=message) as caught:
        store.load(ref)
    assert "latest~N" in caught.value.hint


def test_latest_on_an_empty_store_says_so(store: Store) -> None:
    with pytest.raises(StoreError, match="holds 0 run"):
        store.load("latest")


def test_runs_lists_newest_first_with_counts(store: Store) -> None:
    old = result("a", run_id="old-run")
    new = dataclasses.replace(
        result("a", "b", run_id="new-run"),
        issues=(issue("a"), issue("b", decision=Decision.SUPPRESS, analysers=("bandit",))),
    )
    store.save(old)
    store.save(new)
    listed = store.runs()
    assert [r.run_id for r in listed] == ["new-run", "old-run"]
    latest = listed[0]
    assert (latest.issues, latest.findings, latest.skipped) == (2, 3, 2)
    assert latest.decisions == {Decision.ESCALATE: 1, Decision.REVIEW: 0, Decision.SUPPRESS: 1}
    assert latest.roots == new.roots and latest.started_at == new.started_at
    assert "new-run" in str(latest) and "1 suppress" in str(latest)
    assert [r.run_id for r in store.runs(limit=1)] == ["new-run"]
    assert store.runs(limit=0) == []
    with pytest.raises(StoreError):
        store.runs(limit=-1)


def test_diff_matches_issues_by_fingerprint(store: Store) -> None:
    before = result("kept", "fixed")
    moved = issue("kept")
    moved = dataclasses.replace(moved, findings=(finding("kept", line=40),))  # same problem, moved
    after = dataclasses.replace(result("new"), issues=(issue("new"), moved))
    store.save(before)
    store.save(after)
    d = store.diff("latest~1", "latest")
    assert (d.a, d.b) == (before.run_id, after.run_id)
    assert [i.fingerprint for i in d.new] == [fp("new")]
    assert [i.fingerprint for i in d.fixed] == [fp("fixed")]
    assert d.unchanged == (moved,)  # as it appears in the newer run


def test_diff_of_a_run_with_itself_is_all_unchanged(store: Store) -> None:
    r = result("a", "b")
    store.save(r)
    d = store.diff("latest", r.run_id)
    assert d.new == () and d.fixed == () and d.unchanged == r.issues


def test_diff_with_an_unknown_run_raises(store: Store) -> None:
    store.save(result("a"))
    with pytest.raises(StoreError, match="no stored run"):
        store.diff("latest", "nonesuch")
