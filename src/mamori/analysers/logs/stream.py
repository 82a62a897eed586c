"""Follow mode: detect on log lines as they are written, with bounded memory.

Single-rule alerts are emitted once per rule + group key (the first matching event opens the
alert; later matches in the same window are absorbed silently). Correlation rules are
re-evaluated over a bounded window of recent matches whenever a rule they depend on fires,
and each correlation alert is emitted once per rule + group key + first-seen time.
"""

from __future__ import annotations

import collections
import datetime as dt
from collections.abc import Callable, Iterable

from mamori.analysers.logs.analyser import Pack
from mamori.analysers.logs.dedupe import Alert, dedupe
from mamori.analysers.logs.events import LogEvent, ParseStats
from mamori.analysers.logs.ingest.watch import follow
from mamori.analysers.logs.sigma_engine import Match

MAX_RECENT_MATCHES = 50_000
"""Matches kept for correlation (oldest dropped first)."""
MAX_SEEN_ALERTS = 20_000
"""Alert keys remembered to avoid repeating an alert (oldest forgotten first)."""


class StreamDetector:
    """Feeds events one by one to a rule pack and reports each alert once."""

    def __init__(self, pack: Pack, emit: Callable[[Alert], None],
                 window: dt.timedelta = dt.timedelta(hours=1)) -> None:  # fmt: skip
        self.pack = pack
        self.emit = emit
        self.window = window
        self.recent: collections.deque[Match] = collections.deque(maxlen=MAX_RECENT_MATCHES)
        self.seen: collections.OrderedDict[tuple[object, ...], None] = collections.OrderedDict()

    def feed(self, event: LogEvent) -> None:
        """Detect on one new event."""
        matches = list(self.pack.engine.match([event]))
        if not matches:
            return
        self.recent.extend(matches)
        self._expire(event.ts)
        silent = self.pack.correlator.silent
        for alert in dedupe(m for m in matches if m.rule.rule_id not in silent):
            self._once((alert.rule_id, alert.group), alert)
        for alert in self.pack.correlator.run(list(self.recent)):
            self._once((alert.rule_id, alert.group, alert.first_seen), alert)

    def _expire(self, now: dt.datetime | None) -> None:
        if now is None:
            return
        while self.recent and (ts := self.recent[0].event.ts) and now - ts > self.window:
            self.recent.popleft()

    def _once(self, key: tuple[object, ...], alert: Alert) -> None:
        if key in self.seen:
            return
        self.seen[key] = None
        if len(self.seen) > MAX_SEEN_ALERTS:
            self.seen.popitem(last=False)
        self.emit(alert)


def watch(
    paths: Iterable[str],
    pack: Pack,
    emit: Callable[[Alert], None],
    *,
    poll: float = 0.5,
    stop: Callable[[], bool] = lambda: False,
) -> dict[str, ParseStats]:
    """Follow ``paths`` across rotation and emit alerts as they happen, until ``stop()``."""
    detector = StreamDetector(pack, emit)
    return follow(paths, detector.feed, poll=poll, stop=stop)
