"""OSV matching: ranges, last_affected, limits, explicit versions, pre-releases, upgrades."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from mamori.analysers.deps.osv import (
    Advisory,
    OSVFormatError,
    advisory_to_osv,
    minimal_upgrade,
    parse_advisory,
)
from mamori.model import Severity

Make = Callable[..., dict[str, Any]]


def _adv(make_osv: Make, events: list[dict[str, str]] | None, **kw: Any) -> Advisory:
    return parse_advisory(make_osv("TEST-1", "Demo_Pkg", events, **kw))


@pytest.mark.parametrize(
    ("version", "affected"),
    [("0.0.1", True), ("1.4.9", True), ("1.5rc1", True), ("1.5.dev0", True),
     ("1.5", False), ("1.5.0", False), ("1.5.post1", False), ("2.0", False)],
)  # fmt: skip
def test_introduced_zero_fixed(make_osv: Make, version: str, affected: bool) -> None:
    advisory = _adv(make_osv, [{"introduced": "0"}, {"fixed": "1.5"}])
    assert advisory.affects("demo-pkg", version) is affected


@pytest.mark.parametrize(
    ("version", "affected"),
    [("0.9", False), ("1.0", True), ("1.4", True), ("1.4.0", True), ("1.4.1", False),
     ("1.4.post1", False)],
)  # fmt: skip
def test_last_affected_is_inclusive(make_osv: Make, version: str, affected: bool) -> None:
    advisory = _adv(make_osv, [{"introduced": "1.0"}, {"last_affected": "1.4"}])
    assert advisory.affects("demo-pkg", version) is affected


@pytest.mark.parametrize(
    ("version", "affected"),
    [("0.5", False), ("1.1", True), ("1.2", False), ("1.9", False), ("2.0.5", True),
     ("2.1", False)],
)  # fmt: skip
def test_several_intervals_in_any_order(make_osv: Make, version: str, affected: bool) -> None:
    events = [{"fixed": "2.1"}, {"introduced": "1.0"}, {"introduced": "2.0"}, {"fixed": "1.2"}]
    assert _adv(make_osv, events).affects("demo-pkg", version) is affected


def test_limit_caps_an_open_range(make_osv: Make) -> None:
    advisory = _adv(make_osv, [{"introduced": "0"}, {"limit": "2.0"}])
    assert advisory.affects("demo-pkg", "1.9")
    assert not advisory.affects("demo-pkg", "2.0")


def test_explicit_versions_match_canonically(make_osv: Make) -> None:
    advisory = _adv(make_osv, None, versions=["1.0", "2.0rc1", "weird-tag"])
    assert advisory.affects("demo-pkg", "1.0.0")
    assert advisory.affects("demo-pkg", "2.0.0rc1")
    assert advisory.affects("demo-pkg", "weird-tag")  # unparseable, but listed verbatim
    assert not advisory.affects("demo-pkg", "1.1")
    assert not advisory.affects("demo-pkg", "not-a-version")


def test_git_ranges_are_ignored(make_osv: Make) -> None:
    record = make_osv("TEST-1", "demo-pkg")
    record["affected"][0]["ranges"] = [
        {"type": "GIT", "repo": "https://example.org/r", "events": [{"introduced": "0"}]}
    ]
    assert not parse_advisory(record).affects("demo-pkg", "1.0")


def test_unparseable_range_is_ignored_but_versions_still_count(make_osv: Make) -> None:
    advisory = _adv(make_osv, [{"introduced": "0"}, {"fixed": "abc123!!"}], versions=["1.0"])
    assert advisory.affects("demo-pkg", "1.0")
    assert not advisory.affects("demo-pkg", "1.1")  # the open-ended range is not trusted


def test_names_are_normalised_and_other_packages_unaffected(make_osv: Make) -> None:
    advisory = _adv(make_osv, [{"introduced": "0"}])
    assert advisory.affects("DEMO.pkg", "1.0")
    assert not advisory.affects("other", "1.0")


def test_withdrawn_affects_nothing(make_osv: Make) -> None:
    advisory = _adv(make_osv, [{"introduced": "0"}], withdrawn="2024-02-01T00:00:00Z")
    assert not advisory.affects("demo-pkg", "1.0")


def test_only_pypi_entries_are_kept(make_osv: Make) -> None:
    record = make_osv("TEST-1", "left-pad", [{"introduced": "0"}], ecosystem="npm")
    assert parse_advisory(record).affected == ()


def test_fields_severity_and_cwes(make_osv: Make) -> None:
    record = make_osv(
        "GHSA-x", "demo", [{"introduced": "0"}, {"fixed": "2"}],
        aliases=["CVE-2024-1"], summary="Bad thing",
        severity=[{"type": "CVSS_V3", "score": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"}],
        database_specific={"cwe_ids": ["CWE-79", "CWE-20"], "severity": "MODERATE"},
    )  # fmt: skip
    advisory = parse_advisory(record)
    assert advisory.cwe_ids == (79, 20)
    assert advisory.severity is Severity.CRITICAL  # the vector wins over the label
    assert advisory.fixed_versions("demo") == ("2",)
    assert parse_advisory(advisory_to_osv(advisory)) == advisory


def test_label_and_default_severity(make_osv: Make) -> None:
    labelled = _adv(make_osv, [], database_specific={"severity": "LOW"})
    assert labelled.severity is Severity.LOW
    assert _adv(make_osv, []).severity is Severity.MEDIUM


@pytest.mark.parametrize(
    "record",
    [{"id": ""}, {"affected": []}, {"id": "X", "affected": "nope"},
     {"id": "X", "affected": [{"ranges": [{"events": []}]}]}],
)  # fmt: skip
def test_invalid_records_raise(record: dict[str, Any]) -> None:
    with pytest.raises(OSVFormatError):
        parse_advisory(record)


def test_minimal_upgrade_skips_versions_another_advisory_affects(make_osv: Make) -> None:
    first = _adv(make_osv, [{"introduced": "0"}, {"fixed": "1.5"}])
    second = parse_advisory(
        make_osv("TEST-2", "demo-pkg", [{"introduced": "1.5"}, {"fixed": "1.7"}])
    )
    assert minimal_upgrade("demo-pkg", "1.0", [first, second]) == "1.7"
    assert minimal_upgrade("demo-pkg", "1.0", [first]) == "1.5"


def test_minimal_upgrade_none_when_unfixed_or_unparseable(make_osv: Make) -> None:
    unfixed = _adv(make_osv, [{"introduced": "0"}, {"last_affected": "3.0"}])
    fixed = parse_advisory(make_osv("TEST-2", "demo-pkg", [{"introduced": "0"}, {"fixed": "2"}]))
    assert minimal_upgrade("demo-pkg", "1.0", [unfixed, fixed]) is None  # 2 is still <= 3.0
    assert minimal_upgrade("demo-pkg", "not-a-version", [fixed]) is None


def test_minimal_upgrade_prerelease_fix(make_osv: Make) -> None:
    advisory = _adv(make_osv, [{"introduced": "0"}, {"fixed": "3.0b1"}])
    assert minimal_upgrade("demo-pkg", "2.0", [advisory]) == "3.0"
    assert minimal_upgrade("demo-pkg", "3.0a1", [advisory]) == "3.0b1"
