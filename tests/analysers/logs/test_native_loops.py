"""The compiled loops of the matching path (``_native.loops``) against their Python lines."""

from __future__ import annotations

from bisect import bisect_right
from collections import UserDict
from collections.abc import Mapping

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mamori.analysers.logs.ingest import _native

NATIVE = _native.loops()
PYTHON = _native.PYTHON_LOOPS

names = st.sampled_from(["host", "user", "src_ip", "c-ip", "program", "é", "", "message"])
rows = st.lists(st.dictionaries(names, st.text(max_size=5)), max_size=30)


def test_the_compiled_loops_are_the_ones_used() -> None:
    assert NATIVE.column is not PYTHON.column, "_mamori_speedups is not installed"


class Fields(UserDict[str, str]):
    """A mapping that is not a dict."""


class DictFields(dict[str, str]):
    """A dict subclass whose get is its own."""

    def get(self, key: str, default: object = None) -> str:  # type: ignore[override]
        return f"got {key}"


@given(rows, names)
def test_column_reads_one_field_of_every_row(found: list[dict[str, str]], name: str) -> None:
    for make in (dict, Fields, DictFields):
        data: list[Mapping[str, str]] = [make(row) for row in found]
        assert NATIVE.column(data, name) == PYTHON.column(data, name)
        assert NATIVE.column(tuple(data), name) == PYTHON.column(data, name)


@given(st.dictionaries(names, st.text(max_size=3)), st.frozensets(names))
def test_kept_keeps_the_named_fields_in_order(fields: dict[str, str], keep: frozenset[str]) -> None:
    expected = PYTHON.kept(fields, keep)
    for container in (keep, set(keep), sorted(keep), tuple(keep)):
        got = NATIVE.kept(fields, container)
        assert list(got.items()) == list(expected.items())
    assert list(NATIVE.kept(Fields(fields), keep).items()) == list(expected.items())


@pytest.mark.parametrize(
    ("fields", "keep"),
    [({"a": "1"}, 5), (["a"], {"a"}), ({"a": "1"}, None)],
    ids=["keep is no container", "fields are no mapping", "keep is None"],
)
def test_kept_refuses_what_the_comprehension_refuses(fields: object, keep: object) -> None:
    with pytest.raises((TypeError, AttributeError)) as python:
        PYTHON.kept(fields, keep)  # type: ignore[arg-type]
    with pytest.raises(python.type):
        NATIVE.kept(fields, keep)  # type: ignore[arg-type]


@st.composite
def hits(draw: st.DrawFn) -> tuple[list[int], list[tuple[int, int, int]], list[int], list[int]]:
    lengths = draw(st.lists(st.integers(0, 12), min_size=1, max_size=20))
    starts, at = [], 0
    for n in lengths:
        starts.append(at)
        at += n + 1
    ids = draw(st.lists(st.integers(0, 1 << 70), min_size=1, max_size=8))
    found = draw(
        st.lists(
            st.tuples(st.integers(0, len(ids) - 1), st.integers(0, at), st.integers(0, at)),
            max_size=40,
        )
    )
    masks = draw(st.lists(st.integers(0, 1 << 66), min_size=len(starts), max_size=len(starts)))
    return masks, found, starts, ids


@given(hits())
def test_mark_adds_each_hit_to_the_value_it_starts_in(
    case: tuple[list[int], list[tuple[int, int, int]], list[int], list[int]],
) -> None:
    masks, found, starts, ids = case
    expected = list(masks)
    for needle, start, _ in found:  # the definition, written out once more
        expected[bisect_right(starts, start) - 1] |= ids[needle]
    python, native = list(masks), list(masks)
    PYTHON.mark(python, found, starts, ids)
    NATIVE.mark(native, found, starts, ids)
    assert python == expected
    assert native == expected


def test_mark_refuses_bad_arguments() -> None:
    with pytest.raises(ValueError, match="one start per mask"):
        NATIVE.mark([0, 0], [], [0], [1])
    with pytest.raises(ValueError, match="one start per mask"):
        NATIVE.mark([], [], [], [1])
    with pytest.raises(IndexError):
        NATIVE.mark([0], [(3, 0, 1)], [0], [1])  # no needle 3
    with pytest.raises(IndexError):
        NATIVE.mark([0], [(0, -1, 1)], [0], [1])  # before the first value
    with pytest.raises(TypeError):
        NATIVE.mark([0], [(0,)], [0], [1])
    with pytest.raises(TypeError):
        NATIVE.mark((0,), [], [0], [1])  # type: ignore[arg-type]


values = st.lists(
    st.one_of(st.none(), st.text(st.sampled_from("aZ \n\t%é\u0130\x00"), max_size=6)), max_size=12
)


@given(values)
def test_lowered_joins_and_lower_cases_ascii_values(found: list[str | None]) -> None:
    expected = PYTHON.lowered(found)
    assert NATIVE.lowered(found) == expected
    assert NATIVE.lowered(tuple(found)) == expected
    if expected is not None:  # the definition, written out once more
        text, starts = expected
        texts = [value or "" for value in found]
        assert text == "\n".join(texts).lower().encode("ascii")
        assert [text[s : s + len(t)] for s, t in zip(starts, texts, strict=True)] == [
            t.lower().encode("ascii") for t in texts
        ]
    else:
        assert not all((value or "").isascii() for value in found)


def test_lowered_refuses_what_is_not_text() -> None:
    with pytest.raises(TypeError, match="value 1 is int"):
        NATIVE.lowered(["a", 5])  # type: ignore[list-item]
    with pytest.raises(TypeError):
        NATIVE.lowered(5)  # type: ignore[arg-type]
