"""Loading rule folders: everything loads, or each failure says why."""

from __future__ import annotations

from pathlib import Path

from mamori.analysers.logs.sigma_engine import SigmaEngine
from mamori.analysers.logs.sigma_load import (
    BUILTIN_RULES,
    load_rules,
    load_text,
    mapped_rule,
    renames,
    variants,
)
from shared_data import SHARED_DATA

SIGMAHQ = SHARED_DATA / "sigma"


def test_all_of_sigmahq_loads_and_compiles_or_says_why() -> None:
    loaded = load_rules([SIGMAHQ])
    assert loaded.files >= 3000
    engine = SigmaEngine(loaded.rules, loaded.sources)
    failures = [*loaded.failures, *engine.failures]
    assert len(loaded.rules) + len(failures) >= loaded.files
    assert all(f.reason.strip() for f in failures)
    assert len(engine.failures) < len(loaded.rules) * 0.02
    assert len(engine.rules) >= len(loaded.rules) - len(engine.failures)


def test_builtin_pack_loads_without_failures() -> None:
    loaded = load_rules([BUILTIN_RULES])
    assert loaded.failures == ()
    assert len(loaded.rules) >= 10
    assert len(loaded.correlations) >= 5
    assert all(r.id is not None for r in (*loaded.rules, *loaded.correlations))


def test_broken_yaml_and_bad_rules_are_failures_with_reasons(tmp_path: Path) -> None:
    (tmp_path / "broken.yml").write_text("title: [unclosed\n")
    (tmp_path / "nodetect.yml").write_text("title: no detection\nlogsource:\n  product: linux\n")
    (tmp_path / "scalar.yml").write_text("just a string\n")
    (tmp_path / "bad.yml").write_bytes(b"\xff\xfe\x00title")
    loaded = load_rules([tmp_path])
    assert loaded.rules == ()
    reasons = {Path(f.source).name: f.reason for f in loaded.failures}
    assert set(reasons) == {"broken.yml", "nodetect.yml", "scalar.yml", "bad.yml"}
    assert "YAML" in reasons["broken.yml"]
    assert all(reasons.values())


def test_correlation_with_missing_rule_is_a_failure() -> None:
    text = """
title: orphan
correlation:
  type: event_count
  rules: [does_not_exist]
  group-by: [src_ip]
  timespan: 5m
  condition: {gte: 3}
"""
    loaded = load_text(text)
    assert loaded.correlations == ()
    assert len(loaded.failures) == 1
    assert "does_not_exist" in loaded.failures[0].reason


def test_process_creation_maps_to_sysmon_and_security_with_field_mapping() -> None:
    text = """
title: whoami
logsource: {product: windows, category: process_creation}
detection:
  sel: {Image|endswith: '\\\\whoami.exe'}
  condition: sel
"""
    (rule,) = load_text(text).rules
    found = list(variants(rule))
    assert len(found) == 2
    (plain, none), (mapped, pipeline) = found
    assert ("sysmon", "1") in plain.channel_events and none is None
    assert mapped.channel_events == frozenset({("security", "4688")})
    assert pipeline is not None
    copied = mapped_rule(rule, pipeline)
    fields = {item.field for item in copied.detection.detections["sel"].detection_items}
    assert fields == {"NewProcessName"}
    # The engine compiles the same mapping as a rename of the rule's own condition.
    assert renames(pipeline) == {
        "Image": "NewProcessName",
        "ParentImage": "ParentProcessName",
        "User": "SubjectUserName",
        "LogonId": "SubjectLogonId",
    }
