"""Sliding windows over one group's time-sorted hits, as positions (see :mod:`.correlation`).

Each function answers, for every hit, whether a correlation's condition holds in the window
that ends at it — with the result of pushing hits through a queue one by one, without the
queue: a window is a pair of positions (or a binary search) in the sorted times.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left
from collections.abc import Callable, Iterable
from itertools import count

__all__ = ["at_least", "counted", "distinct", "distinct_growing", "ordered", "window_start"]


def at_least(ts: list[dt.datetime], span: dt.timedelta, least: int) -> list[int]:
    """Where a window holds ``least`` hits or more: the hit ``least - 1`` back is in it."""
    if least <= 1:
        return list(range(len(ts)))
    return [i for i, a, b in zip(count(least - 1), ts, ts[least - 1 :]) if not a < b - span]


def counted(
    ts: list[dt.datetime], span: dt.timedelta, test: Callable[[float, float], bool], want: float
) -> list[int]:
    """Where the number of hits in the window passes ``test`` against ``want``."""
    held, low = [], 0
    for i, t in enumerate(ts):
        bound = t - span
        while ts[low] < bound:
            low += 1
        if test(i - low + 1, want):
            held.append(i)
    return held


def window_start(ts: list[dt.datetime], end: int, span: dt.timedelta, plain: bool) -> int:
    """Where the window of the hit at ``end`` starts (each type's own comparison, as slid)."""
    if plain:
        return bisect_left(ts, ts[end] - span, 0, end)
    newest = ts[end]
    return bisect_left(ts, True, 0, end, key=lambda t: newest - t <= span)


def distinct_growing(
    values: Iterable[str], n: int, test: Callable[[float, float], bool], want: float, monotone: bool
) -> list[int]:
    """:func:`_distinct` when no hit leaves the window; ``monotone``: once held, always."""
    held: list[int] = []
    seen: set[str] = set()
    for i, value in enumerate(values):
        if value:
            seen.add(value)
        if test(len(seen), want):
            if monotone:
                return list(range(i, n))
            held.append(i)
    return held


def distinct(
    ts: list[dt.datetime],
    values: list[str],
    span: dt.timedelta,
    test: Callable[[float, float], bool],
    want: float,
) -> list[int]:
    """Where the number of distinct non-empty ``values`` in the window passes ``test``."""
    held: list[int] = []
    seen: dict[str, int] = {}
    low = 0
    for i, (t, value) in enumerate(zip(ts, values, strict=True)):
        if value:
            seen[value] = seen.get(value, 0) + 1
        while t - ts[low] > span:
            gone = values[low]
            low += 1
            if gone:
                left = seen[gone] - 1
                if left:
                    seen[gone] = left
                else:
                    del seen[gone]
        if test(len(seen), want):
            held.append(i)
    return held


def ordered(
    ts: list[dt.datetime], refs: list[str], span: dt.timedelta, order: list[str]
) -> list[int]:
    """Where a hit of the last rule of ``order`` ends the rules' hits in that order."""
    where: dict[str, list[int]] = {ref: [] for ref in order}
    for i, ref in enumerate(refs):
        where[ref].append(i)
    held, low = [], 0
    for i in where[order[-1]]:
        bound = ts[i] - span
        while ts[low] < bound:
            low += 1
        if _in_order(where, order, low, i):
            held.append(i)
    return held


def _in_order(where: dict[str, list[int]], order: list[str], low: int, end: int) -> bool:
    """Whether hits of ``order[0]``, ``order[1]``… occur in that order from ``low`` to ``end``
    (``where``: each rule's positions); the earliest of each next one, as a scan would."""
    at = low
    for ref in order:
        found = where[ref]
        k = bisect_left(found, at)
        if k == len(found) or found[k] > end:
            return False
        at = found[k] + 1
    return True
