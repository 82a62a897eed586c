"""SafeText: every Python string survives storage, on any backend, unchanged."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from mamori.store.schema import decode_text, encode_text


@given(st.text(alphabet=st.characters(codec=None)))
def test_every_string_round_trips(value: str) -> None:
    assert decode_text(encode_text(value)) == value


@given(st.text(alphabet=st.characters(codec=None)))
def test_what_is_stored_is_valid_utf8_without_nul(value: str) -> None:
    stored = encode_text(value)
    stored.encode("utf-8")
    assert "\x00" not in stored


def test_ordinary_text_is_stored_as_is() -> None:
    for plain in ("", "app/db.py", "日本語 🔐", "a\x01b"):
        assert encode_text(plain) == plain


def test_awkward_text_is_escaped() -> None:
    for awkward in ("a\x00b", "bad\udcff", "\x01looks-escaped"):
        assert encode_text(awkward) != awkward
