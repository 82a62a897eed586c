"""Suppressions: persisted, replaced, expired, removed — on SQLite and PostgreSQL."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from mamori.model import Fingerprint
from mamori.store import Store, StoreError
from store.store_samples import fp, result

DAY = dt.date(2030, 6, 15)


def test_suppression_is_persisted_with_its_details(store_url: str) -> None:
    with Store.open(store_url) as store:
        made = store.suppress(fp("a"), "  false alarm: test fixture  ", DAY, "alice")
    with Store.open(store_url) as store:
        kept = store.suppressions()
    assert kept == {fp("a"): made}
    assert (made.reason, made.until, made.created_by) == (
        "false alarm: test fixture",
        "2030-06-15",
        "alice",
    )
    assert dt.datetime.fromisoformat(made.created_at).tzinfo is not None


def test_no_expiry_is_an_empty_until(store: Store) -> None:
    assert store.suppress(fp("a"), "accepted", None, "bob").until == ""
    assert store.suppressions(active_on=dt.date(9999, 12, 31))[fp("a")].until == ""


@pytest.mark.parametrize("reason", ["", "   ", "\n"])
def test_a_reason_is_required(store: Store, reason: str) -> None:
    with pytest.raises(StoreError, match="needs a reason") as caught:
        store.suppress(fp("a"), reason, None, "alice")
    assert caught.value.hint
    assert store.suppressions() == {}


def test_an_empty_fingerprint_is_refused(store: Store) -> None:
    with pytest.raises(StoreError, match="empty fingerprint"):
        store.suppress(Fingerprint(" "), "why", None, "alice")


def test_suppressing_again_replaces_the_older_one(store: Store) -> None:
    store.suppress(fp("a"), "first reason", DAY, "alice")
    store.suppress(fp("a"), "second reason", None, "bob")
    kept = store.suppressions()
    assert list(kept) == [fp("a")]
    assert (kept[fp("a")].reason, kept[fp("a")].until, kept[fp("a")].created_by) == (
        "second reason",
        "",
        "bob",
    )


def test_expired_suppressions_are_left_out_when_a_day_is_given(store: Store) -> None:
    store.suppress(fp("lapsed"), "old", DAY - dt.timedelta(days=1), "alice")
    store.suppress(fp("last-day"), "ends today", DAY, "alice")
    store.suppress(fp("forever"), "no expiry", None, "alice")
    assert set(store.suppressions(active_on=DAY)) == {fp("last-day"), fp("forever")}
    assert set(store.suppressions(active_on=DAY + dt.timedelta(days=1))) == {fp("forever")}
    assert set(store.suppressions()) == {fp("lapsed"), fp("last-day"), fp("forever")}


def test_unsuppress_removes_and_reports_whether_it_did(store: Store) -> None:
    store.suppress(fp("a"), "why", None, "alice")
    store.suppress(fp("b"), "why", None, "alice")
    assert store.unsuppress(fp("a")) is True
    assert store.unsuppress(fp("a")) is False
    assert set(store.suppressions()) == {fp("b")}


def test_a_unique_prefix_of_a_stored_issue_is_expanded(store: Store) -> None:
    store.save(result("a", "b"))
    made = store.suppress(Fingerprint(fp("a")[:12]), "why", None, "alice")
    assert made.fingerprint == fp("a")
    assert store.unsuppress(Fingerprint(fp("a")[:12])) is True
    assert store.suppressions() == {}


def test_an_unknown_fingerprint_is_kept_as_given(store: Store) -> None:
    store.save(result("a"))
    made = store.suppress(fp("not-yet-seen"), "pre-emptive", None, "alice")
    assert set(store.suppressions()) == {made.fingerprint} == {fp("not-yet-seen")}


def test_an_ambiguous_prefix_is_refused(store: Store) -> None:
    base = result("a", "b")
    twins = tuple(
        dataclasses.replace(i, fingerprint=Fingerprint(f"abcd{n}" + "0" * 27))
        for n, i in enumerate(base.issues)
    )
    store.save(dataclasses.replace(base, issues=twins))
    with pytest.raises(StoreError, match="several"):
        store.suppress(Fingerprint("abcd"), "why", None, "alice")
    assert store.suppressions() == {}
    assert (
        store.suppress(Fingerprint("abcd1"), "why", None, "alice").fingerprint == "abcd1" + "0" * 27
    )
