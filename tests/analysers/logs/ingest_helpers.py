"""Helpers shared by the ingest tests: sample paths and copies with a chosen mtime."""

from __future__ import annotations

import datetime as dt
import os
import shutil
from pathlib import Path

from mamori.analysers.logs.events import LogEvent, ParseStats
from mamori.analysers.logs.ingest import read_events
from shared_data import SHARED_DATA

SAMPLES = Path(__file__).parent / "samples"
EVTX_CORPUS = SHARED_DATA / "evtx-attack-samples"


def copy_sample(name: str, dest: Path, mtime: dt.datetime | None = None) -> Path:
    """Copy sample ``name`` into ``dest``, optionally setting its modification time."""
    target = dest / name
    shutil.copyfile(SAMPLES / name, target)
    if mtime is not None:
        os.utime(target, (mtime.timestamp(), mtime.timestamp()))
    return target


def events_of(path: Path) -> tuple[list[LogEvent], ParseStats]:
    """All events of ``path`` and its stats."""
    events, stats = read_events(str(path), path.name)
    return list(events), stats


def by_position(events: list[LogEvent]) -> dict[int, LogEvent]:
    """Events keyed by their line number."""
    return {e.position: e for e in events}
