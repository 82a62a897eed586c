"""AWS CloudTrail (S3 delivery documents and JSON lines) meets SigmaHQ's aws rules."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from analysers.logs.ingest_helpers import SAMPLES, events_of
from mamori.analysers.logs.ingest import LogFormatError, cloudtrail, open_events, sniff
from mamori.analysers.logs.sigma_engine import SigmaEngine
from mamori.analysers.logs.sigma_load import load_rules
from shared_data import SHARED_DATA


@pytest.mark.parametrize(
    ("name", "fmt", "events", "bad"),
    [
        ("cloudtrail.json", "cloudtrail", 4, 1),
        ("cloudtrail_rotated.json.gz", "cloudtrail", 2, 0),
        ("cloudtrail.jsonl", "cloudtrail-jsonl", 4, 1),
    ],
)
def test_both_shapes_are_read_with_cloudtrail_field_names(
    name: str, fmt: str, events: int, bad: int
) -> None:
    path = SAMPLES / name
    assert sniff(str(path)).name == fmt
    found, stats = events_of(path)
    assert (len(found), stats.bad) == (events, bad)
    first, second = found[0], found[1]
    assert first.logsource == cloudtrail.CLOUDTRAIL
    assert first.ts == dt.datetime(2026, 3, 3, 10, 1, tzinfo=dt.UTC)
    assert second.fields["eventName"] == "StopLogging"
    assert second.fields["userIdentity.userName"] == "ops-anna"
    assert second.fields["requestParameters.name"].endswith("trail/org-trail")


def test_sigmahq_aws_rules_fire_on_the_attacks_only() -> None:
    loaded = load_rules([SHARED_DATA / "sigma" / "rules" / "cloud" / "aws"])
    engine = SigmaEngine(loaded.rules)
    assert not engine.failures
    events = [
        e for n in ("cloudtrail.json", "cloudtrail.jsonl") for e in open_events(str(SAMPLES / n))
    ]
    fired = {(m.rule.title, m.event.fields["eventName"]) for m in engine.match(events)}
    assert ("AWS CloudTrail Important Change", "StopLogging") in fired
    assert ("AWS ConsoleLogin Failed Authentication", "ConsoleLogin") in fired
    assert not {name for _, name in fired} & {"DescribeInstances"}
    failed_logins = [e for e in events if e.fields.get("errorMessage")]
    assert len(failed_logins) == 2  # one per shape; the successful login is not one


def test_truncated_or_oversized_documents_are_clear(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = (SAMPLES / "cloudtrail.json").read_text()
    cut = tmp_path / "cut.json"
    cut.write_text(text[: len(text) // 2])
    events, stats = events_of(cut)
    assert events == [] and stats.bad == 1
    monkeypatch.setattr(cloudtrail, "MAX_DOCUMENT", 100)
    with pytest.raises(LogFormatError, match="larger than 100 bytes"):
        list(open_events(str(SAMPLES / "cloudtrail.json")))
